import LarderCache
import Foundation
import Guide
import Hummingbird
import Logging
import LarderRedis
import RedisTestSupport
import LarderWebCache
import WebTestSupport

/// Chapter 03: Redis as the cache backend of a web app (chapters/03-cache-backend.md): the
/// site-wide cache and `cachePage(60 * 15)` on a Hummingbird site, seen from `curl` and from
/// Redis, then with Redis stopped.
public enum CacheBackend {
    /// Where the demo site listens: the article's `127.0.0.1:8000`, or port 0 for any free one.
    public struct Options: Sendable {
        /// The address to bind; loopback by default.
        public var host = "127.0.0.1"
        /// The port; 0 picks a free one.
        public var port = 8000
        /// Whether to take any free port when `port` is in use (the guide's tour does: it
        /// never clashes with a site the reader runs, and otherwise reuses the article's URL,
        /// so its runs do not each leave a page of their own in Redis).
        public var anyFreePortIfTaken = false
        /// A free-standing options value with the article's address.
        public init(host: String = "127.0.0.1", port: Int = 8000, anyFreePortIfTaken: Bool = false) {
            self.host = host
            self.port = port
            self.anyFreePortIfTaken = anyFreePortIfTaken
        }
    }

    /// What the steps share: the running site and its cache.
    final class Demo: @unchecked Sendable {
        // Written by the first step, read by the later ones; steps run one after another.
        var site: RunningSite?
        var cache: RedisCache?
        var missBody: [UInt8] = []
        var missExpires: String?

    }

    /// The chapter's steps against the Redis in `settings` (DB 1), the site on `options`.
    public static func chapter(_ settings: GuideSettings = GuideSettings(), options: Options = Options()) -> Chapter {
        let demo = Demo()
        let location = "\(settings.url)?db=1"
        return Chapter(
            number: 3, name: "cache-backend", title: "Redis as the cache backend of a web app",
            steps: [
                Step("start the site: site-wide cache, cachePage(60 * 15) on /") { log in
                    let cache = try makeCache(location)
                    let router = CacheBackendSite.router(pageCache: CacheBackendSite.pageCache(over: cache), cache: cache)
                    let site: RunningSite
                    do {
                        site = try await RunningSite.start(router, host: options.host, port: options.port, logger: quietLogger())
                    } catch where options.anyFreePortIfTaken && options.port != 0 {
                        log.show("\(options.host):\(options.port) is taken (your own site?): the tour takes a free port instead")
                        site = try await RunningSite.start(router, host: options.host, port: 0, logger: quietLogger())
                    }
                    demo.cache = cache
                    demo.site = site
                    log.show("listening on http://\(options.host):\(site.port)  (pages in DB 1 of \(settings.socketPath))")
                    log.record("port", "\(site.port)")
                },
                Step("start from a miss: delete the two keys of / left by an earlier run") { log in
                    let (cache, site) = try running(demo)
                    let keys = pageKeys(port: site.port)
                    let deleted = try await cache.delete(keys.header, version: nil)
                    _ = try await cache.delete(keys.page, version: nil)
                    log.show(deleted ? "deleted the page's keys from an earlier run" : "nothing cached for / yet")
                },
                Step("GET /   (a miss: the page is rendered, then stored)") { log in
                    let (response, took) = try await timedGet("/", demo)
                    show(response, took: took, in: &log)
                    guard response.status == 200, response["Expires"] != nil, response["Cache-Control"] == "max-age=900" else {
                        throw StepFailure("the first response lacks Expires or Cache-Control: max-age=900", fix: "is the page cache installed? see chapters/03-cache-backend.md")
                    }
                    demo.missBody = response.body
                    demo.missExpires = response["Expires"]
                    log.record("miss-ms", "\(took.milliseconds)")
                },
                Step("GET / again   (a hit: served from Redis, the route does not run)") { log in
                    let (response, took) = try await timedGet("/", demo)
                    show(response, took: took, in: &log)
                    guard response.body == demo.missBody, response["Expires"] == demo.missExpires, response["Age"] != nil else {
                        throw StepFailure("the second response is not the stored page (body, Expires or Age differ)", fix: "is another program writing DB 1? run the chapter again")
                    }
                    log.record("hit-ms", "\(took.milliseconds)")
                },
                Step("the two keys in Redis, and their TTLs") { log in
                    let (_, site) = try running(demo)
                    let keys = pageKeys(port: site.port)
                    // snippet: page-keys
                    let redis = try RedisConfiguration(url: location)
                    try await RedisConnection.withConnection(configuration: redis) { connection in
                        for key in [":1:" + keys.header, ":1:" + keys.page] {
                            let ttl = try await connection.send(PTTL(RedisKey(key)))
                            log.show("TTL \(ttl.seconds)  \(key)")
                        }
                    }
                    // snippet: end
                    try await RedisConnection.withConnection(configuration: redis) { connection in
                        let ttl = try await connection.send(PTTL(RedisKey(":1:" + keys.page)))
                        guard case .expires(let remaining) = ttl, remaining > .seconds(890) else {
                            throw StepFailure("the page key's TTL is \(ttl.seconds), not about 900", fix: "run the chapter again")
                        }
                    }
                },
                Step("GET /uncached twice   (neverCache: rendered every time, nothing stored)") { log in
                    let (cache, site) = try running(demo)
                    var times: [Duration] = []
                    var last: LoopbackHTTPClient.Response?
                    for _ in 0..<2 {
                        let (response, took) = try await timedGet("/uncached", demo)
                        last = response
                        times.append(took)
                    }
                    if let last { show(last, took: times[1], in: &log, body: false) }
                    log.show("two requests: \(times.map { "\($0.milliseconds) ms" }.joined(separator: ", "))")
                    let headerKey = PageCacheKeys().headerKey(url: "http://127.0.0.1:\(site.port)/uncached")
                    guard try await cache.hasKey(headerKey, version: nil) == false else {
                        throw StepFailure("/uncached was stored", fix: "the route must be under router.neverCache()")
                    }
                    log.show("nothing stored for /uncached")
                },
                Step("stop the site") { log in
                    await demo.site?.stop()
                    await demo.cache?.close()
                    demo.site = nil
                    log.show("stopped")
                },
                Step("with Redis down (a private redis-server, killed): pages are still served") { log in
                    try await redisDown(&log)
                },
            ])
    }

