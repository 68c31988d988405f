// Hummingbird's own SessionMiddleware (hummingbird-auth) on our RedisCache persist driver,
// for readers already using it. No `import Sessions` here: both modules name a
// `SessionMiddleware` and a `SessionRequestContext`.
import LarderCache
import Chapters
import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import LarderRedis
import RedisTestSupport
import LarderWebCache
import WebTestSupport
import XCTest

final class HummingbirdAuthSessionTests: XCTestCase {
    func testHummingbirdsSessionMiddlewareKeepsSessionsInOurRedisCache() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        var configuration = CacheConfiguration(redis: server.configuration(database: 1))
        configuration.logger.logLevel = .critical
        let cache = RedisCache(configuration: configuration)

        let router = HummingbirdAuthSite.router(cache: cache)
        var logger = Logger(label: "hb-auth-test")
        logger.logLevel = .critical
        let site = try await RunningSite.start(router, port: 0, logger: logger)
        let client = LoopbackHTTPClient(port: site.port)
        do {
            let first = try await client.get("/visits")
            XCTAssertEqual(first.text, "visits 1")
            let cookie = try XCTUnwrap(first["Set-Cookie"]?.split(separator: ";").first.map(String.init))
            XCTAssertTrue(cookie.hasPrefix("SESSION_ID="), cookie)
            let second = try await client.get("/visits", headers: [("Cookie", cookie)])
            XCTAssertEqual(second.text, "visits 2")

            let id = String(cookie.dropFirst("SESSION_ID=".count))
            let key = ":1:hbs.\(id)"
            let (stored, ttl) = try await RedisConnection.withConnection(configuration: server.configuration(database: 1)) { redis in
                (try await redis.send(GET(RedisKey(key))).map { String(buffer: $0) }, try await redis.send(PTTL(RedisKey(key))))
            }
            XCTAssertEqual(stored, #"{"count":2}"#, "through the cache's serializer, under the cache's :1: prefix")
            guard case .expires(let remaining) = ttl else { return XCTFail("no TTL: \(ttl)") }
            XCTAssertGreaterThan(remaining, .seconds(12 * 3600 - 60), "hummingbird-auth's default 12 hours")
        } catch {
            await site.stop()
            await cache.close()
            throw error
        }
        await site.stop()
        await cache.close()
    }
}
