import LarderCache
import Foundation
import Logging
import NIOCore
import LarderRedis
import RedisTestSupport
import XCTest

/// The conformance suite on ``RedisCache`` against a private server, plus what a reader sees
/// in `redis-cli`: Django's key names, integers stored as digits, TTLs, failing open.
final class RedisCacheTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    var suite: CacheConformance {
        CacheConformance { configuration in
            let server = try await Self.redis.server()
            var configuration = configuration
            configuration.redis = server.configuration(database: 1)
            let cache = RedisCache(configuration: configuration, poolConfiguration: .init(maximumConnections: 4))
            try await cache.clear()  // a private server: flushing it is ours to do
            return cache
        }
    }

    func testSetThenGetReturnsTheValue() async throws { try await suite.setThenGetReturnsTheValue() }
    func testZeroAndNegativeTimeoutsDoNotStore() async throws { try await suite.zeroAndNegativeTimeoutsDoNotStore() }
    func testNeverTimeoutKeepsTheValue() async throws { try await suite.neverTimeoutKeepsTheValue() }
    func testExpiryIsObservedThroughHasKey() async throws { try await suite.expiryIsObservedThroughHasKey() }
    func testAddDoesNotOverwriteAnExistingKey() async throws { try await suite.addDoesNotOverwriteAnExistingKey() }
    func testUpdateReplacesOnlyAnExistingKey() async throws { try await suite.updateReplacesOnlyAnExistingKey() }
    func testGetOrSetReturnsTheWinnersValue() async throws { try await suite.getOrSetReturnsTheWinnersValue() }
    func testIncrAndDecrChangeIntegers() async throws { try await suite.incrAndDecrChangeIntegers() }
    func testIncrOnAMissingKeyIsKeyNotFound() async throws { try await suite.incrOnAMissingKeyIsKeyNotFound() }
    func testIncrIsExactForLargeIntegers() async throws { try await suite.incrIsExactForLargeIntegers() }
    func testIncrOnANonIntegerIsAnError() async throws { try await suite.incrOnANonIntegerIsAnError() }
    func testSetManyThenGetManyReturnsOnlyTheKeysFound() async throws { try await suite.setManyThenGetManyReturnsOnlyTheKeysFound() }
    func testDeleteReportsWhetherAKeyWasDeleted() async throws { try await suite.deleteReportsWhetherAKeyWasDeleted() }
    func testTouchSetsANewTimeout() async throws { try await suite.touchSetsANewTimeout() }
    func testVersionsAreSeparateAndIncrVersionMovesTheValue() async throws { try await suite.versionsAreSeparateAndIncrVersionMovesTheValue() }
    func testKeyPrefixSeparatesCaches() async throws { try await suite.keyPrefixSeparatesCaches() }
    func testOverflowIsATypedErrorAndChangesNothing() async throws { try await suite.overflowIsATypedErrorAndChangesNothing() }
    func testIncrVersionByZeroKeepsTheValue() async throws { try await suite.incrVersionByZeroKeepsTheValue() }
    func testIncrVersionWithADefaultTimeoutOfZeroStoresNothing() async throws { try await suite.incrVersionWithADefaultTimeoutOfZeroStoresNothing() }
    func testLongAndOddKeysStillWork() async throws { try await suite.longAndOddKeysStillWork() }
    func testUnicodeBinaryAndStructuredValuesRoundTrip() async throws { try await suite.unicodeBinaryAndStructuredValuesRoundTrip() }
    func testATenMegabyteValueRoundTrips() async throws { try await suite.aTenMegabyteValueRoundTrips() }
    func testAValueOfAnotherTypeIsATypedErrorNotNil() async throws { try await suite.aValueOfAnotherTypeIsATypedErrorNotNil() }
    func testClearEmptiesTheCache() async throws { try await suite.clearEmptiesTheCache() }

    // MARK: What redis-cli shows

    func raw(_ server: PrivateRedisServer) async throws -> RedisConnection {
        try await RedisConnection.connect(configuration: server.configuration(database: 1))
    }

    /// Through `any Cache`, `update` is RedisCache's own `SET ... XX EX`, not the protocol's
    /// default (`EXISTS`, then `SET`), whose check a concurrent delete can slip past.
    func testUpdateThroughTheProtocolIsOneConditionalSet() async throws {
        let server = try await Self.redis.server()
        let cache = try await suite.cache()
        try await cache.set("session", 1)
        let redis = try await raw(server)
        defer { Task { await redis.close() } }
        let before = try await redis.send(INFO(["commandstats"])).sections["commandstats"]?["cmdstat_exists"]
        let replaced = try await cache.update("session", 2, timeout: 60, version: nil)
        let after = try await redis.send(INFO(["commandstats"])).sections["commandstats"]?["cmdstat_exists"]
        XCTAssertTrue(replaced)
        XCTAssertEqual(after, before, "update sent EXISTS: the protocol's default ran instead of SET ... XX EX")
        let ttl = try await redis.send(PTTL(":1:session"))
        guard case .expires(let remaining) = ttl else { return XCTFail("no TTL after update: \(ttl)") }
        XCTAssertGreaterThan(remaining, .seconds(50))
    }

    func testTheArticlesKeysLandAsDjangoNamesThemInDB1() async throws {
        let server = try await Self.redis.server()
        let cache = try await suite.cache()
        try await cache.set("my_key", "hello, world!", timeout: 30)
        try await cache.setMany(["a": 1, "b": 2, "c": 3])
        try await cache.set("int_key", 42)
        let redis = try await raw(server)
        defer { Task { await redis.close() } }
        let myKeyTTL = try await redis.send(PTTL(":1:my_key"))
        guard case .expires(let remaining) = myKeyTTL else { return XCTFail(":1:my_key has no TTL: \(myKeyTTL)") }
        XCTAssertLessThanOrEqual(remaining, .seconds(30))
        XCTAssertGreaterThan(remaining, .seconds(25))
        for key in [":1:a", ":1:b", ":1:c"] {
            guard case .expires(let remaining) = try await redis.send(PTTL(RedisKey(key))) else { return XCTFail("\(key) has no TTL") }
            XCTAssertGreaterThan(remaining, .seconds(295))
        }
        let digits = try await redis.send(GET(":1:int_key"))
        XCTAssertEqual(digits.map { String(buffer: $0) }, "42")
        let encoding = try await redis.send(OBJECT.ENCODING(":1:a"))
        XCTAssertEqual(encoding, "int", "an Int must be stored as digits so INCRBY works")
        let value = try await redis.send(GET(":1:my_key"))
        XCTAssertEqual(value.map { String(buffer: $0) }, "\"hello, world!\"")
        await cache.close()
    }

    func testIncrIsINCRBYOnTheStoredDigits() async throws {
        let server = try await Self.redis.server()
        let cache = try await suite.cache()
        try await cache.set("counter", 10)
        let redis = try await raw(server)
        defer { Task { await redis.close() } }
        _ = try await redis.send(INCRBY(":1:counter", by: 5))  // another client increments it
        let read = try await cache.incr("counter")
        XCTAssertEqual(read, 16)
        await cache.close()
    }

    func testAValueWrittenByAnotherClientThatIsNotJSONIsATypedError() async throws {
        let server = try await Self.redis.server()
        let cache = try await suite.cache()
        let redis = try await raw(server)
        defer { Task { await redis.close() } }
        _ = try await redis.send(SET(":1:foreign", "\u{80}not json"))
        do {
            _ = try await cache.get("foreign", as: String.self)
            XCTFail("decoded foreign bytes")
        } catch {
            guard error.code == .undecodable, let key = error.key, let expected = error.expected else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(key, "foreign")
            XCTAssertEqual(expected, "String")
        }
        await cache.close()
    }

    func testIncrNeverBringsBackAnExpiredCounterWithoutItsTTL() async throws {
        // EXISTS then INCRBY in two round trips: a key expiring between them came back with
        // no TTL, and the counter then never expired (seen in review, 11 rounds in 20).
        let server = try await Self.redis.server()
        let cache = try await suite.cache()
        let redis = try await raw(server)
        defer { Task { await redis.close() } }
        for round in 0..<3 {
            try await cache.set("hits", 0, timeout: 1)
            var increments = 0
            while true {
                do {
                    _ = try await cache.incr("hits")
                    increments += 1
                } catch {
                    guard error.code == .keyNotFound else { throw error }
                    break
                }
            }
            let ttl = try await redis.send(PTTL(":1:hits"))
            XCTAssertEqual(ttl, .missing, "round \(round): after \(increments) increments the counter outlived its TTL")
        }
        await cache.close()
    }

    func testIncrErrorsFromAServerThatAnsweredAreNoOutage() async throws {
        let server = try await Self.redis.server()
        let log = LogRecorder()
        var configuration = CacheConfiguration(redis: server.configuration(database: 1))
        configuration.logger = log.logger()
        let cache = RedisCache(configuration: configuration)
        let redis = try await raw(server)
        defer { Task { await redis.close() } }
        _ = try await redis.send("RPUSH", ":1:a-list", "x")
        do {
            _ = try await cache.incr("a-list")
            XCTFail("incr of a list succeeded")
        } catch {
            guard error.code == .notAnInteger, let key = error.key else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(key, "a-list")
        }
        try await cache.set("big", Int.max)
        do {
            _ = try await cache.incr("big")
            XCTFail("an overflowing incr succeeded")
        } catch {
            guard error.code == .overflow else { return XCTFail("unexpected \(error)") }
        }
        XCTAssertEqual(log.events(atLeast: .info).map(\.description), [], "a server that answered is not an outage")
        _ = try await redis.send(DEL([":1:a-list", ":1:big"]))
        await cache.close()
    }

    func testARedisRefusingWritesForMemoryDropsThemWhenFailingOpenAndSaysSoOnce() async throws {
        // maxmemory 1 byte under noeviction: every SET is refused with OOM; reads still work.
        let server = try await PrivateRedisServer.start(extraDirectives: ["maxmemory 1", "maxmemory-policy noeviction"])
        defer { server.shutDownAndRemove() }
        let log = LogRecorder()
        var open = CacheConfiguration(redis: server.configuration(database: 1), failureMode: .failOpen)
        open.logger = log.logger()
        let failingOpen = RedisCache(configuration: open)
        for _ in 0..<3 {
            try await failingOpen.set("k", "dropped")
            let read = try await failingOpen.get("k", as: String.self)
            XCTAssertNil(read)
        }
        XCTAssertEqual(log.messages(containing: "refuses writes").count, 1, "\(log.lines)")
        XCTAssertEqual(log.messages(containing: "unreachable").count, 0, "\(log.lines)")
        var closed = CacheConfiguration(redis: server.configuration(database: 1))
        closed.logger.logLevel = .critical
        let failingClosed = RedisCache(configuration: closed)
        do {
            try await failingClosed.set("k", "refused")
            XCTFail("a refused write succeeded when failing closed")
        } catch {
            guard let redisError = error.redisError, redisError.code == .server, let reply = redisError.serverError else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(reply.code, "OOM")
        }
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            _ = try await redis.send("CONFIG", "SET", "maxmemory", "0")  // a private server
        }
        try await failingOpen.set("k", "stored")
        let stored = try await failingOpen.get("k", as: String.self)
        XCTAssertEqual(stored, "stored")
        XCTAssertEqual(log.messages(containing: "takes writes again").count, 1, "\(log.lines)")
        await failingOpen.close()
        await failingClosed.close()
    }

    func testABusyRedisIsAnOutageWhenFailingOpen() async throws {
        // A script that runs 1.5 s past a 100 ms threshold: meanwhile every other command is
        // answered "BUSY", as a server loading its dataset answers "LOADING".
        let server = try await PrivateRedisServer.start(extraDirectives: ["busy-reply-threshold 100"])
        defer { server.shutDownAndRemove() }
        let log = LogRecorder()
        var open = CacheConfiguration(redis: server.configuration(database: 1), failureMode: .failOpen)
        open.logger = log.logger()
        let failingOpen = RedisCache(configuration: open, poolConfiguration: .init(maximumConnections: 1))
        var closed = CacheConfiguration(redis: server.configuration(database: 1))
        closed.logger.logLevel = .critical
        let failingClosed = RedisCache(configuration: closed, poolConfiguration: .init(maximumConnections: 1))
        try await failingOpen.set("k", "v")
        _ = try await failingClosed.get("k", as: String.self)  // both connected before the script

        let script = """
            local t0 = redis.call('TIME')
            while true do
              local t = redis.call('TIME')
              if (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 1500000 then return 1 end
            end
            """
        let busy = Task {
            try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
                try await redis.send(EVAL<Int, Int>(script, keys: [], arguments: []))
            }
        }
        // Wait until the server says BUSY (a condition, not a sleep).
        let deadline = ContinuousClock.now + .seconds(5)
        var sawBusy = false
        while !sawBusy, ContinuousClock.now < deadline {
            do {
                _ = try await failingClosed.get("k", as: String.self)
            } catch {
                guard let redisError = error.redisError, redisError.code == .server, let reply = redisError.serverError, reply.code == "BUSY" else { return XCTFail("unexpected \(error)") }
                sawBusy = true
            }
        }
        XCTAssertTrue(sawBusy, "the server never answered BUSY")
        let read = try await failingOpen.get("k", as: String.self)
        XCTAssertNil(read, "failing open, a busy server is a miss")
        try await failingOpen.set("k", "dropped")
        XCTAssertEqual(log.messages(containing: "cannot serve for now").count, 1, "\(log.lines)")
        _ = try await busy.value
        let after = try await failingOpen.get("k", as: String.self)
        XCTAssertEqual(after, "v")
        XCTAssertEqual(log.messages(containing: "reachable again").count, 1, "\(log.lines)")
        await failingOpen.close()
        await failingClosed.close()
    }

    // MARK: Redis down

    func testFailClosedThrowsABackendErrorWhenRedisIsDown() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        var configuration = CacheConfiguration(redis: server.configuration(database: 1))
        configuration.logger.logLevel = .critical
        let cache = RedisCache(configuration: configuration)
        try await cache.set("k", "v")
        server.kill()
        do {
            _ = try await cache.get("k", as: String.self)
            XCTFail("a read with Redis down succeeded")
        } catch {
            guard error.code == .backend else { return XCTFail("unexpected \(error)") }
        }
        await cache.close()
    }

    func testFailOpenMissesAndDropsWritesThenRecoversWithOneWarningPerOutage() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let log = LogRecorder()
        var configuration = CacheConfiguration(redis: server.configuration(database: 1), failureMode: .failOpen)
        configuration.logger = log.logger()
        let cache = RedisCache(configuration: configuration)
        try await cache.set("k", "v")
        server.kill()
        for _ in 0..<5 {
            let value = try await cache.get("k", as: String.self)
            XCTAssertNil(value, "fail open: a read with Redis down is a miss")
            try await cache.set("k2", "dropped")
            let added = try await cache.add("k3", "dropped")
            XCTAssertFalse(added)
        }
        XCTAssertEqual(log.messages(containing: "unreachable").count, 1, "one warning per outage: \(log.lines)")
        try await server.restart()
        try await cache.set("k", "back")
        let value = try await cache.get("k", as: String.self)
        XCTAssertEqual(value, "back")
        XCTAssertEqual(log.messages(containing: "reachable again").count, 1, "\(log.lines)")
        await cache.close()
    }
}
