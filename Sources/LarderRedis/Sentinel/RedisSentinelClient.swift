import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A client for a primary that Redis Sentinel watches and fails over: it asks the sentinels
/// where the primary is, checks that it is one, and follows it to a replica the sentinels
/// promote, without a restart.
///
/// **Discovery.** The sentinels are asked in turn `SENTINEL GET-MASTER-ADDR-BY-NAME`; the node
/// named must answer `ROLE` as a primary (a sentinel's view can lag a failover), and a
/// ``RedisMultiplexer`` to it carries the commands. What fails says why: no sentinel answered
/// (each listed with its error), the sentinels refused their credentials, none knows the name,
/// the node named is not a primary, or it cannot be reached (a failover under way).
///
/// **Following a failover.** Two ways, because either alone can miss one: ``run()`` keeps a
/// subscription to `+switch-master` on a sentinel (moving to the next when that one goes) and
/// switches when it is announced; and any call whose node fails in a way that says it may no
/// longer be the primary (connection closed or refused, a timeout, a `READONLY` reply from a
/// demoted primary) makes the next call ask the sentinels again. While they still name the dead
/// primary (for `down-after-milliseconds` and the failover itself), calls fail at once with
/// ``RedisError/primaryUnreachable(primaryName:_:reason:)``, and the sentinels are asked at most
/// once per ``RedisSentinelConfiguration/rediscoveryInterval``: a fail-open cache keeps serving.
///
/// **Commands caught by the switch** are retried once on the node found again only when that is
/// safe: when the command was certainly not run (refused before it was sent, or answered
/// `READONLY` by a replica, which runs no write), or when it is read-only. A write whose
/// connection closed before its reply may have run; it fails with its error and is never sent
/// twice (an `INCR` retried blindly could count twice).
///
/// **Reads from replicas** when ``RedisSentinelConfiguration/readFrom`` asks: commands whose
/// ``RedisCommand/isReadOnly`` is `true` go to the replicas the sentinels list (skipping those
/// flagged `s_down`, `o_down` or `disconnected`), in turn. They may be a moment behind the
/// primary (see ``RedisReadFrom``).
///
/// A `Service`: ``run()`` discovers at start, watches `+switch-master`, and closes every
/// connection when it ends; ``withSentinelClient(configuration:eventLoopGroup:logger:onEvent:_:)``
/// gives a script the same scope. Without ``run()``, the client still follows a failover by
/// its calls' errors, and ``close()`` must end its use.
///
/// ```swift
/// let redis = RedisSentinelClient(configuration: try .init(url: "redis+sentinel://s1,s2,s3/mymaster/1"))
/// let cache = RedisCache(client: redis, configuration: cacheConfiguration)
/// let app = Application(router: router, services: [redis])
/// ```
public final class RedisSentinelClient: RedisClient, Sendable {
    /// The sentinels, the primary's name, and the data nodes' configuration.
    public let configuration: RedisSentinelConfiguration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let onEvent: (@Sendable (RedisSentinelEvent) -> Void)?
    let state: Mutex<State>

    /// The primary and the replicas in use, and their multiplexers.
    struct Topology: Sendable {
        var primary: Node
        var replicas: [Node]
    }

    /// One data node and the multiplexer to it.
    final class Node: Sendable {
        let endpoint: RedisEndpoint
        let multiplexer: RedisMultiplexer
        init(endpoint: RedisEndpoint, multiplexer: RedisMultiplexer) {
            self.endpoint = endpoint
            self.multiplexer = multiplexer
        }
    }

    struct State: Sendable {
        /// `nil` until discovered, and again once the primary seems lost.
        var topology: Topology?
        /// Every node with an open multiplexer, by address: reused when the sentinels name it
        /// again, closed when they no longer do.
        var nodes: [RedisEndpoint: Node] = [:]
        var discovering = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var lastFailure: (error: RedisError, until: ContinuousClock.Instant)?
        /// The sentinels in the order to ask them: one that answered first.
        var sentinels: [RedisEndpoint]
        var nextReplica = 0
        var closed = false
    }

