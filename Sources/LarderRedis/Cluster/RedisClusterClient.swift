import LarderRESP
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A client for Redis Cluster: sends each command to the primary serving its keys' hash slot,
/// and follows the cluster as it changes.
///
/// The slot table comes from `CLUSTER SHARDS` (Redis 7.0 and later), asked of the seed nodes
/// at first use (or when ``run()`` starts) and again whenever the cluster says it changed. Each
/// node is reached through a ``RedisMultiplexer`` of its own, opened with a copy of the base
/// configuration whose endpoint is the node's (so credentials and timeouts carry over).
///
/// Routing, per command, by the keys the command declares (``RedisCommand/keysAffected``):
/// - **One slot**: to that slot's primary. `MOVED` (the slot lives elsewhere now) updates the
///   table and retries there, and refreshes the table (at most every 200 ms); `ASK` (the slot is
///   being migrated and this key has gone) sends `ASKING` and the command together, in one
///   write, to the node named, once, without changing the table.
/// - **Several slots**: a ``RedisSplittableCommand`` (`MGET`, `MSET`, `DEL`, `UNLINK`, `EXISTS`)
///   is split by slot, the parts sent to their nodes at once and the replies put back in the
///   caller's order; any other command fails with ``RedisError/crossSlot(command:slots:)``
///   before anything is sent.
/// - **No key**: to the primary serving slot 0 (any primary would do for `PING` or
///   `CONFIG GET`). Commands about one server's whole keyspace (`SCAN`, `KEYS`, `DBSIZE`,
///   `FLUSHDB`, `FLUSHALL`, `RANDOMKEY`) fail with ``RedisError/perNodeCommand(_:)``: send them
///   to each of ``primaries()``.
///
/// `TRYAGAIN` and `CLUSTERDOWN`, and a node that cannot be reached (refused, timed out, or
/// unresponsive: the command was not sent), are retried after a short pause that doubles each
/// time, the table refreshed from any node that answers; after
/// ``RedisClusterConfiguration/maximumAttempts`` the call fails with
/// ``RedisError/clusterRetriesExhausted(command:slot:node:attempts:last:)`` naming the slot, the
/// node and what happened. A connection that closed with the command sent is retried only for
/// read-only commands: a write may have run.
///
/// ```swift
/// let cluster = RedisClusterClient(configuration: try .init(url: "redis://127.0.0.1:7000,127.0.0.1:7001"))
/// let cache = RedisCache(client: cluster, configuration: CacheConfiguration(keyPrefix: "shop"))
/// let app = Application(router: router, services: [cluster])   // closes the connections at shutdown
/// ```
public final class RedisClusterClient: RedisClient, Sendable {
    /// The seeds, the base configuration of every node and the retry policy.
    public let configuration: RedisClusterConfiguration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let state = Mutex(State())
    let counters = Counters()

    struct State {
        var routing = RedisClusterRouting.empty
        /// Every node met so far (primaries, redirect targets), by endpoint: the connections
        /// outlive table changes, so a slot moving back finds its node's connections open.
        var clients: [RedisEndpoint: RedisMultiplexer] = [:]
        /// Callers waiting for the refresh running now; `nil` when none runs.
        var refreshWaiters: [CheckedContinuation<Void, Never>]?
        var lastRefresh: ContinuousClock.Instant?
        var lastRefreshError: RedisError?
        var closed = false
    }

    /// What the client met, counted since it was made.
    final class Counters: Sendable {
        let moved = Atomic<Int>(0)
        let ask = Atomic<Int>(0)
        let tryAgain = Atomic<Int>(0)
        let clusterDown = Atomic<Int>(0)
        let unreachable = Atomic<Int>(0)
        let refreshes = Atomic<Int>(0)
        let splits = Atomic<Int>(0)
    }

    /// The commands that work on one server's whole keyspace, which no single node of a cluster has.
    @usableFromInline static let perNodeCommands: Set<String> = ["SCAN", "KEYS", "DBSIZE", "FLUSHDB", "FLUSHALL", "RANDOMKEY"]

