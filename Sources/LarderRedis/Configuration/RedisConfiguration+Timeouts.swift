extension RedisConfiguration {
    /// The default ``connectTimeout``: 5 seconds.
    public static let defaultConnectTimeout: Duration = .seconds(5)

    /// The default ``commandTimeout``: 30 seconds, room for a script's slow command (a
    /// `KEYS` over a large database, a long Lua script).
    public static let defaultCommandTimeout: Duration = .seconds(30)

    /// How long a client that answers web requests waits for Redis: 250 ms. The cache
    /// (`CacheConfiguration`) and the session stores set both timeouts to it by default, so
    /// that a stalled Redis (stopped with `SIGSTOP`, swapping, blocked by a slow command) costs
    /// a request a quarter of a second before the cache misses or the session store answers 503,
    /// not the 30 s of ``defaultCommandTimeout``. A ``RedisMultiplexer`` then fails calls at once
    /// for a while, so most requests during such an outage do not wait at all.
    public static let requestTimeout: Duration = .milliseconds(250)

    /// This configuration with `timeout` as its ``connectTimeout`` and its ``commandTimeout``.
    ///
    /// ```swift
    /// let web = try RedisConfiguration(url: "unix:///var/run/redis/redis.sock?db=1").timingOut(after: .milliseconds(250))
    /// ```
    public func timingOut(after timeout: Duration) -> RedisConfiguration {
        var configuration = self
        configuration.connectTimeout = timeout
        configuration.commandTimeout = timeout
        return configuration
    }
}
