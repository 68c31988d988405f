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
/// A connection that closes (Redis restarted or killed) is replaced on the next call, and
/// while Redis refuses connections (stopped, socket gone) each call fails at once with the
/// connect error. A Redis that does not answer in time is another matter (stopped with
/// `SIGSTOP`, swapping, blocked by a slow command): once a command or a connect times out,
/// calls fail at once for a while (250 ms, doubling up to 4 s while it lasts) instead of each
/// waiting out its own timeout, with ``RedisError/unresponsive(_:command:_:)`` after a command
/// timeout and the ``RedisError/connectTimeout(_:_:)`` itself after a connect timeout. Then one
/// call, the probe, goes to the server while the others still fail at once; an answer ends the
/// backoff, another timeout doubles it, and a probe that learns nothing of the server (refused
/// before it was sent, or failed by an older command's timeout) leaves the next call to probe. Either way a cache that fails open keeps serving, and
/// quickly if its timeouts are short (``RedisConfiguration/requestTimeout``).
///
/// A command that times out closes its connection, failing the other commands waiting on it
/// with ``RedisError/connectionClosed(_:)``: its reply may still come, and replies are matched
/// to commands in order, so it would be taken for the next command's. A caller whose task is
/// cancelled is another matter: it gets ``RedisError/cancelled`` at once, and its connection
/// stays open, dropping that command's reply when it comes (see ``RedisConnection``).
///
/// The multiplexer is a `Service`: its ``run()`` opens the connections at once and closes them
/// when it is cancelled or its service group shuts down. Running it is optional (connections
/// also open on first use); ``close()`` or ``run()`` must end its use.
///
/// ```swift
/// let redis = RedisMultiplexer(configuration: try .init(url: "unix:///var/run/redis/redis.sock?db=1"))
/// let cache = RedisCache(client: redis, configuration: configuration)
/// let app = Application(router: router, services: [redis])   // connects at start, closes at shutdown
/// ```
public final class RedisMultiplexer: RedisClient, Sendable {
    /// How every connection is opened.
    public let configuration: RedisConfiguration
    private let logger: Logger
    private let slots: [Slot]
    /// The identity of each slot's event loop, by slot.
    private let slotLoops: [ObjectIdentifier]
    /// Whether every loop has at most one slot (the default: one connection per loop).
    private let oneSlotPerLoop: Bool
    private let nextSlot = Atomic<Int>(0)
    /// Whether a backoff is on: read by every call, so an atomic beside the state it summarises.
    @usableFromInline let backingOff = Atomic<Bool>(false)
    private let backoff = Mutex<Backoff?>(nil)
    /// Set by ``close()``, and read only during a backoff (see ``admitDuringBackoff()``).
    private let isClosed = Atomic<Bool>(false)

    /// One connection, opened on demand on its own event loop; concurrent callers share one
    /// connect attempt.
    private final class Slot: Sendable {
        enum State {
            case empty
            case connecting(Task<RedisConnection, any Error>)
            case open(RedisConnection)
            case closed
        }
        let state = Mutex<State>(.empty)
        /// The loop the connection is opened on: slot `i` on the group's loop `i` (round robin).
        let eventLoop: any EventLoop

        init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

        /// The connection, when it is open.
        func openConnection() -> RedisConnection? {
            state.withLock { state in
                guard case .open(let connection) = state, connection.isOpen else { return nil }
                return connection
            }
        }
    }

    /// Redis did not answer in time: calls fail at once with `error` until `retryAt`; then one
    /// call probes the server, and the others keep failing until it is back.
    private struct Backoff {
        var error: RedisError
        var retryAt: ContinuousClock.Instant
        var delay: Duration
        var probing = false
    }

    /// The first backoff after a timeout; it doubles up to ``maximumBackoff`` while the
    /// probes time out too.
    static let initialBackoff: Duration = .milliseconds(250)
    static let maximumBackoff: Duration = .seconds(4)

    /// A multiplexer over `connections` connections (default: one per event loop of
    /// `eventLoopGroup`), each opened with `configuration` on first use, on the group's loops in
    /// turn. A caller running on one of those loops (a task whose executor preference is the
    /// loop's ``EventLoopTaskExecutor``, or code on the loop itself) uses an open connection of
    /// its own loop, so that its commands and replies never cross threads; other callers, and
    /// a caller whose loop has no open connection yet, take the connections in turn.
    public init(
        configuration: RedisConfiguration,
        connections: Int? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = RedisConnection.silentLogger
    ) {
        self.configuration = configuration
        self.logger = logger
        let loops = Array(eventLoopGroup.makeIterator())
        let count = max(1, connections ?? loops.count)
        self.slots = (0..<count).map { index in Slot(eventLoop: loops.isEmpty ? eventLoopGroup.next() : loops[index % loops.count]) }
        self.slotLoops = slots.map { ObjectIdentifier($0.eventLoop) }
        self.oneSlotPerLoop = Set(slotLoops).count == slotLoops.count
    }

