import Logging
import NIOCore
import NIOPosix
import LarderRESP
import ServiceLifecycle
import Synchronization

/// A bounded set of connections to one server, shared by concurrent callers.
///
/// Every connection is opened with the pool's ``configuration`` (so with its database: a
/// `SELECT` never leaks into a shared connection; it is refused on a pooled one). A caller
/// leases a connection, uses it, and returns it: `send` and `execute` do this per call,
/// `withConnection` around a block. Connections that closed (server restarted, timeout) are
/// dropped when they come back or are found idle, so the next command opens a new one:
/// the pool recovers from a Redis restart by itself.
///
/// The pool is a `Service`: its ``run()`` keeps ``RedisConnectionPoolConfiguration/minimumConnections``
/// open, closes connections left idle past ``RedisConnectionPoolConfiguration/idleTimeout``,
/// and closes the pool when it is cancelled or the service group shuts down. Run it beside the
/// app (`ServiceGroup`, a Hummingbird `Application`'s services), or use ``withPool(configuration:poolConfiguration:eventLoopGroup:logger:_:)``
/// in a script. A pool nobody runs still works: it opens connections on demand and closes
/// expired idle ones whenever a connection comes back, but keeps no minimum.
///
/// A connection goes back in the state it was lent in: a transaction (`MULTI`) a block left
/// open is discarded, a `WATCH` left active is unwatched, and a connection whose client state
/// the block changed (`CLIENT SETNAME`, `CLIENT TRACKING`, ...) is closed and replaced. Such
/// commands only make sense inside `withConnection`; `send` and `execute` refuse them with
/// ``RedisError/requiresLease(command:)``.
///
/// ```swift
/// let value = try await RedisConnectionPool.withPool(configuration: try .init(url: "unix:///var/run/redis/redis.sock?db=1")) { pool in
///     try await pool.send(GET(":1:my_key"))
/// }
/// ```
public final class RedisConnectionPool: RedisClient, Sendable {
    /// How every connection is opened.
    public let configuration: RedisConfiguration
    /// Sizes and timeouts.
    public let poolConfiguration: RedisConnectionPoolConfiguration

    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let state: Mutex<State>

    private struct Idle {
        var connection: RedisConnection
        var since: ContinuousClock.Instant
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Lease, any Error>
    }

    /// What a waiter is woken with: a connection, or the capacity to open one.
    private enum Lease {
        case connection(RedisConnection)
        case openNew
    }

    private struct State {
        var idle: [Idle] = []
        /// Connections handed out plus connections being opened.
        var busy = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
    }

    /// A pool opening connections with `configuration`, within `poolConfiguration`'s bounds.
    /// Connections open on first use; ``run()`` opens and keeps `minimumConnections`.
    public init(
        configuration: RedisConfiguration,
        poolConfiguration: RedisConnectionPoolConfiguration = RedisConnectionPoolConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = RedisConnection.silentLogger
    ) {
        self.configuration = configuration
        self.poolConfiguration = poolConfiguration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.state = Mutex(State())
    }

    /// A pool dropped without ``close()`` still closes its idle connections. (None is leased
    /// then: a caller using a connection keeps the pool alive until it gives the connection back.)
    deinit {
        let idle = state.withLock { state in
            defer { state.idle = [] }
            return state.idle
        }
        for entry in idle { entry.connection.channel.close(promise: nil) }
    }

    // MARK: Using connections

    /// Leases a connection for `body` and returns it afterwards, however `body` ends.
    ///
    /// The connection is `body`'s alone: a transaction runs on it as on a connection of its own.
    /// What `body` leaves open is undone before the next caller gets it:
    ///
    /// ```swift
    /// try await pool.withConnection { redis in
    ///     _ = try await redis.send("WATCH", "counter")
    ///     _ = try await redis.send("MULTI")
    ///     _ = try await redis.send("INCR", "counter")
    ///     _ = try await redis.send("EXEC")      // a block that throws before EXEC: the pool sends DISCARD
    /// }
    /// ```
    /// - Throws: what `body` throws, or a ``RedisError`` from opening a connection,
    ///   ``RedisError/poolExhausted(waited:maximumConnections:)`` or ``RedisError/poolClosed``.
    public func withConnection<Result>(_ body: (RedisConnection) async throws -> Result) async throws -> Result {
        let connection = try await lease()
        let result: Result
        do {
            result = try await body(connection)
        } catch {
            await giveBack(connection)
            throw error
        }
        await giveBack(connection)
        return result
    }