    /// A client for `configuration`. Nothing connects until the first call or ``run()``.
    ///
    /// - Parameter onEvent: called (synchronously, keep it short) with what the client learns:
    ///   subscriptions, `+switch-master` announcements, discoveries, a primary lost.
    public init(
        configuration: RedisSentinelConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = RedisConnection.silentLogger,
        onEvent: (@Sendable (RedisSentinelEvent) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.onEvent = onEvent
        self.state = Mutex(State(sentinels: configuration.sentinels))
    }

    /// The primary the client sends writes to now, or `nil` while it knows none.
    public var primary: RedisEndpoint? { state.withLock { $0.topology?.primary.endpoint } }

    /// The replicas it may send reads to now.
    public var replicas: [RedisEndpoint] { state.withLock { $0.topology?.replicas.map(\.endpoint) ?? [] } }

    // MARK: RedisClient

    /// Sends `command` to the primary, or to a replica when it is read-only and
    /// ``RedisSentinelConfiguration/readFrom`` says so; retried once on the node found again
    /// after a failover when that is safe (see ``RedisSentinelClient``).
    public func send<Command: RedisCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        let result: Result<Command.Response, RedisError> = await routed(readOnly: Command.isReadOnly) { node in
            do throws(RedisError) {
                return .success(try await node.multiplexer.send(command))
            } catch {
                return .failure(error)
            }
        } failure: { (result: Result<Command.Response, RedisError>) in
            RedisMultiplexer.failure(result)
        } refused: { error in
            .failure(error)
        }
        return try result.get()
    }

    /// Sends `commands` together to one node (see ``send(_:)``).
    public func execute<Command: RedisCommand>(_ commands: [Command]) async -> [Result<Command.Response, RedisError>] {
        await routed(readOnly: Command.isReadOnly) { node in
            await node.multiplexer.execute(commands)
        } failure: { results in
            results.lazy.compactMap(RedisMultiplexer.failure).first(where: Self.isNodeFailure)
        } refused: { error in
            commands.map { _ in .failure(error) }
        }
    }

