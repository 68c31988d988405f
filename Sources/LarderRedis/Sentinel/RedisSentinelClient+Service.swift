import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

extension RedisSentinelClient: Service {
    /// Discovers the primary, then watches the sentinels' `+switch-master` until cancelled or
    /// until its service group shuts down gracefully, and closes every connection.
    ///
    /// The watch is a subscription on a connection of its own to one sentinel at a time; when
    /// that sentinel goes away the next is subscribed to, and after each new subscription the
    /// primary is asked for again (an announcement may have been missed meanwhile). A failed
    /// discovery at start is logged and left for the first calls to meet.
    public func run() async throws {
        _ = try? await currentTopology()
        await cancelWhenGracefulShutdown {
            await self.watchSentinels()
        }
        await close()
    }

    /// Opens a client, runs it (see ``run()``) while `body` uses it, and closes it however
    /// `body` ends.
    ///
    /// ```swift
    /// try await RedisSentinelClient.withSentinelClient(configuration: configuration) { redis in
    ///     _ = try await redis.send(SET("greeting", "hello"))
    /// }
    /// ```
    public static func withSentinelClient<Result>(
        configuration: RedisSentinelConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = RedisConnection.silentLogger,
        onEvent: (@Sendable (RedisSentinelEvent) -> Void)? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (RedisSentinelClient) async throws -> Result
    ) async throws -> Result {
        let client = RedisSentinelClient(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger, onEvent: onEvent)
        return try await withRunningService(client, isolation: isolation) { try await body(client) }
    }

    /// Subscribes to `+switch-master` on one sentinel after another until cancelled.
    private func watchSentinels() async {
        var subscribedBefore = false
        while !Task.isCancelled {
            let sentinels = state.withLock { $0.sentinels }
            for sentinel in sentinels where !Task.isCancelled {
                if await watch(sentinel, refreshing: subscribedBefore) { subscribedBefore = true }
            }
            // Every sentinel is down or refused: wait a little before going round again.
            try? await Task.sleep(for: configuration.sentinelTimeout)
        }
    }

    /// Follows `+switch-master` on `sentinel` until its connection closes or the task is
    /// cancelled; whether it subscribed. With `refreshing`, asks for the primary again once
    /// subscribed (an announcement may have come while nothing listened).
    private func watch(_ sentinel: RedisEndpoint, refreshing: Bool) async -> Bool {
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(
                configuration: configuration.sentinelConfiguration(sentinel), eventLoopGroup: eventLoopGroup, logger: logger)
        } catch {
            logger.debug("Sentinel: cannot subscribe", metadata: ["sentinel": "\(sentinel)", "error": "\(error)"])
            return false
        }
        var subscribed = false
        do {
            let messages = try await connection.subscribe(to: ["+switch-master"])
            subscribed = true
            onEvent?(.subscribed(sentinel: sentinel))
            if refreshing || primary == nil { await rediscover() }
            for await message in messages {
                // "<name> <old-ip> <old-port> <new-ip> <new-port>"
                let words = String(buffer: message.payload).split(separator: " ")
                guard words.count == 5, words[0] == configuration.primaryName,
                    let oldPort = Int(words[2]), let newPort = Int(words[4])
                else { continue }
                let from = RedisEndpoint.tcp(host: String(words[1]), port: oldPort)
                let to = RedisEndpoint.tcp(host: String(words[3]), port: newPort)
                logger.notice("Sentinel: failover announced", metadata: ["from": "\(from)", "to": "\(to)"])
                onEvent?(.switchMaster(primaryName: configuration.primaryName, from: from, to: to))
                await rediscover()
            }
        } catch {
            logger.debug("Sentinel: subscription ended", metadata: ["sentinel": "\(sentinel)", "error": "\(error)"])
        }
        await connection.close()
        return subscribed
    }
}
