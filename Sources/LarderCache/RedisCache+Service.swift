import LarderRedis
import ServiceLifecycle

extension RedisCache: Service {
    /// Runs the cache's own connections until cancelled or until its service group shuts down
    /// gracefully, then closes them: ``RedisMultiplexer/run()`` or ``RedisConnectionPool/run()``,
    /// whichever ``init(configuration:)`` or ``init(configuration:poolConfiguration:)`` opened.
    ///
    /// A cache on a client it was given (``init(client:configuration:)``) waits for the
    /// shutdown and leaves the client to whoever runs it.
    ///
    /// ```swift
    /// let cache = RedisCache(configuration: try CacheConfiguration(location: "unix:///var/run/redis/redis.sock?db=1"))
    /// let app = Application(router: router, services: [cache])
    /// ```
    public func run() async throws {
        if let runOwnedClient {
            try await runOwnedClient()
        } else {
            try? await gracefulShutdown()
        }
    }
}
