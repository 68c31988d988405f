import Foundation
import LarderCache
import LarderRedis
import RedisTestSupport
import XCTest

/// The cache unchanged over TLS: a `rediss://` location, on the cache's own multiplexer and on a
/// pool, against a private `redis-server --tls-port` with certificates made for the run.
final class TLSCacheTests: XCTestCase {
    func testTheCacheAPIOverTLSOnTheMultiplexerAndOnAPool() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let server = try await PrivateTLSRedisServer.start(certificates: certificates, password: "cache-over-tls")
        defer { server.stop() }
        let redis = try RedisConfiguration(
            url: "rediss://:cache-over-tls@127.0.0.1:\(server.tlsPort)/1?ssl_ca_certs=\(certificates.ca.certificate)")
        XCTAssertNotNil(redis.tls)
        let caches = [
            RedisCache(configuration: CacheConfiguration(redis: redis)),
            RedisCache(configuration: CacheConfiguration(redis: redis), poolConfiguration: RedisConnectionPoolConfiguration(maximumConnections: 2)),
        ]
        for (index, cache) in caches.enumerated() {
            do {
                try await cache.set("greeting", "hello \(index)")
                let greeting = try await cache.get("greeting", as: String.self)
                XCTAssertEqual(greeting, "hello \(index)")
                try await cache.set("visits", 10)
                let visits = try await cache.incr("visits", by: 5)
                XCTAssertEqual(visits, 15)
                _ = try await cache.setMany(["a": index, "b": index + 1])
                let many = try await cache.getMany(["a", "b"], as: Int.self)
                XCTAssertEqual(many, ["a": index, "b": index + 1])
                try await cache.clear()  // the default user: FLUSHDB of the private server's DB 1
                let cleared = try await cache.get("greeting", as: String.self)
                XCTAssertNil(cleared)
            } catch {
                await cache.close()
                throw error
            }
            await cache.close()
        }
    }
}
