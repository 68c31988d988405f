import Hummingbird
import Logging
import Synchronization

/// Django's site-wide cache as two middleware: ``UpdateCacheMiddleware`` must come **first**
/// (it sees the response last, after every other middleware has added its headers) and
/// ``FetchFromCacheMiddleware`` **last** (just before the routes, so a hit skips only the
/// route). ``Router/addSiteWideCache(_:between:)`` installs both in that order, with any
/// middleware that belongs between them; a wrong order added by hand is reported in the log
/// at the first request.
///
/// The two halves talk through a task-local exchange: Fetch tells Update whether the request
/// missed (store the response), hit or was not cacheable (leave it).
final class PageCacheExchange: Sendable {
    enum State: Sendable {
        case notFetched, miss, hit, notCacheable
        /// A `cachePage` route inside stored the page already (with its own timeout).
        case storedByRoute
    }

    @TaskLocal static var current: PageCacheExchange?

    private let value = Mutex<State>(.notFetched)

    var state: State {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// The first half of the site-wide cache (Django's `UpdateCacheMiddleware`): after the
/// response comes back through every inner middleware, stores it when the fetch half missed.
public struct UpdateCacheMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The cache pages go to.
    public let pageCache: PageCache

    /// The update half over `pageCache`; its timeout is the configuration's (600 s).
    public init(_ pageCache: PageCache) {
        self.pageCache = pageCache
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let exchange = PageCacheExchange()
        let response = try await PageCacheExchange.$current.withValue(exchange) {
            try await next(request, context)
        }
        switch exchange.state {
        case .miss:
            return try await pageCache.update(request, response: response, timeout: .siteWide(pageCache.configuration.timeout))
        case .notFetched:
            if PageCachePolicy.isCacheable(request.method), !pageCache.shared.reportedUpdateWithoutFetch.exchange(true, ordering: .relaxed) {
                pageCache.configuration.logger.warning(
                    "UpdateCacheMiddleware saw a response that FetchFromCacheMiddleware never looked up, so it is not cached. Add the fetch half last (router.addSiteWideCache does), or check that no middleware between them answers by itself")
            }
            return response
        case .hit, .notCacheable, .storedByRoute:
            return response
        }
    }
}

/// The last half of the site-wide cache (Django's `FetchFromCacheMiddleware`): answers from
/// the cache when it can, without running the route.
public struct FetchFromCacheMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The cache pages come from.
    public let pageCache: PageCache

    /// The fetch half over `pageCache`.
    public init(_ pageCache: PageCache) {
        self.pageCache = pageCache
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let exchange = PageCacheExchange.current else {
            if !pageCache.shared.reportedFetchWithoutUpdate.exchange(true, ordering: .relaxed) {
                pageCache.configuration.logger.error(
                    "FetchFromCacheMiddleware runs without UpdateCacheMiddleware before it: pages are read but never stored. Add UpdateCacheMiddleware first and FetchFromCacheMiddleware last, or use router.addSiteWideCache(_:)")
            }
            return try await next(request, context)
        }
        switch try await pageCache.lookup(request) {
        case .hit(let response):
            exchange.state = .hit
            return response
        case .miss:
            exchange.state = .miss
            return try await next(request, context)
        case .notCacheable:
            exchange.state = .notCacheable
            return try await next(request, context)
        }
    }
}

extension Router {
    /// Installs the site-wide cache in Django's order: ``UpdateCacheMiddleware`` now (first),
    /// then `between` (say, a session middleware that adds `Vary: Cookie`), then
    /// ``FetchFromCacheMiddleware`` (last). Add no other middleware to this router afterwards:
    /// it would run inside the fetch half and be skipped on every hit.
    @discardableResult
    public func addSiteWideCache(_ pageCache: PageCache, between: [any MiddlewareProtocol<Request, Response, Context>] = []) -> Router<Context> {
        _ = add(middleware: UpdateCacheMiddleware<Context>(pageCache))
        for middleware in between { _ = add(middleware: middleware) }
        _ = add(middleware: FetchFromCacheMiddleware<Context>(pageCache))
        return self
    }
}
