import LarderRESP
// Redis's replication commands: what a node is (primary, replica, sentinel) and how far its
// replicas have followed it.

/// `ROLE`: what the server is in replication: a primary, a replica of some primary, or a
/// sentinel. A Sentinel client asks it of the node the sentinels name before trusting them
/// (a sentinel's view can be a moment behind a failover).
public struct ROLE: ReadOnlyCommand {
    public typealias Response = RedisRole
    public static var name: RedisCommandName { "ROLE" }
    /// Redis does not flag `ROLE` `readonly`: it reads no key (it changes nothing either).
    public static var isReadOnly: Bool { false }
    /// Asks the server for its role.
    public init() {}
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name) }
}

/// What `ROLE` answers: the first element of its reply, with what a client needs of the rest.
public enum RedisRole: Sendable, Hashable, RESPTokenDecodable, CustomStringConvertible {
    /// A primary (`master`), with its replication offset.
    case primary(offset: Int)
    /// A replica of the primary at `primary`, its link in `state` (`connected` once in sync,
    /// `connect`, `connecting`, `sync` before).
    case replica(primary: RedisEndpoint, state: String)
    /// A sentinel, with the names of the primaries it monitors.
    case sentinel(monitoring: [String])

    /// Reads `ROLE`'s reply: `["master", offset, [...]]`, `["slave", host, port, state, offset]`
    /// or `["sentinel", [names]]`.
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        let parts = try [RESPToken](fromRESP: token)
        guard let first = parts.first else { throw RESPConversionError(expected: "a ROLE reply", token: token) }
        switch try String(fromRESP: first) {
        case "master" where parts.count >= 2:
            self = .primary(offset: try Int(fromRESP: parts[1]))
        case "slave" where parts.count >= 4:
            self = .replica(
                primary: .tcp(host: try String(fromRESP: parts[1]), port: try Int(fromRESP: parts[2])),
                state: try String(fromRESP: parts[3]))
        case "sentinel" where parts.count >= 2:
            self = .sentinel(monitoring: try [String](fromRESP: parts[1]))
        default:
            throw RESPConversionError(expected: "a ROLE reply (master, slave or sentinel)", token: token)
        }
    }

    /// `primary`, `replica of host:port (state)` or `sentinel`.
    public var description: String {
        switch self {
        case .primary: "primary"
        case .replica(let primary, let state): "replica of \(primary) (\(state))"
        case .sentinel: "sentinel"
        }
    }
}

/// `WAIT numreplicas timeout`: blocks until the writes this connection sent before it are
/// acknowledged by `replicas` replicas, or `timeout` passes; answers how many acknowledged.
///
/// Redis replicates asynchronously: a primary answers `OK` before any replica has the write,
/// and a failover in that moment loses it. `WAIT` does not make a write durable (a replica that
/// acknowledged may still lose it), but it narrows the loss to what failovers and restarts
/// together can lose. It must follow the write on the same connection, which
/// ``RedisClient/execute(_:followedBy:)`` does: one write for both, to the node that takes the
/// write even on a cluster (where ``RedisClient/execute(_:_:)`` would send the keyless `WAIT`
/// to a node of its own choosing).
public struct WAIT: RedisCommand {
    public typealias Response = Int
    public static var name: RedisCommandName { "WAIT" }
    /// How many replicas must acknowledge.
    public var replicas: Int
    /// How long the server waits at most; `.zero` waits for ever (Redis's `0`).
    public var timeout: Duration
    /// Waits for `replicas` acknowledgements, at most `timeout` (rounded up to milliseconds).
    public init(replicas: Int, timeout: Duration) {
        self.replicas = replicas
        self.timeout = timeout
    }
    public func encode(into encoder: inout RESPCommandEncoder) {
        let (seconds, attoseconds) = timeout.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        encoder.encodeCommand(Self.name, replicas, Int(milliseconds))
    }
}