    /// A client for the cluster `configuration` names. Nothing connects until the first call
    /// (or ``run()``).
    public init(
        configuration: RedisClusterConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = RedisConnection.silentLogger
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// What the client met so far: redirects followed, retries, table refreshes.
    public var statistics: RedisClusterStatistics {
        RedisClusterStatistics(
            moved: counters.moved.load(ordering: .relaxed), ask: counters.ask.load(ordering: .relaxed),
            tryAgain: counters.tryAgain.load(ordering: .relaxed), clusterDown: counters.clusterDown.load(ordering: .relaxed),
            unreachable: counters.unreachable.load(ordering: .relaxed), refreshes: counters.refreshes.load(ordering: .relaxed),
            splitCommands: counters.splits.load(ordering: .relaxed))
    }

    // MARK: RedisClient

    /// Sends `command` to the node serving its keys' slot, following redirects (see the type's
    /// documentation).
    ///
    /// - Throws: what the node answers, or ``RedisError/crossSlot(command:slots:)``,
    ///   ``RedisError/perNodeCommand(_:)``, ``RedisError/clusterRetriesExhausted(command:slot:node:attempts:last:)``,
    ///   ``RedisError/clusterTopologyUnavailable(tried:reason:)``.
    public func send<Command: RedisCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        switch try Self.placement(of: command) {
        case .keyless:
            return try await sendRouted(command, slot: nil)
        case .slot(let slot):
            return try await sendRouted(command, slot: slot)
        case .slots(let slots):
            guard let splittable = command as? any RedisSplittableCommand else {
                throw .crossSlot(command: Command.name.description, slots: slots)
            }
            return try await sendSplit(splittable) as! Command.Response
        }
    }

    /// Sends `commands`, those for one node together in one write, every node's at once, and
    /// returns the replies in order; each command that meets a redirect follows it on its own.
    ///
    /// Every node's share is written from the calling task before it waits, once, for all the
    /// replies: no task per node. Only the keys' slots and the encoding are generic (and
    /// inlined into the caller, specialised for its command type); routing and sending are not.
    @inlinable
    public func execute<Command: RedisCommand>(_ commands: [Command]) async -> [Result<Command.Response, RedisError>] {
        guard !commands.isEmpty else { return [] }
        let name = Command.name.description
        let perNode = Self.perNodeCommands.contains(Command.name.command)
        var slots: [Int] = []
        slots.reserveCapacity(commands.count)
        for command in commands { slots.append(Self.batchSlot(of: command, perNode: perNode)) }
        let replies = await sendBatch(slots: slots, name: name) { encoder, index in
            commands[index].encode(into: &encoder)
        }
        var results: [Result<Command.Response, RedisError>] = []
        results.reserveCapacity(commands.count)
        var again: [Int] = []
        for index in commands.indices {
            guard let reply = replies[index] else {
                results.append(.failure(.cancelled))  // a placeholder: sent on its own below
                again.append(index)
                continue
            }
            let result = reply.flatMap { token in
                Result { () throws(RedisError) in
                    try RedisConnection.response(Command.Response.self, from: token, command: name) { commands[index].encode(into: &$0) }
                }
            }
            if case .failure(let error) = result, Self.shouldRetry(error, readOnly: Command.isReadOnly) { again.append(index) }
            results.append(result)
        }
        // Redirected, unreachable, several slots or no owner: each through `send`, which follows
        // the cluster (rare: a batch normally has none).
        for index in again { results[index] = await sendResult(commands[index]) }
        return results
    }

    /// A command's slot for a batch: -1 when it has no key (it goes to slot 0's node), or
    /// ``sentAlone`` when its keys span several slots or it is about a whole node's keyspace.
    @inlinable
    static func batchSlot<Command: RedisCommand>(of command: Command, perNode: Bool) -> Int {
        var iterator = command.keysAffected.makeIterator()
        guard let first = iterator.next() else { return perNode ? sentAlone : -1 }
        let slot = RedisClusterSlot(key: first).value
        while let key = iterator.next() {
            if RedisClusterSlot(key: key).value != slot { return sentAlone }
        }
        return slot
    }

    /// The batch slot of a command that goes through ``send(_:)`` on its own.
    @usableFromInline static let sentAlone = -2

