import Synchronization
/// One primary of a cluster, as a client that sends to that node only: for the commands about
/// one server's keyspace (`SCAN`, `DBSIZE`, `INFO`), which a cluster answers per node.
///
/// Commands go as they are, without slot routing or redirects: a keyed command for a slot the
/// node does not serve gets the node's `MOVED` as its error.
///
/// ```swift
/// for node in try await cluster.primaries() {
///     print(node.endpoint, try await node.send(DBSIZE()))
/// }
/// ```
public struct RedisClusterNode: RedisClient {
    /// Where the node is.
    public let endpoint: RedisEndpoint
    /// The node's id, as `CLUSTER NODES` names it (`nil` for a node known only from a redirect).
    public let id: String?
    /// The slot ranges it serves.
    public let slots: [ClosedRange<Int>]
    let client: RedisMultiplexer

    init(_ node: RedisClusterRouting.Node) {
        endpoint = node.endpoint
        id = node.id
        slots = node.slots
        client = node.client
    }

    /// Sends `command` to this node.
    public func send<Command: RedisCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        try await client.send(command)
    }

    /// Sends `commands` to this node in one write.
    public func execute<Command: RedisCommand>(_ commands: [Command]) async -> [Result<Command.Response, RedisError>] {
        await client.execute(commands)
    }

    /// Sends two commands to this node in one write.
    public func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, _ second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>) {
        await client.execute(first, second)
    }
}

/// A client whose keyspace is spread over several primaries (a cluster's): a command about a
/// whole keyspace (`SCAN`, `DBSIZE`, deleting by pattern) must go to each of them. The cache's
/// ``clear`` and the keyspace inspector ask for this to do the right thing on a cluster.
public protocol RedisShardedClient: RedisClient {
    /// Every primary serving slots, each as a client of its own, from a slot table learnt
    /// now (so a failover or resharding just done is seen).
    func primaries() async throws(RedisError) -> [RedisClusterNode]
}

extension RedisClusterClient: RedisShardedClient {
    /// Every primary serving slots, in the order of their first slot, from the slot table as
    /// the cluster reports it now.
    ///
    /// - Throws: ``RedisError/clusterTopologyUnavailable(tried:reason:)`` when no node answers.
    public func primaries() async throws(RedisError) -> [RedisClusterNode] {
        try await refreshTopology(after: nil)
        return state.withLock { $0.routing.primaries }.filter { !$0.slots.isEmpty }.map(RedisClusterNode.init)
    }

    /// The node serving `slot` in the slot table as last learnt.
    public func node(for slot: RedisClusterSlot) async throws(RedisError) -> RedisClusterNode? {
        try await currentRouting().node(for: slot.value).map(RedisClusterNode.init)
    }
}

extension RedisClient {
    /// Every key matching `pattern` on every primary of a cluster, or on this one server,
    /// each key once: the scan of ``scan(match:count:type:)`` run on each node in turn.
    ///
    /// ```swift
    /// for try await key in cluster.scanEveryPrimary(match: "shop:1:*") { print(key) }
    /// ```
    public func scanEveryPrimary(match pattern: String? = nil, count: Int? = nil, type: String? = nil) async throws(RedisError) -> [RedisKey] {
        guard let sharded = self as? any RedisShardedClient else {
            return try await Self.collect(scan(match: pattern, count: count, type: type))
        }
        var keys: [RedisKey] = []
        for node in try await sharded.primaries() {
            keys += try await Self.collect(node.scan(match: pattern, count: count, type: type))
        }
        return keys
    }

    private static func collect<Client: RedisClient>(_ sequence: RedisScanSequence<Client>) async throws(RedisError) -> [RedisKey] {
        var keys: [RedisKey] = []
        do {
            for try await key in sequence { keys.append(key) }
        } catch let error as RedisError {
            throw error
        } catch {
            throw .cancelled
        }
        return keys
    }
}
