import LarderCache
import Hummingbird
import Logging
import LarderRedis
import RedisTestSupport
import Synchronization
import LarderWebCache
import WebTestSupport

/// A site on a free loopback port whose pages are cached in DB `database` of a private Redis,
/// with a counter of how many times routes really ran.
final class PageCacheFixture: Sendable {
    let server: PrivateRedisServer
    let cache: RedisCache
    let site: RunningSite
    let client: LoopbackHTTPClient
    let routeRuns: RouteCounter
    let database: Int

    private init(server: PrivateRedisServer, cache: RedisCache, site: RunningSite, routeRuns: RouteCounter, database: Int) {
        self.server = server
        self.cache = cache
        self.site = site
        self.client = LoopbackHTTPClient(port: site.port)
        self.routeRuns = routeRuns
        self.database = database
    }

    /// Starts a site on `server` whose routes `build` adds, counting runs in `routeRuns`.
    static func start(
        server: PrivateRedisServer, database: Int = 3,
        configuration: PageCacheConfiguration = PageCacheConfiguration(),
        cacheLogger: Logger? = nil,
        build: (Router<BasicRequestContext>, PageCache, RouteCounter) -> Void
    ) async throws -> PageCacheFixture {
        var cacheConfiguration = CacheConfiguration(redis: server.configuration(database: database))
        cacheConfiguration.logger.logLevel = .critical
        if let cacheLogger { cacheConfiguration.logger = cacheLogger }
        let cache = RedisCache(configuration: cacheConfiguration)
        try await cache.clear()
        var configuration = configuration
        if configuration.logger.label == "page-cache" { configuration.logger.logLevel = .critical }  // quiet unless a test listens
        let pageCache = PageCache(cache: cache, configuration: configuration)
        let router = Router(options: .autoGenerateHeadEndpoints)
        let runs = RouteCounter()
        build(router, pageCache, runs)
        var logger = Logger(label: "test-site")
        logger.logLevel = .critical
        let site = try await RunningSite.start(router, port: 0, logger: logger)
        return PageCacheFixture(server: server, cache: cache, site: site, routeRuns: runs, database: database)
    }

    var runs: Int { routeRuns.count }

    /// Every key of the site's database with its TTL in seconds.
    func keys() async throws -> [String: Int] {
        try await RedisConnection.withConnection(configuration: server.configuration(database: database)) { connection in
            var found: [String: Int] = [:]
            for name in try await connection.send(KEYS("*")) {
                let key = String(buffer: name)
                let ttl = try await connection.send(PTTL(RedisKey(key)))
                if case .expires(let remaining) = ttl { found[key] = Int(remaining.components.seconds) + 1 } else { found[key] = -1 }
            }
            return found
        }
    }

    func stop() async {
        await site.stop()
        await cache.close()
    }
}

/// A small HTML page response.
func page(_ text: String, headers: HTTPFields = [:]) -> Response {
    var fields: HTTPFields = [.contentType: "text/html; charset=utf-8"]
    fields.append(contentsOf: headers)
    return Response(status: .ok, headers: fields, body: .init(byteBuffer: .init(string: "<p>\(text)</p>")))
}

/// How many times the routes ran.
final class RouteCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// Counts one run; returns the new count.
    @discardableResult
    func increment() -> Int { value.add(1, ordering: .relaxed).newValue }

    var count: Int { value.load(ordering: .relaxed) }
}
