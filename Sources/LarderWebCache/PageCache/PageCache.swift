import LarderCache
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import LarderRedis
import Synchronization

/// Django's page cache on any ``Cache`` (a ``RedisCache`` in the chapters): looks a request
/// up, and stores a response under the keys Django uses. The middleware
/// (``UpdateCacheMiddleware``, ``FetchFromCacheMiddleware``, ``CachePageMiddleware``) are thin
/// layers over these two calls.
///
/// ```swift
/// let pageCache = PageCache(cache: redisCache)
/// router.addSiteWideCache(pageCache)                    // Update first, Fetch last
/// router.cachePage(60 * 15, pageCache).get("/") { _, _ in try await renderHome() }
/// ```
public struct PageCache: Sendable {
    /// Where pages are stored.
    public let cache: any Cache
    /// Keys, timeout, failure mode.
    public let configuration: PageCacheConfiguration
    let shared: SharedState

    /// A page cache storing through `cache`.
    public init(cache: any Cache, configuration: PageCacheConfiguration = PageCacheConfiguration()) {
        self.cache = cache
        self.configuration = configuration
        self.shared = SharedState()
        if configuration.failureMode == .failClosed, cache.failsOpen {
            configuration.logger.warning(
                "the page cache fails closed but its cache fails open, so an outage reads as misses and pages are served: make the cache fail closed too")
        }
    }

    /// What a lookup found.
    public enum Lookup: Sendable {
        /// The stored response, with its `Age`: send it, do not run the route.
        case hit(Response)
        /// Nothing stored (or the cache is down and failing open): run the route, then
        /// ``update(_:response:timeout:)``.
        case miss
        /// Not a `GET` or `HEAD`: run the route, store nothing.
        case notCacheable
    }

    /// Django's `FetchFromCacheMiddleware.process_request`: the header list, then the page
    /// for `GET` (and for `HEAD`, the `GET` entry first, then a `HEAD` entry).
    ///
    /// A hit costs one round trip: the header list last seen for the URL names the page key
    /// to ask for in the same pipeline as the header list; when the stored list differs, the
    /// right page is asked for next.
    ///
    /// - Throws: `HTTPError(.serviceUnavailable)` when the cache is down and the failure mode
    ///   is ``CacheConfiguration/FailureMode/failClosed``.
    public func lookup(_ request: Request) async throws(HTTPError) -> Lookup {
        guard PageCachePolicy.isCacheable(request.method), isAllowed(host: request.head.authority) else { return .notCacheable }
        let keys = configuration.keys
        let url = PageCacheKeys.URLHash(request)
        let headerKey = keys.headerKey(url: url)
        func pageKey(_ method: String, _ headerList: [String]) -> String {
            keys.pageKey(method: method, url: url, headerList: headerList, request: request.headers)
        }
        do throws(CacheError) {
            let remembered = shared.headerList(for: headerKey)
            var headerList: [String]?
            var page: CachedPage?
            if let remembered {
                (headerList, page) = try await cache.get(headerKey, as: [String].self, pageKey("GET", remembered), as: CachedPage.self, version: nil)
            } else {
                headerList = try await cache.get(headerKey, as: [String].self, version: nil)
            }
            // No list remembered, or the stored one differs: the page key it names is the right one.
            if let stored = headerList, stored != remembered {
                shared.remember(stored, for: headerKey)
                page = try await cache.get(pageKey("GET", stored), as: CachedPage.self, version: nil)
            }
            guard let headerList else { return .miss }
            // A request with credentials is never answered with a page stored for a header list
            // that ignores them (stored for an anonymous request): the route decides.
            if request.headers[.authorization] != nil, !headerList.contains("HTTP_AUTHORIZATION") { return .miss }
            if page == nil, request.method == .head {
                page = try await cache.get(pageKey("HEAD", headerList), as: CachedPage.self, version: nil)
            }
            guard let page else { return .miss }
            return .hit(page.response(now: HTTPDate.now(), head: request.method == .head))
        } catch {
            try handle(error, while: "looking up \(url.url)")
            return .miss
        }
    }

