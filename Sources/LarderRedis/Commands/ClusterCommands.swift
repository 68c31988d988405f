import LarderRESP
// Redis's cluster group: what a cluster-aware client asks a node (chapter 08).

/// `ASKING`: lets the next command on this connection run against a slot the node is importing
/// (after an `ASK` redirection). It holds for that one command only, so it is sent in the same
/// write as the command it is for.
public struct ASKING: RedisCommand {
    public typealias Response = String
    public static var name: RedisCommandName { "ASKING" }
    /// Allows the next command into an importing slot.
    public init() {}
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name) }
}

/// The `CLUSTER` container command.
public enum CLUSTER {
    /// `CLUSTER SHARDS` (Redis 7.0): the cluster's shards, each with its slot ranges and nodes
    /// (id, address, role, health). What ``RedisClusterClient`` builds its slot table from.
    /// A ``ReadOnlyCommand``: it changes nothing (the keyspace inspector may send it), though
    /// Redis does not flag it `readonly`, which is for commands that read keys.
    public struct SHARDS: ReadOnlyCommand {
        public typealias Response = RedisClusterTopology
        public static var name: RedisCommandName { RedisCommandName("CLUSTER", subcommand: "SHARDS") }
        /// Not Redis's `readonly`: it reads no key.
        public static var isReadOnly: Bool { false }
        /// Asks for the shards.
        public init() {}
        public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name) }
    }

    /// `CLUSTER KEYSLOT key`: the hash slot of `key`, as the server computes it.
    public struct KEYSLOT: ReadOnlyCommand {
        public typealias Response = Int
        public static var name: RedisCommandName { RedisCommandName("CLUSTER", subcommand: "KEYSLOT") }
        /// Not Redis's `readonly`: it reads no key.
        public static var isReadOnly: Bool { false }
        /// The key whose slot is asked for. Not a key the command touches: the server reads
        /// no value, and any node answers.
        public var key: RedisKey
        /// Asks for `key`'s slot.
        public init(_ key: RedisKey) { self.key = key }
        public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key) }
    }
}