    // snippet: page-cache-configuration
    static func makeCache(_ location: String) throws -> RedisCache {
        // Pages go through the low-level cache of chapter 04: DB 1, keys :1:...
        let configuration = try CacheConfiguration(location: location)  // unix:///var/run/redis/redis.sock?db=1
        return RedisCache(configuration: configuration)
    }
    // snippet: end

    /// The keys of `http://127.0.0.1:<port>/` (before the cache's `:1:`).
    static func pageKeys(host: String = "127.0.0.1", port: Int) -> (header: String, page: String) {
        let url = "http://\(host):\(port)/"
        let keys = PageCacheKeys()
        return (keys.headerKey(url: url), keys.pageKey(method: "GET", url: url, headerList: [], request: [:]))
    }

    static func running(_ demo: Demo) throws -> (RedisCache, RunningSite) {
        guard let cache = demo.cache, let site = demo.site else {
            throw StepFailure("the site is not running", fix: "the first step failed; see its message")
        }
        return (cache, site)
    }

    /// `GET path` on the demo site, and how long it took.
    static func timedGet(_ path: String, _ demo: Demo) async throws -> (LoopbackHTTPClient.Response, Duration) {
        let (_, site) = try running(demo)
        let started = ContinuousClock.now
        let response = try await LoopbackHTTPClient(port: site.port).get(path)
        return (response, ContinuousClock.now - started)
    }

    static func show(_ response: LoopbackHTTPClient.Response, took: Duration, in log: inout StepLog, body: Bool = true) {
        log.show("HTTP/1.1 \(response.status)")
        for (name, value) in response.headers where name.lowercased() != "date" {
            log.show("\(name): \(value)")
        }
        if body, let line = response.text.split(separator: "\n").first(where: { $0.contains("rendered at") }) {
            log.show("body: \(line)")
        }
        log.show("took \(took.milliseconds) ms")
    }

    /// The failure the article's stack cannot survive: Redis goes away under a running site.
    static func redisDown(_ log: inout StepLog) async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        var configuration = CacheConfiguration(redis: server.configuration(database: 1))
        configuration.logger = quietLogger()
        let cache = RedisCache(configuration: configuration)
        let site = try await RunningSite.start(
            CacheBackendSite.router(pageCache: CacheBackendSite.pageCache(over: cache), cache: cache), port: 0, logger: quietLogger())
        do {
            try await demonstrateOutage(server: server, site: site, cache: cache, log: &log)
            await site.stop()
            await cache.close()
        } catch {
            await site.stop()
            await cache.close()
            throw error
        }
    }

    static func demonstrateOutage(server: PrivateRedisServer, site: RunningSite, cache: RedisCache, log: inout StepLog) async throws {
        let client = LoopbackHTTPClient(port: site.port)
        let keys = pageKeys(port: site.port)
        _ = try await client.get("/")
        log.show("Redis up:         GET / → stored: \(try await cache.hasKey(keys.page, version: nil))")
        server.kill()
        for attempt in 1...2 {
            let started = ContinuousClock.now
            let response = try await client.get("/")
            log.show("Redis killed:     GET / → \(response.status) in \(( ContinuousClock.now - started).milliseconds) ms (request \(attempt): the route runs, the page is served)")
            guard response.status == 200 else {
                throw StepFailure("the site answered \(response.status) with Redis down", fix: "the page cache should fail open; see PageCacheConfiguration.failureMode")
            }
        }
        try await server.restart()
        _ = try await client.get("/")
        let storedAgain = try await cache.hasKey(keys.page, version: nil)
        log.show("Redis restarted:  GET / → stored again: \(storedAgain)")
        guard storedAgain else {
            throw StepFailure("the page was not stored after Redis came back", fix: "the cache's connections should reopen by themselves once Redis answers")
        }
    }

    static func quietLogger() -> Logger {
        .chapterQuiet("cache-backend")
    }
}

extension Duration {
    /// Whole milliseconds, for the chapter's timings.
    var milliseconds: Int { Int(components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000) }
}

extension CacheBackend {
    /// Serves the chapter's site on `host:port` for the reader's own `curl`, until the process stops.
    ///
    /// The steps before it stored `/`; its two keys are deleted first, so that the reader's
    /// first `curl -i http://127.0.0.1:8000/` is the miss the chapter describes, not a hit.
    public static func serve(_ settings: GuideSettings = GuideSettings(), host: String, port: Int) async throws -> RunningSite {
        let cache = try makeCache("\(settings.url)?db=1")
        let site: RunningSite
        do {
            site = try await RunningSite.start(
                CacheBackendSite.router(pageCache: CacheBackendSite.pageCache(over: cache), cache: cache), host: host, port: port)
        } catch {
            await cache.close()
            throw error
        }
        let keys = pageKeys(host: host, port: site.port)
        do {
            _ = try await cache.deleteMany([keys.header, keys.page], version: nil)
        } catch {
            await site.stop()
            await cache.close()
            throw error
        }
        return site
    }
}
