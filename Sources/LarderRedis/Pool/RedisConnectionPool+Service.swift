import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

extension RedisConnectionPool: Service {
    /// Keeps the pool in shape until cancelled or until its service group shuts down
    /// gracefully, then closes it (see ``close()``).
    ///
    /// While it runs, the pool holds ``RedisConnectionPoolConfiguration/minimumConnections``
    /// open (opening them at once, and again after a Redis restart) and closes connections
    /// idle for longer than ``RedisConnectionPoolConfiguration/idleTimeout``, checking twice
    /// per timeout. Callers may use the pool before and while it runs.
    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            await fillToMinimum()
            while true {
                do {
                    try await Task.sleep(for: sweepInterval)
                } catch {
                    return  // cancelled: the pool is stopping
                }
                guard sweepIdleConnections() else { return }
                await fillToMinimum()
            }
        }
        await close()
    }

    /// Opens a pool, runs it (see ``run()``) while `body` uses it, and closes it however
    /// `body` ends: returning, throwing or cancelled. The close is awaited before this returns.
    ///
    /// ```swift
    /// let value = try await RedisConnectionPool.withPool(configuration: try .init(url: "redis://127.0.0.1:6379")) { pool in
    ///     try await pool.send(GET("greeting"))
    /// }
    /// ```
    /// - Parameters: as ``init(configuration:poolConfiguration:eventLoopGroup:logger:)``; `body` must
    ///   not keep the pool beyond its end.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws, after the pool is closed.
    public static func withPool<Result>(
        configuration: RedisConfiguration,
        poolConfiguration: RedisConnectionPoolConfiguration = RedisConnectionPoolConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = RedisConnection.silentLogger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (RedisConnectionPool) async throws -> Result
    ) async throws -> Result {
        let pool = RedisConnectionPool(
            configuration: configuration, poolConfiguration: poolConfiguration, eventLoopGroup: eventLoopGroup, logger: logger)
        return try await withRunningService(pool, isolation: isolation) { try await body(pool) }
    }
}