    /// Sends two commands together to one node (see ``send(_:)``): a write and the `WAIT` that
    /// must follow it on the same connection, say.
    public func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, _ second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>) {
        await routed(readOnly: First.isReadOnly && Second.isReadOnly) { node in
            await node.multiplexer.execute(first, second)
        } failure: { results in
            [RedisMultiplexer.failure(results.0), RedisMultiplexer.failure(results.1)].lazy.compactMap { $0 }.first(where: Self.isNodeFailure)
        } refused: { error in
            (.failure(error), .failure(error))
        }
    }

    /// Closes every connection; later calls fail with ``RedisError/poolClosed``.
    public func close() async {
        let nodes: [Node] = state.withLock { state in
            state.closed = true
            state.topology = nil
            defer { state.nodes = [:] }
            return Array(state.nodes.values)
        }
        for node in nodes { await node.multiplexer.close() }
    }

    // MARK: Routing

    /// Runs `attempt` on the node `readOnly` routes to; when its outcome shows the node failing
    /// (`failure`), makes the next call rediscover, and tries once more where safe.
    private func routed<Outcome>(
        readOnly: Bool,
        _ attempt: (Node) async -> Outcome,
        failure: (Outcome) -> RedisError?,
        refused: (RedisError) -> Outcome
    ) async -> Outcome {
        var avoidReplicas = false
        var retried = false
        while true {
            let topology: Topology
            do throws(RedisError) { topology = try await currentTopology() } catch { return refused(error) }
            let node: Node
            do throws(RedisError) {
                node = try route(readOnly: readOnly && !avoidReplicas, in: topology)
            } catch {
                return refused(error)
            }
            let outcome = await attempt(node)
            guard let error = failure(outcome), Self.isNodeFailure(error) else { return outcome }
            lost(node, error: error)
            let isReplica = node !== topology.primary
            guard !retried, Self.wasNotRun(error) || readOnly else { return outcome }
            retried = true
            // A replica that failed is left for the primary when the configuration allows it.
            if isReplica, configuration.readFrom == .preferReplicas { avoidReplicas = true }
        }
    }

    /// The node for a command: a replica in turn for a read-only one when the configuration
    /// reads from replicas, the primary otherwise.
    private func route(readOnly: Bool, in topology: Topology) throws(RedisError) -> Node {
        guard readOnly, configuration.readFrom != .primary else { return topology.primary }
        guard !topology.replicas.isEmpty else {
            if configuration.readFrom == .replicas { throw .noReplicaAvailable(primaryName: configuration.primaryName) }
            return topology.primary
        }
        let index = state.withLock { state in
            defer { state.nextReplica &+= 1 }
            return state.nextReplica
        }
        return topology.replicas[Int(UInt(bitPattern: index) % UInt(topology.replicas.count))]
    }

    /// Whether `error` says the node may be gone or demoted, so the topology must be asked again.
    static func isNodeFailure(_ error: RedisError) -> Bool {
        switch error.code {
        case .connectionClosed, .connectionRefused, .connectTimeout, .commandTimeout, .unresponsive, .poolClosed,
            .connectFailed, .socketNotFound:
            return true
        case .server:
            return error.serverError?.kind == .readOnly || error.serverError?.kind == .masterDown
        default:
            return false
        }
    }

    /// Whether the command certainly did not run: refused before it was sent, or refused by a
    /// replica (`READONLY`), so sending it again cannot run it twice.
    static func wasNotRun(_ error: RedisError) -> Bool {
        switch error.code {
        case .connectionRefused, .connectTimeout, .unresponsive, .poolClosed, .connectFailed, .socketNotFound:
            return true
        case .server:
            return error.serverError?.kind == .readOnly || error.serverError?.kind == .masterDown
        default:
            return false
        }
    }

    /// `node` failed with `error`: the topology it belongs to is given up (unless a newer one
    /// replaced it already), and the next call asks the sentinels.
    private func lost(_ node: Node, error: RedisError) {
        let given: Bool = state.withLock { state in
            guard let topology = state.topology,
                topology.primary === node || topology.replicas.contains(where: { $0 === node })
            else { return false }
            state.topology = nil
            state.lastFailure = nil
            return true
        }
        if given {
            logger.notice("Redis node failed: asking the sentinels again", metadata: ["node": "\(node.endpoint)", "error": "\(error)"])
            onEvent?(.primaryLost(node.endpoint, error: error))
        }
    }

    // MARK: Discovery

    /// The topology in use, discovering it first when there is none. Concurrent callers share
    /// one discovery; a failed one is remembered for the rediscovery interval.
    func currentTopology() async throws(RedisError) -> Topology {
        enum Next {
            case use(Topology)
            case fail(RedisError)
            case wait
            case discover
        }
        while true {
            let next: Next = state.withLock { state in
                if state.closed { return .fail(.poolClosed) }
                if let topology = state.topology { return .use(topology) }
                if let failure = state.lastFailure, ContinuousClock.now < failure.until { return .fail(failure.error) }
                if state.discovering { return .wait }
                state.discovering = true
                return .discover
            }
            switch next {
            case .use(let topology):
                return topology
            case .fail(let error):
                throw error
            case .wait:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let waiting = state.withLock { state in
                        guard state.discovering else { return false }
                        state.waiters.append(continuation)
                        return true
                    }
                    if !waiting { continuation.resume() }
                }
            case .discover:
                return try await discoverAndInstall()
            }
        }
    }

    /// Forgets the topology and discovers it again now (after a `+switch-master`); a failure is
    /// left for the calls to meet.
    func rediscover() async {
        state.withLock { state in
            state.topology = nil
            state.lastFailure = nil
        }
        _ = try? await currentTopology()
    }

    private func discoverAndInstall() async throws(RedisError) -> Topology {
        let outcome: Result<Topology, RedisError>
        do throws(RedisError) {
            outcome = .success(try await discover())
        } catch {
            outcome = .failure(error)
        }
        let (waiters, unused): ([CheckedContinuation<Void, Never>], [Node]) = state.withLock { state in
            state.discovering = false
            var unused: [Node] = []
            if state.closed {
                // close() ran meanwhile: the nodes this discovery opened are nobody's.
                unused = Array(state.nodes.values)
                state.nodes = [:]
            }
            switch outcome {
            case .success(let topology):
                if !state.closed {
                    state.topology = topology
                    state.lastFailure = nil
                    let kept = Set([topology.primary.endpoint] + topology.replicas.map(\.endpoint))
                    unused = state.nodes.values.filter { !kept.contains($0.endpoint) }
                    for node in unused { state.nodes[node.endpoint] = nil }
                }
            case .failure(let error):
                // A cancelled caller says nothing of the sentinels: the next call asks again.
                if error.code != .cancelled {
                    state.lastFailure = (error, ContinuousClock.now + configuration.rediscoveryInterval)
                }
            }
            defer { state.waiters = [] }
            return (state.waiters, unused)
        }
        for waiter in waiters { waiter.resume() }
        for node in unused { await node.multiplexer.close() }
        switch outcome {
        case .success(let topology):
            logger.info("Sentinel: primary found", metadata: ["primary": "\(topology.primary.endpoint)", "replicas": "\(topology.replicas.count)"])
            onEvent?(.discovered(primary: topology.primary.endpoint, replicas: topology.replicas.map(\.endpoint)))
            return topology
        case .failure(let error):
            logger.debug("Sentinel: discovery failed", metadata: ["error": "\(error)"])
            onEvent?(.discoveryFailed(error))
            throw error
        }
    }

    /// Asks the sentinels in turn for the primary (and its replicas when reads go there), and
    /// checks with `ROLE` that the node named is a primary.
    private func discover() async throws(RedisError) -> Topology {
        let name = configuration.primaryName
        let sentinels = state.withLock { $0.sentinels }
        var failures: [RedisSentinelFailure] = []
        var answered: [RedisEndpoint] = []
        var verificationError: RedisError?
        var tried: Set<RedisEndpoint> = []
        for sentinel in sentinels {
            let address: [String]?
            let replicaFields: [[String: String]]
            do throws(RedisError) {
                let connection = try await RedisConnection.connect(
                    configuration: configuration.sentinelConfiguration(sentinel), eventLoopGroup: eventLoopGroup, logger: logger)
                do throws(RedisError) {
                    address = try await connection.send(SENTINEL.GET_MASTER_ADDR_BY_NAME(primaryName: name))
                    replicaFields = configuration.readFrom == .primary ? [] : try await connection.send(SENTINEL.REPLICAS(primaryName: name))
                    await connection.close()
                } catch {
                    await connection.close()
                    throw error
                }
            } catch {
                if error.code == .cancelled { throw error }
                failures.append(RedisSentinelFailure(endpoint: sentinel, error: error))
                continue
            }
            answered.append(sentinel)
            guard let address, address.count == 2, let port = Int(address[1]) else { continue }  // unknown name
            let endpoint = RedisEndpoint.tcp(host: address[0], port: port)
            guard tried.insert(endpoint).inserted else { continue }
            let primary = node(at: endpoint)
            do throws(RedisError) {
                let role = try await primary.multiplexer.send(ROLE())
                guard case .primary = role else { throw RedisError.notAPrimary(primaryName: name, endpoint, role: role) }
            } catch {
                if error.code == .server, error.serverError?.kind == .noPermission {
                    // An ACL user without ROLE (it is @dangerous): the sentinels' word is taken, and a
                    // demoted primary is caught by its READONLY replies instead.
                    logger.debug("Sentinel: ROLE not permitted, primary not checked", metadata: ["primary": "\(endpoint)"])
                } else if error.code == .notAPrimary || error.code == .cancelled {
                    verificationError = error
                    if error.code == .cancelled { throw error }
                    continue
                } else {
                    // The short form where the code says it all: this message repeats through a failover.
                    let reason = error.code == .connectionRefused ? "connection refused" : "\(error)"
                    verificationError = .primaryUnreachable(primaryName: name, endpoint, reason: reason)
                    continue
                }
            }
            state.withLock { state in
                state.sentinels.removeAll { $0 == sentinel }
                state.sentinels.insert(sentinel, at: 0)
            }
            let replicas = replicaFields.compactMap { fields -> Node? in
                let flags = Set((fields["flags"] ?? "").split(separator: ","))
                guard flags.isDisjoint(with: ["s_down", "o_down", "disconnected"]), let host = fields["ip"],
                    let port = fields["port"].flatMap(Int.init)
                else { return nil }
                let replica = RedisEndpoint.tcp(host: host, port: port)
                return replica == endpoint ? nil : node(at: replica)
            }
            return Topology(primary: primary, replicas: replicas)
        }
        if let verificationError { throw verificationError }
        if !answered.isEmpty { throw .primaryNameUnknown(name, sentinels: answered) }
        if !failures.isEmpty, failures.allSatisfy({ $0.error.code == .authenticationFailed }),
            let first = failures.first, let reply = first.error.serverError
        {
            throw .sentinelAuthenticationFailed(first.endpoint, reply)
        }
        throw .sentinelsUnreachable(primaryName: name, failures)
    }

    /// The node at `endpoint`, with the multiplexer it already has or a new one.
    private func node(at endpoint: RedisEndpoint) -> Node {
        state.withLock { state in
            if let node = state.nodes[endpoint] { return node }
            let node = Node(
                endpoint: endpoint,
                multiplexer: RedisMultiplexer(
                    configuration: configuration.nodeConfiguration(endpoint), connections: configuration.connectionsPerNode,
                    eventLoopGroup: eventLoopGroup, logger: logger))
            state.nodes[endpoint] = node
            return node
        }
    }
}
