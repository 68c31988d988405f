import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

extension RedisClusterClient: Service {
    /// Learns the slot table and opens a connection to each primary, then waits until cancelled
    /// or until its service group shuts down gracefully, and closes them (see ``close()``).
    ///
    /// A cluster that cannot be reached at start is logged, not thrown: the first calls meet it
    /// (and try again), as without `run()`.
    public func run() async throws {
        do {
            for node in try await primaries() { await node.client.openConnections() }
        } catch {
            logger.warning("cluster not reachable at start", metadata: ["error": "\(error)"])
        }
        try? await gracefulShutdown()
        await close()
    }

    /// Opens a cluster client, runs it (see ``run()``) while `body` uses it, and closes it however
    /// `body` ends. The close is awaited before this returns.
    ///
    /// ```swift
    /// try await RedisClusterClient.withClient(configuration: try .init(url: "redis://127.0.0.1:7000")) { cluster in
    ///     _ = try await cluster.send(SET("greeting", "hello"))
    /// }
    /// ```
    public static func withClient<Result>(
        configuration: RedisClusterConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = RedisConnection.silentLogger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (RedisClusterClient) async throws -> Result
    ) async throws -> Result {
        let client = RedisClusterClient(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        return try await withRunningService(client, isolation: isolation) { try await body(client) }
    }
}
