import LarderCache
import Logging

/// The page cache's settings, with Django's defaults (`CACHE_MIDDLEWARE_*`).
public struct PageCacheConfiguration: Sendable {
    /// Key names: prefix, language and time-zone suffixes.
    public var keys: PageCacheKeys
    /// Seconds a page is kept when its response has no `max-age` of its own: Django's
    /// `CACHE_MIDDLEWARE_SECONDS`, 600, for the site-wide cache. `cachePage(_:)` sets its own.
    public var timeout: Int
    /// What a request does when the cache cannot be reached. Default
    /// ``CacheConfiguration/FailureMode/failOpen``: the route runs and the page is served
    /// uncached (Django fails closed: every request answers 500). A Redis that does not answer
    /// counts as unreachable after the cache's ``CacheConfiguration/redisTimeout`` (250 ms by
    /// default), and the next requests then do not wait for it for a while.
    public var failureMode: CacheConfiguration.FailureMode
    /// Bodies longer than this are served but not stored. Default 1 MiB.
    public var maximumBodySize: Int
    /// The hosts whose pages are cached (Django's `ALLOWED_HOSTS`), compared with the request's
    /// `Host` without its port; `nil` caches any. The host is part of every key: without a
    /// list, each made-up `Host` a client sends makes new entries.
    public var allowedHosts: Set<String>?
    /// Where the cache's misuse reports go (middleware in the wrong order, undecodable entries).
    public var logger: Logger

    /// Django's defaults: no key prefix, time zone `UTC`, 600 seconds, failing open.
    public init(
        keys: PageCacheKeys = PageCacheKeys(),
        timeout: Int = 600,
        failureMode: CacheConfiguration.FailureMode = .failOpen,
        maximumBodySize: Int = 1 << 20,
        allowedHosts: Set<String>? = nil,
        logger: Logger = Logger(label: "page-cache")
    ) {
        self.allowedHosts = allowedHosts
        self.keys = keys
        self.timeout = timeout
        self.failureMode = failureMode
        self.maximumBodySize = maximumBodySize
        self.logger = logger
    }
}