    /// Sends a batch of commands (command `i`, for slot `slots[i]`, written by `encode(&e, i)`,
    /// all named `name`): each node's share in one write on one of its connections, all written
    /// before waiting for the replies. The reply of each command sent, by index; `nil` for the
    /// commands left to be sent on their own (``sentAlone``, or a slot the table has no node for).
    @usableFromInline
    func sendBatch(slots: [Int], name: String, encode: (inout RESPCommandEncoder, Int) -> Void) async -> [Result<RESPToken, RedisError>?] {
        var replies = [Result<RESPToken, RedisError>?](repeating: nil, count: slots.count)
        let routing: RedisClusterRouting
        if let known = knownRouting() {
            routing = known
        } else {
            do { routing = try await currentRouting() } catch {
                return replies.map { _ in .failure(error) }
            }
        }
        if let node = Self.soleNode(of: slots, in: routing) {
            return await sendBatch(count: slots.count, to: routing.primaries[node].client, name: name, encode: encode)
        }
        // Each command's primary, by its index in the table (-1: sent on its own), and how many
        // commands each primary gets.
        var targets = [Int](repeating: -1, count: slots.count)
        var counts = [Int](repeating: 0, count: routing.primaries.count)
        for (index, slot) in slots.enumerated() where slot != Self.sentAlone {
            let target = Int(routing.owners[slot < 0 ? 0 : slot])
            targets[index] = target
            if target >= 0 { counts[target] += 1 }
        }
        // A connection of each node with commands; a node whose connection fails (or that is
        // backing off) fails its commands with that error, for the caller to retry them.
        var connections = [RedisConnection?](repeating: nil, count: counts.count)
        var probes = [Bool](repeating: false, count: counts.count)
        for node in counts.indices where counts[node] > 0 {
            let client = routing.primaries[node].client
            do throws(RedisError) {
                probes[node] = try client.admit()
                connections[node] = try await client.connection()
            } catch {
                client.settle(ProbeVerdict(error), probe: probes[node])
                for (index, target) in targets.enumerated() where target == node { replies[index] = .failure(error) }
                counts[node] = 0
            }
        }
        // The commands in the order they are sent, node by node: node `n`'s are at
        // `starts[n] ..< starts[n] + counts[n]` of `order`.
        var starts = [Int](repeating: 0, count: counts.count)
        var total = 0
        for node in counts.indices {
            starts[node] = total
            total += counts[node]
        }
        var order = [Int](repeating: 0, count: total)
        var next = starts
        for (index, target) in targets.enumerated() where target >= 0 && connections[target] != nil {
            order[next[target]] = index
            next[target] += 1
        }
        var parts: [RedisConnection.ScatterPart] = []
        for node in counts.indices {
            if let connection = connections[node] {
                parts.append(RedisConnection.ScatterPart(connection: connection, indices: Array(starts[node] ..< starts[node] + counts[node])))
            }
        }
        let tokens = await RedisConnection.scatter(parts, count: total, name: name) { encoder, sent in
            encode(&encoder, order[sent])
        }
        for node in counts.indices where connections[node] != nil {
            let outcomes = tokens[starts[node] ..< starts[node] + counts[node]].lazy.map(\.failureValue)
            routing.primaries[node].client.settle(ProbeVerdict(outcomes: outcomes), probe: probes[node])
        }
        for (sent, token) in tokens.enumerated() { replies[order[sent]] = token }
        return replies
    }

    /// The index in `routing.primaries` of the one node every command of a batch goes to, or
    /// `nil` when they go to several, or one is sent on its own or has no node.
    private static func soleNode(of slots: [Int], in routing: RedisClusterRouting) -> Int? {
        var sole = -1
        for slot in slots {
            guard slot != sentAlone else { return nil }
            let target = Int(routing.owners[slot < 0 ? 0 : slot])
            guard target >= 0, sole < 0 || target == sole else { return nil }
            sole = target
        }
        return sole >= 0 ? sole : nil
    }

