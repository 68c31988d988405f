import LarderRedis
extension KeyspaceInspector {
    /// An inspector per primary of the cluster `configuration` names, in slot order: a
    /// cluster's keyspace is spread over its primaries (each holding database 0 only), so a
    /// walk of the whole keyspace is a walk of each of them.
    ///
    /// The layout comes from `CLUSTER SHARDS`, asked over a read-only connection of the first
    /// seed that answers. Each inspector's configuration is the cluster's base configuration
    /// with the node's endpoint (credentials and timeouts carry over).
    ///
    /// - Throws: ``KeyspaceError/redis(_:)`` with ``RedisError/clusterTopologyUnavailable(tried:reason:)``
    ///   when no seed answers.
    public static func primaries(ofCluster configuration: RedisClusterConfiguration) async throws -> [ClusterPrimary] {
        var reasons: [String] = []
        for seed in configuration.seeds {
            var node = configuration.base
            node.endpoint = seed
            do {
                let topology = try await ReadOnlyConnection.with(node) { redis in try await redis.send(CLUSTER.SHARDS()) }
                return topology.shards.filter { !$0.slots.isEmpty }.compactMap { shard in
                    shard.primary.map { primary in
                        ClusterPrimary(
                            endpoint: .tcp(host: primary.host, port: primary.port), slots: shard.slots,
                            inspector: KeyspaceInspector(configuration: configuration.node(host: primary.host, port: primary.port)))
                    }
                }.sorted { ($0.slots.first?.lowerBound ?? 0) < ($1.slots.first?.lowerBound ?? 0) }
            } catch {
                reasons.append("\(seed): \(error)")
            }
        }
        throw KeyspaceError.redis(.clusterTopologyUnavailable(tried: configuration.seeds, reason: reasons.joined(separator: "; ")))
    }
}

/// One primary of a cluster, with an inspector of its keyspace (database 0).
public struct ClusterPrimary: Sendable {
    /// Where the node is.
    public var endpoint: RedisEndpoint
    /// The slot ranges it serves.
    public var slots: [ClosedRange<Int>]
    /// An inspector of the node's keys.
    public var inspector: KeyspaceInspector
}
