import LarderRESP
import LarderRedis
import RedisTestSupport
import XCTest

/// `RedisInfo(text:)` on real `INFO` replies from a private server, and on the edge cases of
/// its text format.
final class RedisInfoTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    // MARK: Real replies

    func testRealINFOReplyIsParsedIntoEverySection() async throws {
        let server = try await Self.redis.server()
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            let text = try String(fromRESP: try await redis.send("INFO"))
            let info = RedisInfo(text: text)

            // Every `field:value` line lands in a section: none lost, none invented.
            let fieldLines = text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("#") && $0.contains(":") }
            XCTAssertEqual(info.sections.values.map(\.count).reduce(0, +), fieldLines.count)
            let headers = text.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("# ") }
            XCTAssertEqual(info.sectionOrder, headers.map { $0.dropFirst(2).lowercased() })
            XCTAssertEqual(info.sectionOrder.first, "server")
            for section in ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "keyspace"] {
                XCTAssertNotNil(info.sections[section], "missing section \(section) in \(info.sectionOrder)")
            }
            for (name, fields) in info.sections {
                for (field, value) in fields {
                    XCTAssertFalse(field.contains(where: \.isNewline) || value.contains(where: \.isNewline), "\(name).\(field): \(value)")
                }
            }

            // Values the test knows from the server it started.
            XCTAssertEqual(info.serverVersion, redis.serverVersion)
            XCTAssertEqual(info["server"]["config_file"], server.configFile)
            XCTAssertEqual(info["server"]["process_id"], server.pid.map { String($0) })
            XCTAssertEqual(info["server"]["tcp_port"], String(server.tcpPort))
            XCTAssertEqual(info["Server"], info["server"], "section names are case-insensitive")
        }
    }

    func testINFOCommandReadsTheSameOverRESP2AndRESP3() async throws {
        let server = try await Self.redis.server()
        var resp2 = server.configuration()
        resp2.preferRESP3 = false
        // RESP3 sends INFO as a verbatim string (`=...txt:`), RESP2 as a bulk string.
        let overRESP3 = try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            XCTAssertEqual(redis.protocolVersion, 3)
            return try await redis.send(INFO(["server", "clients"]))
        }
        let overRESP2 = try await RedisConnection.withConnection(configuration: resp2) { redis in
            XCTAssertEqual(redis.protocolVersion, 2)
            return try await redis.send(INFO(["server", "clients"]))
        }
        XCTAssertEqual(overRESP3.sectionOrder, ["server", "clients"])
        XCTAssertEqual(overRESP2.sectionOrder, ["server", "clients"])
        XCTAssertNotNil(overRESP3.serverVersion)
        XCTAssertEqual(overRESP3.serverVersion, overRESP2.serverVersion)
        XCTAssertEqual(Set(overRESP3["server"].keys), Set(overRESP2["server"].keys))
    }

    func testRealKeyspaceLineCountsKeysAndExpiries() async throws {
        let server = try await Self.redis.server()
        try await RedisConnection.withConnection(configuration: server.configuration(database: 7)) { redis in
            _ = try await redis.send("FLUSHDB")
            _ = try await redis.send("SET", "a", "1")
            _ = try await redis.send("SET", "b", "2")
            _ = try await redis.send("SET", "c", "3", "EX", 100)
            let info = try await redis.send(INFO(["keyspace"]))
            XCTAssertEqual(info.sectionOrder, ["keyspace"])
            let db7 = try XCTUnwrap(info["keyspace"]["db7"], "\(info.sections)")
            XCTAssertTrue(db7.hasPrefix("keys=3,expires=1,avg_ttl="), db7)
        }
    }

    // MARK: The text format

    func testEmptyTextHasNoSections() {
        let info = RedisInfo(text: "")
        XCTAssertEqual(info.sections, [:])
        XCTAssertEqual(info.sectionOrder, [])
        XCTAssertNil(info.serverVersion)
        XCTAssertEqual(info["server"], [:])
    }

    func testCRLFAndLFReadTheSame() {
        let lines = ["# Server", "redis_version:7.0.15", "tcp_port:0", "", "# Keyspace", "db1:keys=9,expires=9,avg_ttl=899387", ""]
        let crlf = RedisInfo(text: lines.joined(separator: "\r\n"))
        let lf = RedisInfo(text: lines.joined(separator: "\n"))
        XCTAssertEqual(crlf, lf)
        XCTAssertEqual(crlf.sectionOrder, ["server", "keyspace"])
        XCTAssertEqual(crlf.serverVersion, "7.0.15")
        XCTAssertEqual(crlf["server"]["tcp_port"], "0", "no \\r may stay on a value")
    }

    func testKeyspaceLineKeepsItsWholeValue() {
        let info = RedisInfo(text: "# Keyspace\r\ndb1:keys=9,expires=9,avg_ttl=899387\r\ndb15:keys=1,expires=0,avg_ttl=0\r\n")
        XCTAssertEqual(info["keyspace"], ["db1": "keys=9,expires=9,avg_ttl=899387", "db15": "keys=1,expires=0,avg_ttl=0"])
    }

    func testOnlyTheFirstColonSeparatesFieldFromValue() {
        let info = RedisInfo(text: "# Server\r\nexecutable:/usr/bin/redis-server\r\nlistener0:name=tcp,bind=::1,port=6379\r\n")
        XCTAssertEqual(info["server"]["executable"], "/usr/bin/redis-server")
        XCTAssertEqual(info["server"]["listener0"], "name=tcp,bind=::1,port=6379")
    }

    func testFieldBeforeAnyHeaderGoesToAnUnnamedSection() {
        let info = RedisInfo(text: "loose:1\r\n# Server\r\nredis_version:7.0.15\r\n")
        XCTAssertEqual(info.sectionOrder, ["", "server"])
        XCTAssertEqual(info[""], ["loose": "1"])
        XCTAssertEqual(info.serverVersion, "7.0.15")
    }

    func testHeadersAreTrimmedLowercasedAndMergedWhenRepeated() {
        let info = RedisInfo(text: "#  Keyspace  \r\ndb0:keys=1\r\n# KEYSPACE\r\ndb2:keys=2\r\n#Memory\r\n")
        XCTAssertEqual(info.sectionOrder, ["keyspace", "memory"])
        XCTAssertEqual(info["keyspace"], ["db0": "keys=1", "db2": "keys=2"])
        XCTAssertEqual(info["memory"], [:], "an empty section still exists")
    }

    func testLinesWithoutAColonAndSurroundingBlanksAreIgnored() {
        let info = RedisInfo(text: "\r\n# Server\r\nnot a field\r\n  redis_version:7.0.15 \t\r\n\r\n")
        XCTAssertEqual(info["server"], ["redis_version": "7.0.15"])
    }
}
