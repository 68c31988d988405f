import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A few connections shared by every caller at once: the commands of concurrent callers are
/// pipelined on the same connection, and those handed over in one event-loop tick leave in
/// one write. Where ``RedisConnectionPool`` lends a connection to one caller at a time (and a
/// busy site needs as many connections as requests in flight), a multiplexer keeps one
/// connection per event loop and never makes a caller wait for another's reply to come back.
///
/// It suits caches and session stores: short, independent commands. Commands that change a
/// connection's state (`SELECT`, `AUTH`, ...) are refused on it, as on a pooled connection.
///
/// A connection that closes (Redis restarted or killed) is replaced on the next call; while
/// Redis cannot be reached, each call fails at once with the connect error, so a cache that
/// fails open keeps serving.
///
/// ```swift
/// let redis = RedisMultiplexer(configuration: try .init(url: "unix:///var/run/redis/redis.sock?db=1"))
/// let cache = RedisCache(client: redis, configuration: configuration)
/// ```
public final class RedisMultiplexer: RedisClient, Sendable {
    /// How every connection is opened.
    public let configuration: RedisConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let slots: [Slot]
    private let nextSlot = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)

    /// One connection, opened on demand; concurrent callers share one connect attempt.
    private final class Slot: Sendable {
        enum State {
            case empty
            case connecting(Task<RedisConnection, any Error>)
            case open(RedisConnection)
        }
        let state = Mutex<State>(.empty)
    }

    /// A multiplexer over `connections` connections (default: one per event loop of
    /// `eventLoopGroup`), each opened with `configuration` on first use.
    public init(
        configuration: RedisConfiguration,
        connections: Int? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = RedisConnection.silentLogger
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        let count = max(1, connections ?? eventLoopGroup.makeIterator().reduce(0) { count, _ in count + 1 })
        self.slots = (0..<count).map { _ in Slot() }
    }

    deinit {
        for slot in slots {
            if case .open(let connection) = slot.state.withLock({ $0 }) { connection.channel.close(promise: nil) }
        }
    }

    /// Sends one command on the next connection.
    public func send<Command: RedisCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        try await connection().send(command)
    }

    /// Sends commands of one type together on one connection.
    public func execute<Command: RedisCommand>(_ commands: [Command]) async -> [Result<Command.Response, RedisError>] {
        do throws(RedisError) {
            return try await connection().execute(commands)
        } catch {
            return commands.map { _ in .failure(error) }
        }
    }

    /// Sends two commands of different types together on one connection.
    public func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, _ second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>) {
        do throws(RedisError) {
            return try await connection().execute(first, second)
        } catch {
            return (.failure(error), .failure(error))
        }
    }

    /// Closes every connection; later calls fail with ``RedisError/poolClosed``.
    public func close() async {
        closed.store(true, ordering: .relaxed)
        for slot in slots {
            let state = slot.state.withLock { state in
                defer { state = .empty }
                return state
            }
            switch state {
            case .open(let connection): await connection.close()
            case .connecting(let task): task.cancel()
            case .empty: break
            }
        }
    }

    /// The next slot's open connection, opening one if it has none (or its last one closed).
    func connection() async throws(RedisError) -> RedisConnection {
        guard !closed.load(ordering: .relaxed) else { throw .poolClosed }
        let slot = slots[Int(UInt(bitPattern: nextSlot.wrappingAdd(1, ordering: .relaxed).oldValue) % UInt(slots.count))]
        enum Next { case use(RedisConnection), wait(Task<RedisConnection, any Error>) }
        let next: Next = slot.state.withLock { state in
            switch state {
            case .open(let connection) where connection.isOpen:
                return .use(connection)
            case .connecting(let task):
                return .wait(task)
            case .open, .empty:
                let task = Task { [configuration, eventLoopGroup, logger] () async throws -> RedisConnection in
                    let connection = try await RedisConnection.connect(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
                    connection.markPooled()
                    return connection
                }
                state = .connecting(task)
                return .wait(task)
            }
        }
        switch next {
        case .use(let connection):
            return connection
        case .wait(let task):
            do {
                let connection = try await task.value
                slot.state.withLock { state in
                    if case .connecting = state { state = .open(connection) }
                }
                if closed.load(ordering: .relaxed) {
                    await connection.close()
                    throw RedisError.poolClosed
                }
                return connection
            } catch {
                // Failed: the next call tries again (and fails fast while Redis is down).
                slot.state.withLock { state in
                    if case .connecting = state { state = .empty }
                }
                throw error as? RedisError ?? .connectionClosed(configuration.endpoint)
            }
        }
    }
}
