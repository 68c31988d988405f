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

/// The page cache and every session engine (`cache`, `cached_db`, standalone Redis) on a Redis
/// Cluster, over real HTTP, with and without `WAIT` for each write: the application code is the
/// same as on one server; only the client under the caches changes, and each cache has its own
/// key prefix where one server would give it a database.
final class ClusterSessionTests: XCTestCase {
    static let redis = SuiteCluster()
    override class func tearDown() { redis.stop() }

    enum Engine { case cache, cachedDB, standalone }

    /// A site with sessions in `engine` (cache prefix `sessions`, or key prefix `sessions:`
    /// for the standalone store) and cached pages (prefix `pages`), both on one cluster client;
    /// each session write waits for replicas as `replication` says.
    func withSite(
        _ engine: Engine, replication: SessionReplication? = nil, _ body: (LoopbackHTTPClient, RedisClusterClient) async throws -> Void
    ) async throws {
        let cluster = try await Self.redis.cluster()
        try await RedisClusterClient.withClient(configuration: cluster.configuration()) { client in
            var sessionConfiguration = CacheConfiguration(keyPrefix: "sessions")
            sessionConfiguration.logger = SessionFixture.quiet
            let sessionCache = RedisCache(client: client, configuration: sessionConfiguration)
            var pageConfiguration = CacheConfiguration(keyPrefix: "pages")
            pageConfiguration.logger = SessionFixture.quiet
            let pages = RedisCache(client: client, configuration: pageConfiguration)
            try await pages.clear()
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-sessions-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let store: any SessionStore
            switch engine {
            case .cache:
                store = try CacheSessionStore(cache: sessionCache, replication: replication, logger: SessionFixture.quiet)
            case .cachedDB:
                let sql = try DatabaseSessionStore(
                    path: folder.appendingPathComponent("db.sqlite3").path, signer: try SessionSigner(secret: SessionFixture.secret))
                if let replication {
                    store = try CachedDatabaseSessionStore(database: sql, cache: sessionCache, replication: replication, logger: SessionFixture.quiet)
                } else {
                    store = CachedDatabaseSessionStore(database: sql, cache: sessionCache, logger: SessionFixture.quiet)
                }
            case .standalone:
                store = RedisSessionStore(
                    client: client, configuration: try RedisSessionConfiguration(socketPath: "/unused", prefix: "sessions:"),
                    signer: try SessionSigner(secret: SessionFixture.secret), replication: replication, logger: SessionFixture.quiet)
            }
            let pageCache = PageCache(cache: pages)
            let router = Router(context: BasicDjangoSessionRequestContext.self)
            router.add(middleware: DjangoSessionMiddleware(store: store))
            router.post("login/:name") { _, context -> String in
                try await context.session.cycleKey()
                try await context.session.set("user", context.parameters.get("name") ?? "")
                return "logged in"
            }
            router.get("count") { _, context -> String in
                let count = (try await context.session.get("count", as: Int.self) ?? 0) + 1
                try await context.session.set("count", count)
                return "count \(count)"
            }
            router.cachePage(60, pageCache).get("profile") { _, context -> String in
                "hello \(try await context.session.get("user", as: String.self) ?? "stranger")"
            }
            router.cachePage(60, pageCache).get("news/:id") { _, context -> String in
                "news \(context.parameters.get("id") ?? "") at \(UUID().uuidString)"
            }
            let site = try await RunningSite.start(router, port: 0, logger: SessionFixture.quiet)
            do {
                try await body(LoopbackHTTPClient(port: site.port), client)
            } catch {
                await site.stop()
                throw error
            }
            await site.stop()
        }
    }

    func cookieKey(_ response: LoopbackHTTPClient.Response) throws -> String {
        let header = try XCTUnwrap(response.values("Set-Cookie").first { $0.hasPrefix("sessionid=") }, "\(response)")
        return String(header.dropFirst("sessionid=".count).prefix { $0 != ";" })
    }

    func get(_ client: LoopbackHTTPClient, _ path: String, cookie: String? = nil) async throws -> LoopbackHTTPClient.Response {
        try await client.get(path, headers: cookie.map { [("Cookie", "sessionid=\($0)")] } ?? [])
    }

    func checkSessionsAndPages(_ engine: Engine, replication: SessionReplication? = nil) async throws {
        try await withSite(engine, replication: replication) { http, cluster in
            // Sessions: many visitors, so their keys land on every primary.
            var cookies: [String] = []
            for visitor in 0..<30 {
                let cookie = try cookieKey(try await http.send("POST", "/login/visitor\(visitor)"))
                cookies.append(cookie)
            }
            for (visitor, cookie) in cookies.enumerated() {
                let profile = try await get(http, "/profile", cookie: cookie)
                XCTAssertEqual(profile.text, "hello visitor\(visitor)")
            }
            let counted = try await get(http, "/count", cookie: cookies[0])
            XCTAssertEqual(counted.text, "count 1")
            let secondCount = try await get(http, "/count", cookie: cookies[0]).text
            XCTAssertEqual(secondCount, "count 2")
            // Pages: stored once, then served from the cluster.
            for id in 0..<20 {
                let miss = try await get(http, "/news/\(id)")
                let hit = try await get(http, "/news/\(id)")
                XCTAssertEqual(hit.text, miss.text, "/news/\(id) was rendered twice")
                XCTAssertNotNil(hit["Age"], "/news/\(id): not served from the cache")
            }
            var spread: [Int] = []
            for node in try await cluster.primaries() {
                spread.append(try await node.scanEveryPrimary(match: "sessions:*").count + (try await node.scanEveryPrimary(match: "pages:*").count))
            }
            XCTAssertEqual(spread.count, 3)
            XCTAssertTrue(spread.allSatisfy { $0 > 0 }, "sessions and pages did not spread over the primaries: \(spread)")
        }
    }

    func testTheCacheEngineAndThePageCacheWorkOnACluster() async throws {
        try await checkSessionsAndPages(.cache)
    }

    func testTheCachedDatabaseEngineAndThePageCacheWorkOnACluster() async throws {
        try await checkSessionsAndPages(.cachedDB)
    }

    func testTheStandaloneEngineAndThePageCacheWorkOnACluster() async throws {
        try await checkSessionsAndPages(.standalone)
    }

    /// Each session write acknowledged by its node's replica, or the request fails (`.fail`):
    /// every login and count above must go through.
    func testEveryEngineWaitingForReplicasWorksOnACluster() async throws {
        let replication = SessionReplication(replicas: 1, timeout: .milliseconds(200), shortfall: .fail)
        for engine in [Engine.cache, .cachedDB, .standalone] {
            try await checkSessionsAndPages(engine, replication: replication)
        }
    }
}
