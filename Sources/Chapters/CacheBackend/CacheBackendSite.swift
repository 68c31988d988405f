import LarderCache
import Foundation
import Hummingbird
import NIOCore
import LarderWebCache
/// Chapter 03's site: the article's Django project with the site-wide cache and one
/// `@cache_page(60 * 15)` view, as a Hummingbird router.
///
/// - `/`: ``cachePage(_:_:)`` for 15 minutes over a page that takes 20 ms to render;
/// - `/uncached`: the same page, ``neverCache()``;
/// - `/plain`: a page cached by the site-wide cache only (600 s);
/// - `/cacheapi`: the article's low-level API calls, answered as JSON, never cached.
public enum CacheBackendSite {
    /// How long the pretend page takes to render: the reference view's 20 ms.
    public static let renderTime: Duration = .milliseconds(20)

    /// The site's page cache over `cache`: Django's defaults, pages kept for the hosts the site
    /// answers on only (Django's `ALLOWED_HOSTS`), so a made-up `Host` makes no entry.
    public static func pageCache(over cache: RedisCache) -> PageCache {
        // snippet: page-cache
        PageCache(cache: cache, configuration: PageCacheConfiguration(allowedHosts: ["127.0.0.1", "localhost"]))
        // snippet: end
    }

    /// The site's router, caching pages through `pageCache` and calling `cache` on `/cacheapi`.
    public static func router(pageCache: PageCache, cache: some Cache) -> Router<BasicRequestContext> {
        let router = Router(options: .autoGenerateHeadEndpoints)
        // snippet: site-wide-cache
        // Django's MIDDLEWARE: UpdateCacheMiddleware first, FetchFromCacheMiddleware last.
        router.addSiteWideCache(pageCache)
        // snippet: end

        // snippet: cache-page
        // Django's @cache_page(60 * 15) on one view.
        router.cachePage(60 * 15, pageCache).get("/") { _, _ in
            try await renderPage(title: "Home, cached for 15 minutes")
        }
        // snippet: end

        // snippet: never-cache
        // Django's @never_cache: the same work, every time.
        router.neverCache().get("/uncached") { _, _ in
            try await renderPage(title: "Never cached")
        }
        // snippet: end

        router.get("/plain") { _, _ in
            html(title: "Cached by the site-wide middleware only", body: "<p>rendered at \(timestamp())</p>")
        }

        router.neverCache().get("/cacheapi") { _, _ in
            try await articleCalls(cache)
        }
        return router
    }

    /// A page that costs ``renderTime`` to make, stamped with the time it was made.
    static func renderPage(title: String) async throws -> Response {
        let started = ContinuousClock.now
        try await Task.sleep(for: renderTime)  // the view's work: templates, queries
        let took = ContinuousClock.now - started
        return html(title: title, body: "<p>rendered at \(timestamp()) in \(took.formatted(.units(allowed: [.milliseconds], fractionalPart: .show(length: 1))))</p>")
    }

    static func html(title: String, body: String) -> Response {
        let page = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>\(title)</title></head>\n<body><h1>\(title)</h1>\n\(body)\n</body></html>\n"
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    static func timestamp() -> String {
        Date.now.formatted(.iso8601.time(includingFractionalSeconds: true))
    }

    /// What `/cacheapi` answers: each of the article's calls with its result.
    struct ArticleCalls: Encodable {
        var setCraig = "ok"
        var getCraig: String?
        var setManyFailed: [String]
        var getMany: [String: Int]
    }

    /// The article's `cache.set/get/set_many/get_many`, each with its result.
    static func articleCalls(_ cache: some Cache) async throws -> Response {
        try await cache.set("craig", "derington")
        let craig = try await cache.get("craig", as: String.self)
        let failed = try await cache.setMany(["a": 1, "b": 2, "c": 3])
        let numbers = try await cache.getMany(["a", "b", "c"], as: Int.self)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let json = try encoder.encode(ArticleCalls(getCraig: craig, setManyFailed: failed, getMany: numbers))
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