    /// A batch whose every command goes to `client`'s node (the common case: a caller's keys
    /// share a slot, or a node's slots as redis-benchmark's clients' do): the same as the
    /// general path with one share, without its bookkeeping by node.
    private func sendBatch(
        count: Int, to client: RedisMultiplexer, name: String, encode: (inout RESPCommandEncoder, Int) -> Void
    ) async -> [Result<RESPToken, RedisError>?] {
        var probe = false
        let connection: RedisConnection
        do throws(RedisError) {
            probe = try client.admit()
            if let open = client.openConnection() {
                connection = open
            } else {
                connection = try await client.connection()
            }
        } catch {
            client.settle(ProbeVerdict(error), probe: probe)
            return Array(repeating: .failure(error), count: count)
        }
        let part = RedisConnection.ScatterPart(connection: connection, indices: Array(0..<count))
        let tokens = await RedisConnection.scatter([part], count: count, name: name, encode: encode)
        client.settle(ProbeVerdict(outcomes: tokens.lazy.map(\.failureValue)), probe: probe)
        return tokens.map { $0 }
    }

    /// Sends two commands; together in one write when they go to the same node.
    public func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, _ second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>) {
        let routing: RedisClusterRouting
        do { routing = try await currentRouting() } catch { return (.failure(error), .failure(error)) }
        if let node = Self.singleNode(of: first, in: routing), let other = Self.singleNode(of: second, in: routing),
            node.client === other.client
        {
            var (firstReply, secondReply) = await node.client.execute(first, second)
            if case .failure(let error) = firstReply, Self.shouldRetry(error, readOnly: First.isReadOnly) {
                firstReply = await sendResult(first)
            }
            if case .failure(let error) = secondReply, Self.shouldRetry(error, readOnly: Second.isReadOnly) {
                secondReply = await sendResult(second)
            }
            return (firstReply, secondReply)
        }
        async let firstReply = sendResult(first)
        async let secondReply = sendResult(second)
        return await (firstReply, secondReply)
    }

    /// Closes every node's connections; later calls fail with ``RedisError/poolClosed``.
    public func close() async {
        let clients = state.withLock { state in
            state.closed = true
            return Array(state.clients.values)
        }
        for client in clients { await client.close() }
    }

    // MARK: Placement

    /// Where a command goes, by its keys.
    enum Placement {
        case keyless
        case slot(Int)
        case slots([Int])
    }

    /// The slot of `command`'s keys; every distinct slot, in order of first use, when they differ.
    static func placement<Command: RedisCommand>(of command: Command) throws(RedisError) -> Placement {
        let keys = command.keysAffected
        var iterator = keys.makeIterator()
        guard let first = iterator.next() else {
            if perNodeCommands.contains(Command.name.command) { throw .perNodeCommand(Command.name.description) }
            return .keyless
        }
        let slot = RedisClusterSlot(key: first).value
        var slots: [Int]? = nil
        while let key = iterator.next() {
            let other = RedisClusterSlot(key: key).value
            if other != slot || slots != nil {
                if slots == nil { slots = [slot] }
                if !slots!.contains(other) { slots!.append(other) }
            }
        }
        if let slots, slots.count > 1 { return .slots(slots) }
        return .slot(slot)
    }

    /// The node a command goes to, when that is one node.
    static func singleNode<Command: RedisCommand>(of command: Command, in routing: RedisClusterRouting) -> RedisClusterRouting.Node? {
        switch try? placement(of: command) {
        case .slot(let slot)?: routing.node(for: slot)
        case .keyless?: routing.node(for: 0)
        default: nil
        }
    }

    // MARK: Sending with redirects

    /// `send`, its outcome as a `Result`.
    @usableFromInline
    func sendResult<Command: RedisCommand>(_ command: Command) async -> Result<Command.Response, RedisError> {
        do { return .success(try await send(command)) } catch { return .failure(error) }
    }

    /// Sends `command` for `slot` (`nil`: keyless) to its node, following `MOVED` and `ASK` and
    /// retrying what can be retried, at most ``RedisClusterConfiguration/maximumAttempts`` times.
    func sendRouted<Command: RedisCommand>(_ command: Command, slot: Int?) async throws(RedisError) -> Command.Response {
        var asking: RedisEndpoint? = nil
        var attempt = 0
        while true {
            attempt += 1
            let routing = try await currentRouting()
            let target: RedisEndpoint
            let client: RedisMultiplexer
            if let asked = asking {
                target = asked
                client = try multiplexer(for: asked)
            } else if let node = routing.node(for: slot ?? 0) {
                target = node.endpoint
                client = node.client
            } else {
                // The table has no owner for the slot: the cluster may be mid-change.
                guard attempt < configuration.maximumAttempts else {
                    throw .clusterRetriesExhausted(
                        command: Command.name.description, slot: slot, node: nil, attempts: attempt,
                        last: "no node serves the slot in the cluster's slot table")
                }
                try await pause(before: attempt)
                try await refreshTopology(after: routing.generation)
                continue
            }
            do {
                if asking != nil {
                    asking = nil
                    let (asked, reply) = await client.execute(ASKING(), command)
                    _ = try asked.get()
                    return try reply.get()
                }
                return try await client.send(command)
            } catch {
                let next = try await recover(
                    from: error, command: Command.name.description, readOnly: Command.isReadOnly, slot: slot, node: target,
                    attempt: attempt, generation: routing.generation)
                if case .ask(let endpoint) = next { asking = endpoint }
            }
        }
    }

    /// What to do after `error` from `node`.
    enum Recovery {
        case retry
        case ask(RedisEndpoint)
    }

    /// Whether a failed reply in a batch deserves a retry through ``send(_:)``.
    @usableFromInline
    static func shouldRetry(_ error: RedisError, readOnly: Bool) -> Bool {
        if let reply = error.serverError, error.code == .server {
            return [.moved, .ask, .tryAgain, .clusterDown].contains(reply.kind)
        }
        return notSent(error) || (readOnly && maybeSent(error))
    }

    /// A failure that shows the command never reached the server.
    static func notSent(_ error: RedisError) -> Bool {
        [.connectionRefused, .connectTimeout, .connectFailed, .unresponsive, .socketNotFound].contains(error.code)
    }

    /// A failure after which the command may or may not have run.
    static func maybeSent(_ error: RedisError) -> Bool {
        [.connectionClosed, .commandTimeout].contains(error.code)
    }

    /// Follows a redirect, or pauses and refreshes before a retry, or throws: `error` itself when
    /// it is not the cluster's doing, or the exhausted-retries error after the last attempt.
    func recover(
        from error: RedisError, command: String, readOnly: Bool, slot: Int?, node: RedisEndpoint, attempt: Int, generation: Int
    ) async throws(RedisError) -> Recovery {
        let exhausted = attempt >= configuration.maximumAttempts
        func giveUp(_ last: String) -> RedisError {
            .clusterRetriesExhausted(command: command, slot: slot, node: node, attempts: attempt, last: last)
        }
        if error.code == .server, let reply = error.serverError {
            switch reply.kind {
            case .moved:
                counters.moved.add(1, ordering: .relaxed)
                guard let redirect = RedisClusterRedirect(reply, from: node) else { throw error }
                // The table learns the move even when this call has no attempt left: the next
                // call goes straight to the slot's new node.
                let client = try multiplexer(for: redirect.endpoint)
                state.withLock { state in state.routing = state.routing.moving(redirect.slot, to: redirect.endpoint, client: client) }
                guard !exhausted else { throw giveUp("\(reply)") }
                // One slot moved is often many: learn the rest at once, but not on every MOVED.
                if state.withLock({ $0.lastRefresh.map { ContinuousClock.now - $0 > .milliseconds(200) } ?? true }) {
                    try? await refreshTopology(after: nil)
                }
                return .retry
            case .ask:
                counters.ask.add(1, ordering: .relaxed)
                guard let redirect = RedisClusterRedirect(reply, from: node), !exhausted else { throw exhausted ? giveUp("\(reply)") : error }
                return .ask(redirect.endpoint)
            case .tryAgain, .clusterDown:
                if reply.kind == .tryAgain {
                    counters.tryAgain.add(1, ordering: .relaxed)
                } else {
                    counters.clusterDown.add(1, ordering: .relaxed)
                }
                guard !exhausted else { throw giveUp("\(reply)") }
                try await pause(before: attempt)
                if reply.kind == .clusterDown { try? await refreshTopology(after: generation) }
                return .retry
            default:
                throw error
            }
        }
        if Self.notSent(error) || Self.maybeSent(error) {
            counters.unreachable.add(1, ordering: .relaxed)
            // The node is gone or stuck: the cluster may be failing over. Learn the table anew
            // from any node that answers; a write that may have run is not sent again.
            guard Self.notSent(error) || readOnly else {
                try? await refreshTopology(after: generation, avoiding: node)
                throw error
            }
            guard !exhausted else { throw giveUp("\(error)") }
            try await pause(before: attempt)
            try? await refreshTopology(after: generation, avoiding: node)
            return .retry
        }
        throw error
    }

    /// Waits before retry number `attempt`: the backoff, doubled per attempt.
    func pause(before attempt: Int) async throws(RedisError) {
        let delay = configuration.retryBackoff * (1 << min(attempt - 1, 10))
        do { try await Task.sleep(for: delay) } catch { throw .cancelled }
    }

    // MARK: Splitting

    /// Sends the parts of `command`, one per slot, and combines their replies.
    func sendSplit<Command: RedisSplittableCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        counters.splits.add(1, ordering: .relaxed)
        var positionsBySlot: [Int: [Int]] = [:]
        var order: [Int] = []
        for (position, key) in command.keysAffected.enumerated() {
            let slot = RedisClusterSlot(key: key).value
            if positionsBySlot[slot] == nil { order.append(slot) }
            positionsBySlot[slot, default: []].append(position)
        }
        let positions = order.map { positionsBySlot[$0]! }
        let replies = await execute(positions.map { command.part(keysAt: $0) })
        var parts: [Command.Response] = []
        parts.reserveCapacity(replies.count)
        for reply in replies { parts.append(try reply.get()) }
        return Command.combine(parts, positions: positions, keyCount: command.keysAffected.count)
    }

    // MARK: Nodes and the slot table

    /// The connections to `endpoint`, made on first use.
    func multiplexer(for endpoint: RedisEndpoint) throws(RedisError) -> RedisMultiplexer {
        let found: RedisMultiplexer? = state.withLock { state in
            if state.closed { return nil }
            if let client = state.clients[endpoint] { return client }
            var node = configuration.base
            node.endpoint = endpoint
            let client = RedisMultiplexer(
                configuration: node, connections: configuration.connectionsPerNode, eventLoopGroup: eventLoopGroup, logger: logger)
            state.clients[endpoint] = client
            return client
        }
        guard let found else { throw .poolClosed }
        return found
    }

    /// The slot table when the client has one and is open (nearly always), without suspending;
    /// `nil` when ``currentRouting()`` must ask for it or say the client is closed.
    func knownRouting() -> RedisClusterRouting? {
        state.withLock { state in state.closed || state.routing.generation == 0 ? nil : state.routing }
    }

    /// The slot table, asked for first if there is none yet.
    func currentRouting() async throws(RedisError) -> RedisClusterRouting {
        let routing = try state.withLock { state throws(RedisError) in
            if state.closed { throw .poolClosed }
            return state.routing
        }
        if routing.generation > 0 { return routing }
        try await refreshTopology(after: 0)
        return state.withLock { $0.routing }
    }

    /// Asks the cluster for its slot table and installs it, unless the table changed since
    /// `generation` (someone else learnt something new meanwhile; `nil`: refresh anyway).
    /// Concurrent callers share one refresh. Nodes are asked in turn (the known primaries,
    /// then the seeds, `avoiding` last) until one answers.
    func refreshTopology(after generation: Int?, avoiding: RedisEndpoint? = nil) async throws(RedisError) {
        enum Role {
            case refresh([RedisEndpoint])
            case wait
            case done
        }
        let role: Role = state.withLock { state in
            if let generation, state.routing.generation != generation { return .done }
            if state.refreshWaiters != nil { return .wait }
            state.refreshWaiters = []
            var candidates = state.routing.primaries.map(\.endpoint) + configuration.seeds + Array(state.clients.keys)
            var seen = Set<RedisEndpoint>()
            candidates = candidates.filter { $0 != avoiding && seen.insert($0).inserted }
            if let avoiding { candidates.append(avoiding) }
            return .refresh(candidates)
        }
        switch role {
        case .done:
            return
        case .wait:
            await withCheckedContinuation { continuation in
                let waiting = state.withLock { state in
                    guard state.refreshWaiters != nil else { return false }
                    state.refreshWaiters!.append(continuation)
                    return true
                }
                if !waiting { continuation.resume() }
            }
            if let error = state.withLock({ $0.routing.generation == 0 ? $0.lastRefreshError : nil }) { throw error }
        case .refresh(let candidates):
            let outcome = await fetchTopology(from: candidates)
            let waiters: [CheckedContinuation<Void, Never>] = try state.withLock { state throws(RedisError) in
                let waiters = state.refreshWaiters ?? []
                state.refreshWaiters = nil
                state.lastRefresh = .now
                switch outcome {
                case .success(let topology):
                    state.routing = Self.routing(from: topology, generation: state.routing.generation + 1, clients: &state.clients, base: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
                    state.lastRefreshError = nil
                case .failure(let error):
                    state.lastRefreshError = error
                }
                return waiters
            }
            counters.refreshes.add(1, ordering: .relaxed)
            for waiter in waiters { waiter.resume() }
            if case .failure(let error) = outcome { throw error }
        }
    }

    /// `CLUSTER SHARDS` from the first of `candidates` that answers with a table serving some slot.
    private func fetchTopology(from candidates: [RedisEndpoint]) async -> Result<RedisClusterTopology, RedisError> {
        var reasons: [String] = []
        for endpoint in candidates {
            do {
                let topology = try await multiplexer(for: endpoint).send(CLUSTER.SHARDS())
                guard topology.coveredSlots > 0 else {
                    reasons.append("\(endpoint) reports no slot assigned")
                    continue
                }
                return .success(topology)
            } catch {
                if error.code == .poolClosed { return .failure(error) }
                if let reply = error.serverError, reply.message.contains("cluster support disabled") {
                    reasons.append("\(endpoint) is not a cluster node (cluster support disabled)")
                } else {
                    reasons.append("\(endpoint): \(error)")
                }
            }
        }
        return .failure(.clusterTopologyUnavailable(tried: candidates, reason: reasons.joined(separator: "; ")))
    }

    /// A slot table from `topology`, reusing the connections already open.
    private static func routing(
        from topology: RedisClusterTopology, generation: Int, clients: inout [RedisEndpoint: RedisMultiplexer],
        base: RedisClusterConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger
    ) -> RedisClusterRouting {
        var owners = [Int16](repeating: -1, count: RedisClusterSlot.count)
        var primaries: [RedisClusterRouting.Node] = []
        let shards = topology.shards.filter { !$0.slots.isEmpty && $0.primary != nil }
            .sorted { ($0.slots.map(\.lowerBound).min() ?? 0) < ($1.slots.map(\.lowerBound).min() ?? 0) }
        for shard in shards {
            let primary = shard.primary!
            let endpoint = RedisEndpoint.tcp(host: primary.host, port: primary.port)
            let client: RedisMultiplexer
            if let known = clients[endpoint] {
                client = known
            } else {
                var node = base.base
                node.endpoint = endpoint
                client = RedisMultiplexer(configuration: node, connections: base.connectionsPerNode, eventLoopGroup: eventLoopGroup, logger: logger)
                clients[endpoint] = client
            }
            let index = Int16(primaries.count)
            primaries.append(RedisClusterRouting.Node(endpoint: endpoint, id: primary.id, slots: shard.slots, client: client))
            for range in shard.slots where range.lowerBound >= 0 && range.upperBound < RedisClusterSlot.count {
                for slot in range { owners[slot] = index }
            }
        }
        return RedisClusterRouting(generation: generation, primaries: primaries, owners: owners)
    }
}

/// What a ``RedisClusterClient`` met so far.
public struct RedisClusterStatistics: Sendable, Hashable {
    /// `MOVED` redirects followed (a slot found on another node than the table said).
    public var moved: Int
    /// `ASK` redirects followed (a key already migrated out of a slot in migration).
    public var ask: Int
    /// `TRYAGAIN` replies retried (a multi-key command during a slot migration).
    public var tryAgain: Int
    /// `CLUSTERDOWN` replies retried.
    public var clusterDown: Int
    /// Commands that found their node unreachable (refused, closed, timed out).
    public var unreachable: Int
    /// Slot tables asked for (`CLUSTER SHARDS`).
    public var refreshes: Int
    /// Multi-key commands split by slot.
    public var splitCommands: Int
}