    /// Sends one command on a leased connection.
    ///
    /// - Throws: ``RedisError/requiresLease(command:)`` for a command that changes the
    ///   connection for the commands after it (`MULTI`, `WATCH`, ...): use ``withConnection(_:)``.
    public func send<Command: RedisCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        if let refusal = CommandPolicy.refusalOutsideLease(forName: Command.name.description) { throw refusal }
        let connection = try await lease()
        defer { release(connection) }
        return try await connection.send(command)
    }

    /// Sends commands of one type together on one leased connection.
    public func execute<Command: RedisCommand>(_ commands: [Command]) async -> [Result<Command.Response, RedisError>] {
        if let refusal = commands.isEmpty ? nil : CommandPolicy.refusalOutsideLease(forName: Command.name.description) {
            return commands.map { _ in .failure(refusal) }
        }
        let connection: RedisConnection
        do {
            connection = try await lease()
        } catch {
            return commands.map { _ in .failure(error) }
        }
        defer { release(connection) }
        return await connection.execute(commands)
    }

    /// Sends two commands of different types together on one leased connection.
    public func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, _ second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>) {
        if let refusal = CommandPolicy.refusalOutsideLease(forName: First.name.description) ?? CommandPolicy.refusalOutsideLease(forName: Second.name.description) {
            return (.failure(refusal), .failure(refusal))
        }
        let connection: RedisConnection
        do {
            connection = try await lease()
        } catch {
            return (.failure(error), .failure(error))
        }
        defer { release(connection) }
        return await connection.execute(first, second)
    }

    /// Connections open now (idle and in use), and callers waiting for one.
    public var statistics: (idle: Int, busy: Int, waiting: Int) {
        state.withLock { ($0.idle.count, $0.busy, $0.waiters.count) }
    }

    /// Closes every idle connection, fails waiting callers with ``RedisError/poolClosed``,
    /// and closes leased connections as they come back. Later calls fail with `poolClosed`.
    public func close() async {
        let (idle, waiters) = state.withLock { state -> ([Idle], [Waiter]) in
            state.closed = true
            defer {
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: RedisError.poolClosed) }
        for entry in idle { await entry.connection.close() }
    }

    // MARK: Leasing

    func lease() async throws(RedisError) -> RedisConnection {
        enum Decision {
            case use(RedisConnection)
            case open
            case wait
            case closed
        }
        var stale: [RedisConnection] = []
        let decision = state.withLock { state -> Decision in
            if state.closed { return .closed }
            if let connection = Self.takeIdle(&state, stale: &stale) { return .use(connection) }
            if state.busy < poolConfiguration.maximumConnections {
                state.busy += 1
                return .open
            }
            return .wait
        }
        for connection in stale { connection.closeWithoutWaiting() }
        switch decision {
        case .use(let connection): return connection
        case .open: return try await open()
        case .closed: throw .poolClosed
        case .wait:
            switch try await waitForCapacity() {
            case .connection(let connection): return connection
            case .openNew: return try await open()
            }
        }
    }

    /// Takes the most recently used open idle connection, counting it busy; closed ones found
    /// on the way go to `stale`, and so do ones not as they were lent (a caller kept using a
    /// connection after its block ended).
    private static func takeIdle(_ state: inout State, stale: inout [RedisConnection]) -> RedisConnection? {
        while let entry = state.idle.popLast() {
            if entry.connection.isOpen && entry.connection.isAsLent {
                state.busy += 1
                return entry.connection
            }
            stale.append(entry.connection)
        }
        return nil
    }

    /// Opens a connection for a caller already counted in `busy`.
    private func open() async throws(RedisError) -> RedisConnection {
        do {
            let connection = try await RedisConnection.connect(
                configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
            connection.markLent()
            return connection
        } catch {
            giveBackCapacity()
            throw error
        }
    }

    /// Waits until a connection is returned or capacity frees up, for at most the wait timeout.
    private func waitForCapacity() async throws(RedisError) -> Lease {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        let timeout = poolConfiguration.waitTimeout
        let maximum = poolConfiguration.maximumConnections
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let timer = eventLoopGroup.any().scheduleTask(deadline: deadline) { [self] in
            removeWaiter(id)?.resume(throwing: RedisError.poolExhausted(waited: timeout, maximumConnections: maximum))
        }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    enum Outcome {
                        case now(Lease)
                        case refused(any Error)
                        case queued
                    }
                    var stale: [RedisConnection] = []
                    let outcome = state.withLock { state -> Outcome in
                        guard !state.closed else { return .refused(RedisError.poolClosed) }
                        // Look again under the lock that queues the waiter: a connection returned
                        // (or capacity freed) since lease() looked found no waiter to hand it to.
                        if let connection = Self.takeIdle(&state, stale: &stale) { return .now(.connection(connection)) }
                        if state.busy < maximum {
                            state.busy += 1
                            return .now(.openNew)
                        }
                        // The timer and the cancellation handler may have run before the waiter
                        // is queued (a zero timeout; a task cancelled before it asked): they found
                        // no waiter to fail, so it must not be queued to wait for nothing.
                        guard NIODeadline.now() < deadline else {
                            return .refused(RedisError.poolExhausted(waited: timeout, maximumConnections: maximum))
                        }
                        guard !Task.isCancelled else { return .refused(CancellationError()) }
                        state.waiters.append(Waiter(id: id, continuation: continuation))
                        return .queued
                    }
                    for connection in stale { connection.closeWithoutWaiting() }
                    switch outcome {
                    case .now(let lease): continuation.resume(returning: lease)
                    case .refused(let error): continuation.resume(throwing: error)
                    case .queued: break
                    }
                }
            } onCancel: {
                removeWaiter(id)?.resume(throwing: CancellationError())
            }
        } catch let error as RedisError {
            throw error
        } catch {
            throw .cancelled
        }
    }

    private func removeWaiter(_ id: UInt64) -> CheckedContinuation<Lease, any Error>? {
        state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index).continuation
        }
    }

    // MARK: Returning

    /// Takes back a connection a block had: first puts it back in the state it was lent in, or
    /// closes it when that cannot be done (see ``RedisConnection/restoreForNextLease()``).
    private func giveBack(_ connection: RedisConnection) async {
        if !(await connection.restoreForNextLease()) { await connection.close() }
        release(connection)
    }

    /// Takes a connection back: to the first waiter, to the idle list, or closed if it broke.
    /// A connection not in the state it was lent in is never lent again: it is closed here.
    func release(_ connection: RedisConnection) {
        guard connection.isOpen else {
            giveBackCapacity()
            return
        }
        guard connection.isAsLent else {
            connection.closeWithoutWaiting()
            giveBackCapacity()
            return
        }
        enum Next {
            case handTo(CheckedContinuation<Lease, any Error>)
            case keep(expired: [RedisConnection])
            case close
        }
        let next = state.withLock { state -> Next in
            if state.closed {
                state.busy -= 1
                return .close
            }
            if !state.waiters.isEmpty { return .handTo(state.waiters.removeFirst().continuation) }
            state.busy -= 1
            let now = ContinuousClock.now
            // The pool prunes as it is used, so that one nobody runs does not keep idle
            // connections forever; run() also sweeps a pool nobody uses.
            let expired = Self.removeExpired(&state, before: now - poolConfiguration.idleTimeout, minimum: poolConfiguration.minimumConnections)
            state.idle.append(Idle(connection: connection, since: now))
            return .keep(expired: expired)
        }
        switch next {
        case .handTo(let waiter): waiter.resume(returning: .connection(connection))
        case .keep(let expired): for connection in expired { connection.closeWithoutWaiting() }
        case .close: connection.closeWithoutWaiting()
        }
    }

    /// A leased or opening connection is gone: its place goes to the first waiter, who opens
    /// a new one, or back to the pool.
    private func giveBackCapacity() {
        let waiter = state.withLock { state -> CheckedContinuation<Lease, any Error>? in
            if !state.waiters.isEmpty, !state.closed { return state.waiters.removeFirst().continuation }
            state.busy -= 1
            return nil
        }
        waiter?.resume(returning: .openNew)
    }

    // MARK: Idle connections

    /// Opens connections until the pool holds its minimum. A failure (server down) is left
    /// for the next caller to meet with a clear error; the next sweep of ``run()`` tries again.
    func fillToMinimum() async {
        while true {
            let shouldOpen = state.withLock { state -> Bool in
                guard !state.closed, state.idle.count + state.busy < poolConfiguration.minimumConnections else { return false }
                state.busy += 1
                return true
            }
            guard shouldOpen else { return }
            do {
                release(try await open())
            } catch {
                logger.debug("could not open a minimum connection", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    /// How often ``run()`` looks for expired idle connections: twice per idle timeout, so a
    /// connection is closed at most half a timeout late.
    var sweepInterval: Duration {
        max(poolConfiguration.idleTimeout / 2, .milliseconds(1))
    }

    /// Closes connections idle for longer than the idle timeout (and closed ones), above the
    /// minimum. Returns `false` once the pool is closed.
    func sweepIdleConnections() -> Bool {
        let (expired, open) = state.withLock { state -> ([RedisConnection], Bool) in
            // One look at each connection: what is taken out is what gets closed.
            var expired: [RedisConnection] = []
            state.idle.removeAll { entry in
                guard !entry.connection.isOpen else { return false }
                expired.append(entry.connection)
                return true
            }
            expired += Self.removeExpired(
                &state, before: .now - poolConfiguration.idleTimeout, minimum: poolConfiguration.minimumConnections)
            return (expired, !state.closed)
        }
        for connection in expired { connection.closeWithoutWaiting() }
        return open
    }

    /// Takes out the connections idle since before `cutoff` while the pool holds more than
    /// `minimum`. The idle list grows at its end, so the oldest are first: this looks only at
    /// those it removes and one more.
    private static func removeExpired(_ state: inout State, before cutoff: ContinuousClock.Instant, minimum: Int) -> [RedisConnection] {
        var count = 0
        var total = state.idle.count + state.busy
        while count < state.idle.count, state.idle[count].since < cutoff, total > minimum {
            count += 1
            total -= 1
        }
        guard count > 0 else { return [] }
        defer { state.idle.removeFirst(count) }
        return state.idle[..<count].map(\.connection)
    }
}
