import NIOCore
import LarderRESP
import RedisTestSupport
@testable import LarderRedis
import XCTest

/// The typed commands against a private server: each reply read as its Swift type.
final class RedisCommandTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    /// A fresh connection to a database emptied for this test.
    func connection(database: Int) async throws -> RedisConnection {
        let server = try await Self.redis.server()
        let connection = try await RedisConnection.connect(configuration: server.configuration(database: database))
        _ = try await connection.send(FLUSHDB())
        return connection
    }

    func testSetAndGetRoundTripBytes() async throws {
        let redis = try await connection(database: 1)
        defer { Task { await redis.close() } }
        let stored = try await redis.send(SET("k", ByteBuffer(string: "value")))
        XCTAssertTrue(stored.stored)
        let value = try await redis.send(GET("k"))
        XCTAssertEqual(value.map { String(buffer: $0) }, "value")
        let missing = try await redis.send(GET("missing"))
        XCTAssertNil(missing)
    }

    func testSetConditionsAndExpiry() async throws {
        let redis = try await connection(database: 2)
        defer { Task { await redis.close() } }
        let first = try await redis.send(SET("nx", "a", condition: .ifNotExists, expiration: .seconds(30)))
        let second = try await redis.send(SET("nx", "b", condition: .ifNotExists))
        XCTAssertTrue(first.stored)
        XCTAssertFalse(second.stored, "NX must not overwrite")
        let onlyIfExists = try await redis.send(SET("xx-missing", "c", condition: .ifExists))
        XCTAssertFalse(onlyIfExists.stored)
        guard case .expires(let remaining) = try await redis.send(PTTL("nx")) else { return XCTFail("nx should expire") }
        XCTAssertGreaterThan(remaining, .seconds(29))
        XCTAssertLessThanOrEqual(remaining, .seconds(30))
        // KEEPTTL keeps the expiry across an overwrite; a plain SET drops it.
        _ = try await redis.send(SET("nx", "d", expiration: .keepTTL))
        guard case .expires = try await redis.send(PTTL("nx")) else { return XCTFail("KEEPTTL lost the expiry") }
        _ = try await redis.send(SET("nx", "e"))
        let ttl = try await redis.send(PTTL("nx"))
        XCTAssertEqual(ttl, .persistent)
        let gone = try await redis.send(PTTL("never-set"))
        XCTAssertEqual(gone, .missing)
        _ = try await redis.send(SET("px", "v", expiration: .milliseconds(60_000)))
        let reply1 = try await redis.send(PERSIST("px"))
        XCTAssertTrue(reply1)
        let reply2 = try await redis.send(PEXPIRE("px", after: .seconds(100)))
        XCTAssertTrue(reply2)
        let reply3 = try await redis.send(PEXPIRE("never-set", after: .seconds(100)))
        XCTAssertFalse(reply3)
    }

    func testMultiKeyCommandsAndCounters() async throws {
        let redis = try await connection(database: 3)
        defer { Task { await redis.close() } }
        _ = try await redis.send(MSET([(key: "a", value: 1), (key: "b", value: 2), (key: "c", value: 3)]))
        let values = try await redis.send(MGET(["a", "missing", "c"]))
        XCTAssertEqual(values.map { $0.map { String(buffer: $0) } }, ["1", nil, "3"])
        let reply4 = try await redis.send(EXISTS(["a", "b", "missing"]))
        XCTAssertEqual(reply4, 2)
        let reply5 = try await redis.send(INCRBY("a", by: 41))
        XCTAssertEqual(reply5, 42)
        let reply6 = try await redis.send(DECRBY("a", by: 2))
        XCTAssertEqual(reply6, 40)
        let reply7 = try await redis.send(OBJECT.ENCODING("a"))
        XCTAssertEqual(reply7, "int")
        let reply8 = try await redis.send(DEL(["a", "b", "missing"]))
        XCTAssertEqual(reply8, 2)
        do {
            _ = try await redis.send(SET("text", "abc"))
            _ = try await redis.send(INCRBY("text", by: 1))
            XCTFail("INCRBY on text succeeded")
        } catch {
            guard error.code == .server, let serverError = error.serverError else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(serverError.message.contains("not an integer"), serverError.message)
        }
    }

    func testKeyDescriptions() async throws {
        let redis = try await connection(database: 4)
        defer { Task { await redis.close() } }
        _ = try await redis.send(SET("s", "short"))
        _ = try await redis.send("RPUSH", "l", "x")
        let reply9 = try await redis.send(TYPE("s"))
        XCTAssertEqual(reply9, "string")
        let reply10 = try await redis.send(TYPE("l"))
        XCTAssertEqual(reply10, "list")
        let reply11 = try await redis.send(TYPE("none"))
        XCTAssertEqual(reply11, "none")
        let reply12 = try await redis.send(OBJECT.ENCODING("s"))
        XCTAssertEqual(reply12, "embstr")
        let reply13 = try await redis.send(OBJECT.ENCODING("none"))
        XCTAssertNil(reply13)
        let usage = try await redis.send(MEMORY.USAGE("s"))
        let memory = try XCTUnwrap(usage)
        XCTAssertGreaterThan(memory, 0)
        let reply14 = try await redis.send(MEMORY.USAGE("none"))
        XCTAssertNil(reply14)
        let reply15 = try await redis.send(DBSIZE())
        XCTAssertEqual(reply15, 2)
        let keys = try await redis.send(KEYS("*"))
        XCTAssertEqual(Set(keys.map { String(buffer: $0) }), ["s", "l"])
    }

    func testInfoKeyspaceIsParsedIntoNumbers() async throws {
        let redis = try await connection(database: 5)
        defer { Task { await redis.close() } }
        _ = try await redis.send(SET("with-ttl", "v", expiration: .seconds(100)))
        _ = try await redis.send(SET("without", "v"))
        let entries = try await redis.send(INFO(["keyspace"])).keyspace
        let db5 = try XCTUnwrap(entries.first { $0.database == 5 }, "no db5 line in \(entries)")
        XCTAssertEqual(db5.keys, 2)
        XCTAssertEqual(db5.expires, 1)
        XCTAssertEqual(KeyspaceEntry(name: "db1", value: "keys=9,expires=9,avg_ttl=899387"),
                       KeyspaceEntry(database: 1, keys: 9, expires: 9, averageTTLMilliseconds: 899_387))
        XCTAssertNil(KeyspaceEntry(name: "dbx", value: "keys=1"))
    }

    func testScanVisitsEvery100kKeysExactlyOnceAndEnds() async throws {
        let redis = try await connection(database: 6)
        defer { Task { await redis.close() } }
        let total = 100_000
        for start in stride(from: 0, to: total, by: 10_000) {
            let pairs = (start..<start + 10_000).map { (key: RedisKey("key:\($0)"), value: $0) }
            _ = try await redis.send(MSET(pairs))
        }
        var seen = Set<RedisKey>()
        var visits = 0
        for try await key in redis.scan(count: 1000) {
            visits += 1
            seen.insert(key)
        }
        XCTAssertEqual(visits, total, "every key once, no repeats")
        XCTAssertEqual(seen.count, total)
        var matched = 0
        for try await key in redis.scan(match: "key:9999*") {
            XCTAssertTrue(key.description.hasPrefix("key:9999"))
            matched += 1
        }
        XCTAssertEqual(matched, 11)  // key:9999 and key:99990 ... key:99999
    }

    func testScanOfAnEmptyDatabaseEndsAtOnce() async throws {
        let redis = try await connection(database: 7)
        defer { Task { await redis.close() } }
        var count = 0
        for try await _ in redis.scan() { count += 1 }
        XCTAssertEqual(count, 0)
    }
}

final class ExpireArithmeticTests: XCTestCase {
    /// Found in review: `.seconds(Int64.max / 100)` trapped on overflow.
    func testHugeAndFractionalTimeoutsNeitherTrapNorExpireEarly() {
        XCTAssertEqual(PEXPIRE.milliseconds(.seconds(Int64.max / 100)), Int.max)
        XCTAssertEqual(PEXPIRE.milliseconds(.seconds(30)), 30_000)
        XCTAssertEqual(PEXPIRE.milliseconds(.microseconds(1)), 1, "a fraction of a millisecond rounds up, never to 0 (which deletes)")
        XCTAssertEqual(PEXPIRE.milliseconds(.milliseconds(1500)), 1_500)
        XCTAssertEqual(PEXPIRE.milliseconds(.zero), 0)
        XCTAssertEqual(PEXPIRE.milliseconds(.seconds(-3)), 0)
    }
}
