import Logging
import NIOCore
import NIOPosix

/// One Redis connection per event loop, and each command sent on the connection of the event
/// loop it is sent from: a request handled on an event loop (the session middleware runs it
/// there) writes its command and gets its reply on the same thread, with no hand-off between
/// threads. From anywhere else, commands go round the connections as ``RedisMultiplexer``'s do.
///
/// The session stores' default client; give it to a cache too with
/// `RedisCache(client: client, configuration: configuration)`.
public final class EventLoopRedisClient: RedisClient, Sendable {
    private let byLoop: [ObjectIdentifier: RedisMultiplexer]
    private let all: RedisMultiplexer

    /// A client with one connection per event loop of `eventLoopGroup`, each opened with
    /// `configuration` on first use.
    public init(
        configuration: RedisConfiguration,
        eventLoopGroup: MultiThreadedEventLoopGroup = .singleton,
        logger: Logger = RedisConnection.silentLogger
    ) {
        var byLoop: [ObjectIdentifier: RedisMultiplexer] = [:]
        for eventLoop in eventLoopGroup.makeIterator() {
            byLoop[ObjectIdentifier(eventLoop)] = RedisMultiplexer(configuration: configuration, connections: 1, eventLoopGroup: eventLoop, logger: logger)
        }
        self.byLoop = byLoop
        // Callers off the group's loops share a multiplexer of their own.
        self.all = RedisMultiplexer(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
    }

    @inline(__always)
    private var client: RedisMultiplexer {
        if let eventLoop = MultiThreadedEventLoopGroup.currentEventLoop, let client = byLoop[ObjectIdentifier(eventLoop)] {
            return client
        }
        return all
    }

    /// Sends one command on this event loop's connection.
    public func send<Command: RedisCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        try await client.send(command)
    }

    /// Sends commands of one type together on this event loop's connection.
    public func execute<Command: RedisCommand>(_ commands: [Command]) async -> [Result<Command.Response, RedisError>] {
        await client.execute(commands)
    }

    /// Sends two commands together on this event loop's connection.
    public func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, _ second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>) {
        await client.execute(first, second)
    }

    /// Closes every connection.
    public func close() async {
        for client in byLoop.values { await client.close() }
        await all.close()
    }
}
