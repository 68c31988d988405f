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
/// A connection that closes (Redis restarted or killed) is replaced on the next call. While
/// Redis refuses connections (stopped, socket gone), each call fails at once with the connect
/// error; when a connect times out (a server that does not answer), calls fail at once for a
/// while (250 ms, doubling up to 4 s) instead of each waiting out the connect timeout. Either
/// way a cache that fails open keeps serving.
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

    /// One connection, opened on demand; concurrent callers share one connect attempt.
    private final class Slot: Sendable {
        enum State {
            case empty
            case connecting(Task<RedisConnection, any Error>)
            case open(RedisConnection)
            /// A connect timed out (the server does not answer): calls fail at once with that
            /// error until `retryAt`, so a cache failing open does not make every request wait
            /// out the connect timeout. A refused connect is retried on the next call.
            case unreachable(RedisError, retryAt: ContinuousClock.Instant, backoff: Duration)
            case closed
        }
        let state = Mutex<State>(.empty)
    }

    /// The first wait after a connect timed out; it doubles up to ``maximumBackoff``.
    static let initialBackoff: Duration = .milliseconds(250)
    static let maximumBackoff: Duration = .seconds(4)

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
            switch slot.state.withLock({ $0 }) {
            case .open(let connection): connection.channel.close(promise: nil)
            case .connecting(let task): task.cancel()
            case .empty, .unreachable, .closed: break
            }
        }
    }

    /// Sends one command on the next connection.
    @inlinable
    public func send<Command: RedisCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        try await connection().send(command)
    }

    /// Sends commands of one type together on one connection.
    @inlinable
    public func execute<Command: RedisCommand>(_ commands: [Command]) async -> [Result<Command.Response, RedisError>] {
        do throws(RedisError) {
            return try await connection().execute(commands)
        } catch {
            return commands.map { _ in .failure(error) }
        }
    }

    /// Sends two commands of different types together on one connection.
    @inlinable
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
        for slot in slots {
            let state = slot.state.withLock { state in
                defer { state = .closed }
                return state
            }
            switch state {
            case .open(let connection): await connection.close()
            case .connecting(let task): task.cancel()
            case .empty, .unreachable, .closed: break
            }
        }
    }

    /// The next slot's open connection, opening one if it has none (or its last one closed).
    @usableFromInline
    func connection() async throws(RedisError) -> RedisConnection {
        let slot = slots[Int(UInt(bitPattern: nextSlot.wrappingAdd(1, ordering: .relaxed).oldValue) % UInt(slots.count))]
        enum Next {
            case use(RedisConnection)
            case wait(Task<RedisConnection, any Error>, previousBackoff: Duration?)
            case fail(RedisError)
        }
        let next: Next = slot.state.withLock { state in
            var previousBackoff: Duration?
            switch state {
            case .closed:
                return .fail(.poolClosed)
            case .open(let connection) where connection.isOpen:
                return .use(connection)
            case .connecting(let task):
                return .wait(task, previousBackoff: nil)
            case .unreachable(let error, let retryAt, let backoff):
                if ContinuousClock.now < retryAt { return .fail(error) }
                previousBackoff = backoff
            case .open, .empty:
                break
            }
            let task = Task { [configuration, eventLoopGroup, logger] () async throws -> RedisConnection in
                let connection = try await RedisConnection.connect(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
                connection.markPooled()
                return connection
            }
            state = .connecting(task)
            return .wait(task, previousBackoff: previousBackoff)
        }
        switch next {
        case .use(let connection):
            return connection
        case .fail(let error):
            throw error
        case .wait(let task, let previousBackoff):
            let outcome = await task.result
            // Only this attempt's own state may change: a late waiter must not overwrite a
            // newer attempt, a newer connection, or close().
            switch outcome {
            case .success(let connection):
                let kept: Bool = slot.state.withLock { state in
                    switch state {
                    case .connecting(let current) where current == task:
                        state = .open(connection)
                        return true
                    case .open(let current):
                        return current === connection
                    default:
                        return false
                    }
                }
                if kept { return connection }
                // Closed meanwhile, or superseded: this connection is nobody's.
                await connection.close()
                throw slot.state.withLock { if case .closed = $0 { return RedisError.poolClosed } else { return nil } }
                    ?? .connectionClosed(configuration.endpoint)
            case .failure(let failure):
                let error = failure as? RedisError ?? .connectionClosed(configuration.endpoint)
                slot.state.withLock { state in
                    guard case .connecting(let current) = state, current == task else { return }
                    if case .connectTimeout = error {
                        let backoff = previousBackoff.map { min($0 * 2, Self.maximumBackoff) } ?? Self.initialBackoff
                        state = .unreachable(error, retryAt: .now + backoff, backoff: backoff)
                    } else {
                        state = .empty  // refused or missing socket: the next call tries again, at once
                    }
                }
                throw error
            }
        }
    }
}
