import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

extension RedisMultiplexer: Service {
    /// Opens the connections, then waits until cancelled or until its service group shuts
    /// down gracefully, and closes them (see ``close()``).
    ///
    /// Opening them first makes a server that is down show in the log at start, and spares the
    /// first requests the connect. A connection that closes later is replaced on the next call,
    /// as without `run()`.
    public func run() async throws {
        await openConnections()
        try? await gracefulShutdown()
        await close()
    }

    /// Opens a multiplexer, runs it (see ``run()``) while `body` uses it, and closes it however
    /// `body` ends: returning, throwing or cancelled. The close is awaited before this returns.
    ///
    /// ```swift
    /// try await RedisMultiplexer.withMultiplexer(configuration: try .init(url: "redis://127.0.0.1:6379")) { redis in
    ///     _ = try await redis.send(SET("greeting", "hello"))
    /// }
    /// ```
    /// - Parameters: as ``init(configuration:connections:eventLoopGroup:logger:)``; `body` must
    ///   not keep the multiplexer beyond its end.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws, after the connections are closed.
    public static func withMultiplexer<Result>(
        configuration: RedisConfiguration,
        connections: Int? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = RedisConnection.silentLogger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (RedisMultiplexer) async throws -> Result
    ) async throws -> Result {
        let multiplexer = RedisMultiplexer(
            configuration: configuration, connections: connections, eventLoopGroup: eventLoopGroup, logger: logger)
        return try await withRunningService(multiplexer, isolation: isolation) { try await body(multiplexer) }
    }
}
