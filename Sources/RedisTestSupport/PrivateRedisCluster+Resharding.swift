import LarderRESP
import LarderRedis

extension PrivateRedisCluster {
    /// What a live migration of one slot did.
    public struct SlotMigration: Sendable {
        /// The slot moved.
        public var slot: Int
        /// The client ports of the node it left and the node it went to.
        public var from: Int, to: Int
        /// Keys moved with `MIGRATE`.
        public var keysMoved: Int
    }

    /// Moves `slot` from its primary to another one, as `redis-cli --cluster reshard` does:
    /// `CLUSTER SETSLOT <slot> IMPORTING` on the target, `MIGRATING` on the source, `MIGRATE`
    /// of its keys `batch` at a time, then `CLUSTER SETSLOT <slot> NODE <target>` on every node.
    /// `between` runs after each batch (and before the slot is handed over), while the slot is
    /// half moved: the moment a client meets `ASK`.
    public func migrate(
        slot: Int, batch: Int = 10, between: @Sendable (Int) async throws -> Void = { _ in }
    ) async throws -> SlotMigration {
        let topology = try await topology()
        let source = try await primary(for: slot)
        let sourceID = try await nodeID(source)
        guard let targetNode = topology.shards.compactMap(\.primary).first(where: { $0.port != source.tcpPort && $0.health == "online" }),
            let target = node(port: targetNode.port)
        else { throw PrivateRedisClusterError.notSettled(detail: "no other primary to move slot \(slot) to") }
        try await RedisConnection.withConnection(configuration: target.configuration()) { redis in
            _ = try await redis.send("CLUSTER", "SETSLOT", slot, "IMPORTING", sourceID)
        }
        var moved = 0
        try await RedisConnection.withConnection(configuration: source.configuration()) { redis in
            _ = try await redis.send("CLUSTER", "SETSLOT", slot, "MIGRATING", targetNode.id)
            while true {
                let keys = try [String](fromRESP: try await redis.send("CLUSTER", "GETKEYSINSLOT", slot, batch))
                guard !keys.isEmpty else { break }
                _ = try await redis.send("MIGRATE", "127.0.0.1", target.tcpPort, "", 0, 5000, "KEYS", keys)
                moved += keys.count
                try await between(moved)
            }
        }
        // The target first, then the source, then the other primaries (replicas refuse SETSLOT
        // and follow their primary): as redis-cli does, so that the source never sends clients
        // to a target that does not know yet that it owns the slot.
        let otherPrimaries = topology.shards.compactMap(\.primary).filter { $0.health == "online" }.compactMap { node(port: $0.port) }
            .filter { $0 !== target && $0 !== source }
        for node in [target, source] + otherPrimaries {
            try await RedisConnection.withConnection(configuration: node.configuration()) { redis in
                _ = try await redis.send("CLUSTER", "SETSLOT", slot, "NODE", targetNode.id)
            }
        }
        return SlotMigration(slot: slot, from: source.tcpPort, to: target.tcpPort, keysMoved: moved)
    }

    /// The cluster id of `node` (`CLUSTER MYID`).
    public func nodeID(_ node: PrivateRedisServer) async throws -> String {
        try await RedisConnection.withConnection(configuration: node.configuration()) { redis in
            try String(fromRESP: try await redis.send("CLUSTER", "MYID"))
        }
    }
}
