import LarderCache
import LarderRedis
import RedisTestSupport
import XCTest

/// `RedisCache.withCache` closes the cache before it returns or rethrows: a script's cache is
/// not left to close itself later, or never.
final class RedisCacheWithCacheTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    struct BodyFailed: Error {}

    func configuration() async throws -> CacheConfiguration {
        CacheConfiguration(redis: try await Self.redis.server().configuration(database: 1))
    }

    func testTheCacheIsClosedWhenTheBodyThrows() async throws {
        let configuration = try await configuration()
        var used: RedisCache?
        do {
            try await RedisCache.withCache(configuration: configuration) { cache in
                used = cache
                try await cache.set("with-cache", "stored")
                throw BodyFailed()
            }
            XCTFail("withCache returned although its body threw")
        } catch is BodyFailed {}
        let cache = try XCTUnwrap(used)
        try await assertClosed(cache)
    }

    func testTheCacheIsClosedWhenTheBodyReturnsAndItsResultIsPassedOn() async throws {
        let configuration = try await configuration()
        var used: RedisCache?
        let value = try await RedisCache.withCache(configuration: configuration) { cache in
            used = cache
            try await cache.set("with-cache", "stored")
            return try await cache.get("with-cache", as: String.self)
        }
        XCTAssertEqual(value, "stored")
        try await assertClosed(try XCTUnwrap(used))
    }

    /// The cache refuses use with its closed error: its connections are gone, not closing later.
    private func assertClosed(_ cache: RedisCache, file: StaticString = #filePath, line: UInt = #line) async throws {
        do {
            _ = try await cache.get("with-cache", as: String.self)
            XCTFail("a cache used after withCache returned still answered", file: file, line: line)
        } catch {
            guard error.code == .backend, error.redisError?.code == .poolClosed else {
                return XCTFail("expected the closed error, got \(error)", file: file, line: line)
            }
        }
    }
}
