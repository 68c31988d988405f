import Hummingbird

/// Django's `@cache_page(seconds)` for one route or group: both halves of the page cache
/// around the route, with the route's own timeout and the site-wide cache's keys (a page
/// cached by both is one entry).
public struct CachePageMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The cache pages go to.
    public let pageCache: PageCache
    /// Seconds to keep a page, whatever `max-age` its response sets (Django ≥ 3.1's
    /// `cache_page`; see ``PageTimeout``).
    public let seconds: Int

    /// Caches the routes it wraps for `seconds`.
    public init(_ seconds: Int, _ pageCache: PageCache) {
        self.seconds = seconds
        self.pageCache = pageCache
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Inside the site-wide cache, which has just missed on the same keys: no second
        // lookup, and the outer half leaves the storing to the route's timeout.
        if let exchange = PageCacheExchange.current, exchange.state == .miss {
            let response = try await next(request, context)
            exchange.state = .storedByRoute
            return try await pageCache.update(request, response: response, timeout: .page(seconds))
        }
        switch try await pageCache.lookup(request) {
        case .hit(let response):
            return response
        case .notCacheable:
            return try await next(request, context)
        case .miss:
            let response = try await next(request, context)
            return try await pageCache.update(request, response: response, timeout: .page(seconds))
        }
    }
}

/// Django's `@never_cache`: the routes it wraps answer with `Expires: <now>` and
/// `Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private`, so neither this
/// cache nor a browser or proxy keeps them.
public struct NeverCacheMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Marks every response of the routes it wraps uncacheable.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        PageCachePolicy.addNeverCacheHeaders(to: &response.headers, now: HTTPDate.now())
        return response
    }
}

extension RouterMethods {
    /// A group whose routes are cached for `seconds`, Django's `@cache_page(60 * 15)`:
    /// `router.cachePage(60 * 15, pageCache).get("/") { ... }`.
    public func cachePage(_ seconds: Int, _ pageCache: PageCache) -> RouterGroup<Context> {
        group().add(middleware: CachePageMiddleware<Context>(seconds, pageCache))
    }

    /// A group whose routes are never cached, Django's `@never_cache`:
    /// `router.neverCache().get("/uncached") { ... }`.
    public func neverCache() -> RouterGroup<Context> {
        group().add(middleware: NeverCacheMiddleware<Context>())
    }
}

extension Response {
    /// Marks this response uncacheable, as ``NeverCacheMiddleware`` does for a whole route.
    public mutating func neverCache() {
        PageCachePolicy.addNeverCacheHeaders(to: &headers, now: HTTPDate.now())
    }
}
