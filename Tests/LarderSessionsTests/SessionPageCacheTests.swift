import LarderCache
import Foundation
import Hummingbird
import Logging
import LarderRedis
import RedisTestSupport
import LarderSessions
import LarderWebCache
import WebTestSupport
import XCTest

/// A `cachePage` route under a router-level ``DjangoSessionMiddleware``: the page cache stores the
/// response before the session middleware adds `Vary: Cookie` on the way out (Django's
/// `cache_page` has this trap; its docs ask for `vary_on_cookie`). A page whose request used
/// the session must never be served to another visitor.
final class SessionPageCacheTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    /// A site whose `/profile` and `/remember` are cached for a minute (pages in DB 3),
    /// sessions in the cache engine (DB 1).
    func withSite(_ body: (LoopbackHTTPClient) async throws -> Void) async throws {
        let server = try await Self.redis.server()
        var sessionCacheConfiguration = CacheConfiguration(redis: server.configuration(database: 1))
        sessionCacheConfiguration.logger = SessionFixture.quiet
        let sessionCache = RedisCache(configuration: sessionCacheConfiguration)
        var pageCacheConfiguration = CacheConfiguration(redis: server.configuration(database: 3))
        pageCacheConfiguration.logger = SessionFixture.quiet
        let pages = RedisCache(configuration: pageCacheConfiguration)
        try await pages.clear()
        let pageCache = PageCache(cache: pages)

        let router = Router(context: BasicDjangoSessionRequestContext.self)
        router.add(middleware: DjangoSessionMiddleware(store: try CacheSessionStore(cache: sessionCache)))
        router.post("login/:name") { _, context -> String in
            try await context.session.cycleKey()
            try await context.session.set("user", context.parameters.get("name") ?? "")
            return "logged in"
        }
        // Reads the session only.
        router.cachePage(60, pageCache).get("profile") { _, context -> String in
            "hello \(try await context.session.get("user", as: String.self) ?? "stranger")"
        }
        // Writes the session: the response will set a cookie.
        router.cachePage(60, pageCache).get("remember") { _, context -> String in
            let token = UUID().uuidString
            try await context.session.set("token", token)
            return "token \(token)"
        }
        // Never touches the session: cached for everyone, as before.
        router.cachePage(60, pageCache).get("news") { _, _ in "news" }
        let site = try await RunningSite.start(router, port: 0, logger: SessionFixture.quiet)
        do {
            try await body(LoopbackHTTPClient(port: site.port))
        } catch {
            await site.stop()
            await sessionCache.close()
            await pages.close()
            throw error
        }
        await site.stop()
        await sessionCache.close()
        await pages.close()
    }

    func cookieKey(_ response: LoopbackHTTPClient.Response) throws -> String {
        let header = try XCTUnwrap(response.values("Set-Cookie").first { $0.hasPrefix("sessionid=") }, "\(response)")
        return String(header.dropFirst("sessionid=".count).prefix { $0 != ";" })
    }

    func get(_ client: LoopbackHTTPClient, _ path: String, cookie: String? = nil) async throws -> LoopbackHTTPClient.Response {
        try await client.get(path, headers: cookie.map { [("Cookie", "sessionid=\($0)")] } ?? [])
    }

    func testAPageThatReadTheSessionIsNeverServedToAnotherVisitor() async throws {
        try await withSite { client in
            let alice = try cookieKey(try await client.send("POST", "/login/alice"))
            let bob = try cookieKey(try await client.send("POST", "/login/bob"))
            let first = try await get(client, "/profile", cookie: alice)
            XCTAssertEqual(first.text, "hello alice")
            XCTAssertEqual(first["Vary"], "Cookie")

            let stranger = try await get(client, "/profile")
            XCTAssertEqual(stranger.text, "hello stranger", "a visitor without a cookie got alice's page")
            let other = try await get(client, "/profile", cookie: bob)
            XCTAssertEqual(other.text, "hello bob", "bob got alice's page")

            // Still cached, per cookie.
            let again = try await get(client, "/profile", cookie: alice)
            XCTAssertEqual(again.text, "hello alice")
            XCTAssertNotNil(again["Age"], "alice's second visit is a hit: \(again)")
        }
    }

    func testAPageThatWroteTheSessionIsNotStored() async throws {
        try await withSite { client in
            let first = try await get(client, "/remember")
            _ = try cookieKey(first)
            let second = try await get(client, "/remember")
            XCTAssertNotEqual(second.text, first.text, "the second visitor got the first one's page")
            XCTAssertNoThrow(try cookieKey(second), "the second visitor got no session of its own")
            XCTAssertNil(second["Age"], "served from the cache: \(second)")
        }
    }

    func testAPageThatNeverTouchedTheSessionIsStillSharedByEveryone() async throws {
        try await withSite { client in
            let alice = try cookieKey(try await client.send("POST", "/login/alice"))
            let first = try await get(client, "/news", cookie: alice)
            XCTAssertNil(first["Vary"])
            let stranger = try await get(client, "/news")
            XCTAssertEqual(stranger.text, "news")
            XCTAssertNotNil(stranger["Age"], "a page that does not vary is one entry for everyone: \(stranger)")
        }
    }
}