    deinit {
        for slot in slots {
            switch slot.state.withLock({ $0 }) {
            case .open(let connection): connection.channel.close(promise: nil)
            case .connecting(let task): task.cancel()
            case .empty, .closed: break
            }
        }
    }

    /// Sends one command on the next connection.
    @inlinable
    public func send<Command: RedisCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        let probe = try admit()
        do {
            let response = try await connection().send(command)
            if probe { settle(.reached, probe: true) }
            return response
        } catch {
            settle(ProbeVerdict(error), probe: probe)
            throw error
        }
    }

    /// Sends commands of one type together on one connection.
    @inlinable
    public func execute<Command: RedisCommand>(_ commands: [Command]) async -> [Result<Command.Response, RedisError>] {
        let probe: Bool
        do throws(RedisError) { probe = try admit() } catch { return commands.map { _ in .failure(error) } }
        let results: [Result<Command.Response, RedisError>]
        do throws(RedisError) {
            results = try await connection().execute(commands)
        } catch {
            settle(ProbeVerdict(error), probe: probe)
            return commands.map { _ in .failure(error) }
        }
        settle(ProbeVerdict(outcomes: results.lazy.map(Self.failure)), probe: probe)
        return results
    }

    /// Sends two commands of different types together on one connection.
    @inlinable
    public func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, _ second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>) {
        let probe: Bool
        do throws(RedisError) { probe = try admit() } catch { return (.failure(error), .failure(error)) }
        let results: (Result<First.Response, RedisError>, Result<Second.Response, RedisError>)
        do throws(RedisError) {
            results = try await connection().execute(first, second)
        } catch {
            settle(ProbeVerdict(error), probe: probe)
            return (.failure(error), .failure(error))
        }
        settle(ProbeVerdict(outcomes: [Self.failure(results.0), Self.failure(results.1)]), probe: probe)
        return results
    }

    /// Closes every connection; later calls fail with ``RedisError/poolClosed``.
    public func close() async {
        // Before anything else: a backoff must not turn calls away with its own error now
        // (found in review: calls after close() during a backoff failed as unresponsive).
        isClosed.store(true, ordering: .relaxed)
        backoff.withLock { backoff in
            backoff = nil
            backingOff.store(false, ordering: .relaxed)
        }
        for slot in slots {
            let state = slot.state.withLock { state in
                defer { state = .closed }
                return state
            }
            switch state {
            case .open(let connection): await connection.close()
            case .connecting(let task): task.cancel()
            case .empty, .closed: break
            }
        }
    }

    // MARK: Backoff

    /// Whether this call is the probe of a backoff; throws the backoff's error for a call it
    /// turns away. Without a backoff (nearly always) it costs one atomic load.
    @inlinable
    func admit() throws(RedisError) -> Bool {
        guard backingOff.load(ordering: .relaxed) else { return false }
        return try admitDuringBackoff()
    }

    @usableFromInline
    func admitDuringBackoff() throws(RedisError) -> Bool {
        // A backoff started by a call in flight when close() ran must not outlive it.
        if isClosed.load(ordering: .relaxed) { throw .poolClosed }
        let admitted: Result<Bool, RedisError> = backoff.withLock { backoff in
            guard let current = backoff else { return .success(false) }  // ended meanwhile
            if current.probing || ContinuousClock.now < current.retryAt { return .failure(current.error) }
            backoff?.probing = true
            return .success(true)
        }
        return try admitted.get()
    }

    /// The error of `result`, or `nil` for a success.
    @usableFromInline
    static func failure<Response>(_ result: Result<Response, RedisError>) -> RedisError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    /// After a call went to Redis, by what its outcome says of the server (see
    /// ``ProbeVerdict``): a timeout starts a backoff, or doubles it when the probe timed out;
    /// the probe reaching the server (an answer, or a refused connection, which fails at once
    /// anyway) ends it; a probe that learnt nothing (refused before it was sent, or failed by
    /// an older command's timeout on its connection) leaves it on, delay and all, for the next
    /// call to probe again. A call that was sent before the backoff began and times out now
    /// leaves it as it is.
    @usableFromInline
    func settle(_ verdict: ProbeVerdict, probe: Bool) {
        let remembered: RedisError
        switch verdict {
        case .timedOut(let timeout):
            if timeout.code == .commandTimeout, let command = timeout.command, let waited = timeout.duration {
                // Not the timeout itself: the calls turned away sent no command of that name.
                remembered = .unresponsive(configuration.endpoint, command: command, waited)
            } else {
                remembered = timeout
            }
        case .reached:
            guard probe else { return }
            backoff.withLock { backoff in
                backoff = nil
                backingOff.store(false, ordering: .relaxed)
            }
            logger.debug("Redis answers again: backoff ended", metadata: ["endpoint": "\(configuration.endpoint)"])
            return
        case .inconclusive:
            guard probe else { return }
            backoff.withLock { $0?.probing = false }
            return
        }
        let delay: Duration? = backoff.withLock { backoff in
            let delay: Duration
            switch backoff {
            case nil: delay = Self.initialBackoff
            case let current? where probe: delay = min(current.delay * 2, Self.maximumBackoff)
            case _?: return nil
            }
            backoff = Backoff(error: remembered, retryAt: .now + delay, delay: delay)
            backingOff.store(true, ordering: .relaxed)
            return delay
        }
        if let delay {
            logger.debug(
                "Redis did not answer in time: calls fail at once for \(delay)",
                metadata: ["endpoint": "\(configuration.endpoint)", "error": "\(remembered)"])
        }
    }

    // MARK: Connections

    /// An open connection for the next call, opening one if need be: the caller's own loop's
    /// when it has one open (see ``connectionOnCallersLoop()``), otherwise the next slot's in
    /// turn, opened if it has none (or its last one closed).
    @usableFromInline
    func connection() async throws(RedisError) -> RedisConnection {
        if let own = connectionOnCallersLoop() { return own }
        return try await connection(in: nextSlotInTurn())
    }

    /// An open connection for the next call without suspending (nearly always there); `nil`
    /// when one has to be opened first, by ``connection()``. A hot path's way around an
    /// asynchronous call (each costs a hop back to the task's executor).
    func openConnection() -> RedisConnection? {
        connectionOnCallersLoop() ?? nextSlotInTurn().openConnection()
    }

    /// An open connection on the caller's event loop, when the caller runs on one of the
    /// slots' loops and one of that loop's slots is open: the command is then written and its
    /// reply read without a hop to another thread. With one slot per loop (the default) it is
    /// found without the shared turn counter, so callers on different loops share no memory
    /// they write to. `nil` otherwise: the caller takes the slots in turn, as it would off the
    /// loops, so that a loop whose connection cannot open (or is opening) holds none of its
    /// callers back while another connection works.
    private func connectionOnCallersLoop() -> RedisConnection? {
        guard slots.count > 1, let current = MultiThreadedEventLoopGroup.currentEventLoop else { return nil }
        // By identity, in an array of plain values: asking each slot's loop `inEventLoop`
        // would touch (retain) the slots of the other loops' callers, memory their threads
        // write to.
        let loop = ObjectIdentifier(current)
        if oneSlotPerLoop {
            guard let index = slotLoops.firstIndex(of: loop) else { return nil }
            return slots[index].openConnection()
        }
        let count = slotLoops.lazy.filter { $0 == loop }.count
        guard count > 0 else { return nil }
        var skip = turn(of: count)
        for (index, slotLoop) in slotLoops.enumerated() where slotLoop == loop {
            if skip == 0 { return slots[index].openConnection() }
            skip -= 1
        }
        return nil
    }

    /// The next slot in turn.
    private func nextSlotInTurn() -> Slot { slots[turn(of: slots.count)] }

    /// The next of `count` in turn, `0 ..< count`, for taking slots in turn.
    private func turn(of count: Int) -> Int {
        Int(UInt(bitPattern: nextSlot.wrappingAdd(1, ordering: .relaxed).oldValue) % UInt(count))
    }

    /// Opens every connection now (the ones not open yet), together, so that the first calls
    /// find them open. A failure is logged and left for the next call to meet.
    func openConnections() async {
        await withTaskGroup(of: Void.self) { group in
            for slot in slots {
                group.addTask { [self] in
                    do {
                        _ = try await connection(in: slot)
                    } catch {
                        logger.debug("could not open a connection", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    /// `slot`'s open connection, opening one if it has none (or its last one closed).
    private func connection(in slot: Slot) async throws(RedisError) -> RedisConnection {
        enum Next {
            case use(RedisConnection)
            case wait(Task<RedisConnection, any Error>)
            case fail(RedisError)
        }
        let next: Next = slot.state.withLock { state in
            switch state {
            case .closed:
                return .fail(.poolClosed)
            case .open(let connection) where connection.isOpen:
                return .use(connection)
            case .connecting(let task):
                return .wait(task)
            case .open, .empty:
                break
            }
            let task = Task { [configuration, eventLoop = slot.eventLoop, logger] () async throws -> RedisConnection in
                let connection = try await RedisConnection.connect(configuration: configuration, eventLoopGroup: eventLoop, logger: logger)
                connection.markShared()
                return connection
            }
            state = .connecting(task)
            return .wait(task)
        }
        switch next {
        case .use(let connection):
            return connection
        case .fail(let error):
            throw error
        case .wait(let task):
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
                // The next call tries again; a connect that timed out has started a backoff
                // (see settle), so that call is its probe.
                slot.state.withLock { state in
                    guard case .connecting(let current) = state, current == task else { return }
                    state = .empty
                }
                throw failure as? RedisError ?? .connectionClosed(configuration.endpoint)
            }
        }
    }
}
