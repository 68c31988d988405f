import LarderRedis
extension RedisCache {
    /// Opens a cache on `configuration.redis`, runs it (see ``run()``) while `body` uses it, and
    /// closes it however `body` ends: returning, throwing or cancelled.
    ///
    /// The close is awaited before `withCache` returns or rethrows, so its connections are
    /// gone when the caller goes on; after that the cache refuses use with
    /// ``CacheError/backend(_:)`` carrying `RedisError.poolClosed`. Use it in a script or a
    /// one-off job; an app that keeps a cache for its whole run closes it when it shuts down.
    ///
    /// ```swift
    /// let name = try await RedisCache.withCache(configuration: try .init(location: "unix:///var/run/redis/redis.sock?db=1")) { cache in
    ///     try await cache.set("craig", "derington")
    ///     return try await cache.get("craig", as: String.self)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - configuration: the cache's settings; the cache opens its own connections on
    ///     `configuration.redis` (a ``RedisMultiplexer``, as ``init(configuration:)``).
    ///   - body: what to do with the cache. It must not keep the cache beyond its end.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws, after the cache is closed.
    public static func withCache<Result>(
        configuration: CacheConfiguration = CacheConfiguration(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (RedisCache) async throws -> Result
    ) async throws -> Result {
        let cache = RedisCache(configuration: configuration)
        return try await withRunningService(cache, isolation: isolation) { try await body(cache) }
    }
}
