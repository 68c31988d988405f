import LarderCache
import Foundation
import Hummingbird
import Logging
import LarderRedis
import RedisTestSupport
import LarderWebCache
import XCTest

/// RedisCache used only through Hummingbird's `PersistDriver` protocol, against a private server.
final class PersistDriverTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    struct Visit: Codable, Equatable, Sendable {
        var count: Int
    }

    func driver() async throws -> some PersistDriver {
        let server = try await Self.redis.server()
        var configuration = CacheConfiguration(redis: server.configuration(database: 2))
        configuration.logger.logLevel = .critical
        let cache = RedisCache(configuration: configuration)
        try await cache.clear()
        return cache
    }

    func testCreateRefusesAnExistingKey() async throws {
        let persist = try await driver()
        try await persist.create(key: "visit", value: Visit(count: 1), expires: .seconds(60))
        do {
            try await persist.create(key: "visit", value: Visit(count: 2), expires: nil)
            XCTFail("create overwrote an existing key")
        } catch let error as PersistError {
            XCTAssertEqual(error, .duplicate)
        }
        let value = try await persist.get(key: "visit", as: Visit.self)
        XCTAssertEqual(value, Visit(count: 1))
        try await persist.shutdown()
    }

    func testSetWithoutExpiryKeepsTheExistingTTL() async throws {
        let persist = try await driver()
        try await persist.set(key: "visit", value: Visit(count: 1), expires: .seconds(100))
        try await persist.set(key: "visit", value: Visit(count: 2), expires: nil)
        let entry = try await persist.getWithTTL(key: "visit", as: Visit.self)
        XCTAssertEqual(entry?.object, Visit(count: 2))
        let ttl = try XCTUnwrap(entry?.ttl, "the TTL was lost by set(expires: nil)")
        XCTAssertGreaterThan(ttl, .seconds(95))
        XCTAssertLessThanOrEqual(ttl, .seconds(100))
        try await persist.set(key: "forever", value: Visit(count: 3), expires: nil)
        let forever = try await persist.getWithTTL(key: "forever", as: Visit.self)
        XCTAssertEqual(forever?.object, Visit(count: 3))
        XCTAssertNil(forever?.ttl, "a new key set without expiry never expires")
        try await persist.shutdown()
    }

    func testGetOfAnotherTypeIsInvalidConversionAndRemoveDeletes() async throws {
        let persist = try await driver()
        try await persist.set(key: "visit", value: Visit(count: 1), expires: nil)
        do {
            _ = try await persist.get(key: "visit", as: [String].self)
            XCTFail("decoded a Visit as [String]")
        } catch let error as PersistError {
            XCTAssertEqual(error, .invalidConversion)
        }
        try await persist.remove(key: "visit")
        let gone = try await persist.get(key: "visit", as: Visit.self)
        XCTAssertNil(gone)
        try await persist.shutdown()
    }

    func testKeysAreTheCachesDjangoNames() async throws {
        let server = try await Self.redis.server()
        let persist = try await driver()
        try await persist.set(key: "hb-session", value: Visit(count: 7), expires: .milliseconds(1500))
        let ttl = try await RedisConnection.withConnection(configuration: server.configuration(database: 2)) { redis in
            try await redis.send(PTTL(":1:hb-session"))
        }
        guard case .expires(let remaining) = ttl else { return XCTFail(":1:hb-session missing or persistent: \(ttl)") }
        XCTAssertGreaterThan(remaining, .milliseconds(1500), "a fractional expiry rounds up to whole seconds")
        XCTAssertLessThanOrEqual(remaining, .seconds(2))
        try await persist.shutdown()
    }
}
