import LarderRESP
// The commands a Sentinel client sends to the sentinels (`redis-server --sentinel`), which
// answer only these (and PING, HELLO, ROLE, SUBSCRIBE...), not the data commands.

/// `SENTINEL` subcommands, sent to a sentinel, e.g. ``SENTINEL/GET_MASTER_ADDR_BY_NAME``.
public enum SENTINEL {
    /// `SENTINEL GET-MASTER-ADDR-BY-NAME name`: the address of the primary the sentinel knows by
    /// `name`, or `nil` when it monitors no primary of that name.
    public struct GET_MASTER_ADDR_BY_NAME: RedisCommand {
        public typealias Response = [String]?
        public static var name: RedisCommandName { RedisCommandName("SENTINEL", subcommand: "GET-MASTER-ADDR-BY-NAME") }
        /// The name the primary is monitored under (`sentinel monitor <name> ...`).
        public var primaryName: String
        /// Asks for the address of the primary monitored as `primaryName`.
        public init(primaryName: String) { self.primaryName = primaryName }
        public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, primaryName) }
    }

    /// `SENTINEL REPLICAS name`: the replicas of the primary `name`, each as the sentinel's
    /// fields (`ip`, `port`, `flags`, `master-link-status`, ...).
    public struct REPLICAS: RedisCommand {
        public typealias Response = [[String: String]]
        public static var name: RedisCommandName { RedisCommandName("SENTINEL", subcommand: "REPLICAS") }
        /// The name the primary is monitored under.
        public var primaryName: String
        /// Asks for the replicas of `primaryName`.
        public init(primaryName: String) { self.primaryName = primaryName }
        public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, primaryName) }
    }

    /// `SENTINEL SENTINELS name`: the other sentinels monitoring `name`, each as its fields
    /// (`ip`, `port`, `flags`, ...); the sentinel asked is not in the list.
    public struct SENTINELS: RedisCommand {
        public typealias Response = [[String: String]]
        public static var name: RedisCommandName { RedisCommandName("SENTINEL", subcommand: "SENTINELS") }
        /// The name the primary is monitored under.
        public var primaryName: String
        /// Asks for the other sentinels of `primaryName`.
        public init(primaryName: String) { self.primaryName = primaryName }
        public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, primaryName) }
    }
}
