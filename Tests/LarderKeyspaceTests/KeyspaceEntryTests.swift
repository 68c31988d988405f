import LarderRESP
import LarderRedis
import LarderKeyspace
import RedisTestSupport
import XCTest

/// `INFO keyspace` parsed into numbers (`KeyspaceEntry`, `RedisInfo.keyspace`,
/// `KeyspaceInspector.overview()`): real replies from a private server, and the edge cases of
/// the text format.
final class KeyspaceEntryTests: XCTestCase {
    // MARK: Real replies

    func testRealReplyOfAnEmptyServerHasNoEntries() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let overview = try await KeyspaceInspector(configuration: server.configuration()).overview()
        XCTAssertEqual(overview.entries, [])
        XCTAssertEqual(overview.lines, [])
        XCTAssertEqual(overview.databaseCount, 16)
        XCTAssertEqual(overview.totalKeys, 0)
    }

    func testRealReplyOfManyDatabasesIsParsedInNumericOrder() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        // Database n gets n + 1 keys, the odd ones one key with a TTL, so that every line differs.
        for database in 0..<16 {
            try await RedisConnection.withConnection(configuration: server.configuration(database: database)) { redis in
                _ = await redis.execute((0...database).map { SET(RedisKey("k\($0)"), "v") })
                if database % 2 == 1 { _ = try await redis.send(SET("ttl", "v", expiration: .seconds(1000))) }
            }
        }
        let overview = try await KeyspaceInspector(configuration: server.configuration()).overview()
        XCTAssertEqual(overview.entries.map(\.database), Array(0..<16), "db10 must come after db9, not after db1")
        for entry in overview.entries {
            let odd = entry.database % 2 == 1
            XCTAssertEqual(entry.keys, entry.database + 1 + (odd ? 1 : 0), "db\(entry.database)")
            XCTAssertEqual(entry.expires, odd ? 1 : 0, "db\(entry.database)")
            XCTAssertGreaterThanOrEqual(entry.averageTTLMilliseconds, 0)
            XCTAssertLessThanOrEqual(entry.averageTTLMilliseconds, 1_000_000, "a sampled estimate, never above the TTL set")
            XCTAssertEqual(entry.otherFields, [:], "Redis 7.0 sends only keys, expires and avg_ttl")
        }
        XCTAssertEqual(overview.lines.count, 16)
        XCTAssertTrue(overview.lines[10].hasPrefix("db10:keys=11,expires=0,avg_ttl="), overview.lines[10])
        XCTAssertEqual(overview.totalKeys, (1...16).reduce(0, +) + 8)
    }

    // MARK: The text format

    func testALineIsParsedIntoNumbers() {
        let entry = KeyspaceEntry(name: "db1", value: "keys=9,expires=9,avg_ttl=899387")
        XCTAssertEqual(entry, KeyspaceEntry(database: 1, keys: 9, expires: 9, averageTTLMilliseconds: 899_387))
    }

    func testUnknownFieldsAreKeptAsSent() {
        // Redis 7.4 adds subexpiry (keys with hash-field expiries); a fork may add more.
        let entry = KeyspaceEntry(name: "db0", value: "keys=3,expires=1,avg_ttl=5000,subexpiry=0,x-fork=abc")
        XCTAssertEqual(entry?.keys, 3)
        XCTAssertEqual(entry?.averageTTLMilliseconds, 5000)
        XCTAssertEqual(entry?.otherFields, ["subexpiry": "0", "x-fork": "abc"])
    }

    func testFieldsMayComeInAnyOrderWithSpacesAndMissingOptionalFields() {
        XCTAssertEqual(
            KeyspaceEntry(name: "db2", value: " expires = 2 , keys=5 "),
            KeyspaceEntry(database: 2, keys: 5, expires: 2, averageTTLMilliseconds: 0))
        XCTAssertEqual(KeyspaceEntry(name: "db3", value: "keys=1"), KeyspaceEntry(database: 3, keys: 1, expires: 0, averageTTLMilliseconds: 0))
        XCTAssertEqual(KeyspaceEntry(name: "db3", value: "keys=1,expires=many")?.expires, 0, "a known field that is not a number counts as 0")
    }

    func testLinesThatAreNotADatabaseOrHaveNoKeyCountAreSkipped() {
        XCTAssertNil(KeyspaceEntry(name: "dbx", value: "keys=1"))
        XCTAssertNil(KeyspaceEntry(name: "db", value: "keys=1"))
        XCTAssertNil(KeyspaceEntry(name: "db-1", value: "keys=1"))
        XCTAssertNil(KeyspaceEntry(name: "cluster", value: "keys=1"))
        XCTAssertNil(KeyspaceEntry(name: "db1", value: "expires=1,avg_ttl=3"))
        XCTAssertNil(KeyspaceEntry(name: "db1", value: "keys=lots"))
        XCTAssertNil(KeyspaceEntry(name: "db1", value: ""))
    }

    func testInfoTextWithManyDatabasesAndOddLinesKeepsTheGoodOnes() {
        let text = "# Keyspace\r\ndb10:keys=2,expires=0,avg_ttl=0\r\ndb2:keys=1,expires=1,avg_ttl=100\r\n"
            + "dbx:keys=1\r\nnotes:keys=3\r\ndb3:expires=1\r\ndb0:keys=7,expires=0,avg_ttl=0,subexpiry=0\r\n"
        let info = RedisInfo(text: text)
        XCTAssertEqual(info.keyspace.map(\.database), [0, 2, 10])
        XCTAssertEqual(info.keyspace.map(\.keys), [7, 1, 2])
        XCTAssertEqual(info.keyspace.first?.otherFields, ["subexpiry": "0"])
    }

    func testNoKeysMeansAnEmptySection() {
        let info = RedisInfo(text: "# Keyspace\r\n")
        XCTAssertEqual(info.sectionOrder, ["keyspace"])
        XCTAssertEqual(info.keyspace, [])
    }

    func testTheLineShownBesideItsNumbers() {
        let entry = KeyspaceEntry(database: 1, keys: 9, expires: 9, averageTTLMilliseconds: 899_387)
        XCTAssertEqual(
            KeyspaceText.line(entry, raw: "db1:keys=9,expires=9,avg_ttl=899387"),
            "db1:keys=9,expires=9,avg_ttl=899387  →  db1: 9 keys, 9 with a TTL, average TTL ≈ 899 s")
    }
}