    /// Django's `UpdateCacheMiddleware.process_response`: stores `response` when the rules
    /// allow (status 200, no cookie set on a page that varies on cookies, not private,
    /// `no-cache` or `no-store`, no `Vary: *`, a known length within
    /// ``PageCacheConfiguration/maximumBodySize``, and for the site-wide rule a non-zero
    /// max-age) and returns it with `Expires` and `Cache-Control: max-age` added, and
    /// `Vary: Authorization` when the request had credentials and the response is not
    /// `public`. A 304 gains the headers but is not stored, as in Django.
    ///
    /// Inside a session middleware that has not yet added its headers (a `cachePage` route),
    /// ``ResponseCookies/use`` says what it will add: a response whose request used the session
    /// gains `Vary: Cookie` here, and one that will set a cookie is not stored (Django's
    /// `cache_page` stores both for everyone unless the view asks for `vary_on_cookie`).
    ///
    /// - Parameter timeout: how long to keep the page, and whether the response's `max-age`
    ///   may change that: ``PageTimeout/siteWide(_:)`` or ``PageTimeout/page(_:)``.
    public func update(_ request: Request, response: Response, timeout: PageTimeout) async throws -> Response {
        var response = response
        let cookieUse = ResponseCookies.use
        if cookieUse?.variesOnCookie == true { PageCachePolicy.addVary("Cookie", to: &response.headers) }
        guard case .success(let seconds) = PageCachePolicy.timeout(
            for: response, timeout: timeout, setsCookieLater: cookieUse?.setsCookie == true)
        else { return response }
        PageCachePolicy.addExpiryHeaders(to: &response.headers, timeout: seconds, now: HTTPDate.now())
        PageCachePolicy.varyOnAuthorization(&response.headers, request: request)
        guard seconds > 0, response.status == .ok,
              let length = response.body.contentLength, length <= configuration.maximumBodySize
        else { return response }

        let collector = BodyCollector(capacity: length)
        try await response.body.write(collector)
        let body = collector.buffer
        response.body = ResponseBody(byteBuffer: body)

        let keys = configuration.keys
        let url = PageCacheKeys.URLHash(request)
        let headerKey = keys.headerKey(url: url)
        let headerList = keys.headerList(vary: response.headers[values: .vary])
        let pageKey = keys.pageKey(method: request.method.rawValue, url: url, headerList: headerList, request: request.headers)
        let page = CachedPage(response: response, body: body)
        do throws(CacheError) {
            try await cache.set(headerKey, headerList, timeout: .seconds(seconds), version: nil)
            try await cache.set(pageKey, page, timeout: .seconds(seconds), version: nil)
            shared.remember(headerList, for: headerKey)
        } catch {
            try handle(error, while: "storing \(url.url)")
        }
        return response
    }

    /// Whether pages of `authority` (`host[:port]`) may be cached.
    func isAllowed(host authority: String?) -> Bool {
        guard let allowed = configuration.allowedHosts else { return true }
        guard let authority else { return false }
        let host: Substring
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = authority[...close]  // [::1]:8000
        } else {
            host = authority.split(separator: ":", maxSplits: 1).first ?? ""
        }
        return allowed.contains(String(host).lowercased())
    }

    /// A cache failure: an undecodable entry is a miss (it is overwritten on the next store);
    /// an unreachable cache is a miss when failing open, a 503 when failing closed. The cache
    /// itself logs one warning per outage.
    private func handle(_ error: CacheError, while doing: String) throws(HTTPError) {
        if let redisError = error.redisError {
            // An error reply (OOM under noeviction, READONLY after a failover) is no outage, and
            // the cache does not log it: say so once, or pages silently stop being cached.
            if redisError.code == .server, let refusal = redisError.serverError {
                if !shared.reportedServerError.exchange(true, ordering: .relaxed) {
                    configuration.logger.warning(
                        "Redis refused a page cache command; pages are served uncached while it does",
                        metadata: ["while": "\(doing)", "error": "\(refusal)"])
                }
            }
            guard configuration.failureMode == .failClosed else { return }
            throw HTTPError(.serviceUnavailable, message: "The page cache is unavailable.")
        }
        configuration.logger.warning("page cache entry skipped", metadata: ["while": "\(doing)", "error": "\(error)"])
    }
}

extension PageCache {
    /// State shared by every copy of a page cache: the header lists last seen, and whether a
    /// misuse was reported.
    final class SharedState: Sendable {
        /// Header lists by header key; emptied when it grows past `memoLimit`.
        private let headerLists = Mutex<[String: [String]]>([:])
        private let memoLimit = 4096
        let reportedFetchWithoutUpdate = Atomic<Bool>(false)
        let reportedUpdateWithoutFetch = Atomic<Bool>(false)
        let reportedServerError = Atomic<Bool>(false)

        func headerList(for key: String) -> [String]? {
            headerLists.withLock { $0[key] }
        }

        func remember(_ list: [String], for key: String) {
            headerLists.withLock { lists in
                if lists.count >= memoLimit, lists[key] == nil { lists.removeAll(keepingCapacity: true) }
                lists[key] = list
            }
        }
    }
}

/// Collects a response body written in parts, to store it and send it.
final class BodyCollector: ResponseBodyWriter {
    private(set) var buffer: ByteBuffer
    private var isEmpty = true

    init(capacity: Int) {
        buffer = ByteBuffer()
        buffer.reserveCapacity(capacity)
    }

    func write(_ part: ByteBuffer) async throws {
        if isEmpty {
            // One part (the usual case): keep it, no copy.
            buffer = part
            isEmpty = false
        } else {
            buffer.writeImmutableBuffer(part)
        }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
