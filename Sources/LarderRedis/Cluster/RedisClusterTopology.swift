import NIOCore
import LarderRESP
/// A cluster's layout as `CLUSTER SHARDS` reports it: which slots each shard serves, and its
/// nodes, primary first.
public struct RedisClusterTopology: RESPTokenDecodable, Sendable, Hashable {
    /// One primary with its replicas, and the slot ranges they serve.
    public struct Shard: Sendable, Hashable {
        /// The slot ranges served, e.g. `[0...5460]`; empty for a shard that serves none.
        public var slots: [ClosedRange<Int>]
        /// Every node of the shard, as reported (the primary, its replicas, failed ones too).
        public var nodes: [Node]

        /// The node serving the shard's slots: the online primary, or the one reported primary
        /// if none is online; `nil` when the shard reports none.
        public var primary: Node? {
            nodes.first { $0.role == "master" && $0.health == "online" } ?? nodes.first { $0.role == "master" }
        }

        /// The replicas reported online.
        public var replicas: [Node] { nodes.filter { $0.role != "master" && $0.health == "online" } }
    }

    /// One node of a shard.
    public struct Node: Sendable, Hashable {
        /// The node's id (40 hex characters), as `CLUSTER NODES` names it too.
        public var id: String
        /// Where clients reach it: the reported endpoint (or IP) and port.
        public var host: String
        /// The node's client port.
        public var port: Int
        /// `master` or `replica`.
        public var role: String
        /// `online`, `failed` or `loading`.
        public var health: String
    }

    /// The shards, as reported.
    public var shards: [Shard]

    /// A topology of `shards`.
    public init(shards: [Shard]) { self.shards = shards }

    /// Reads the reply of `CLUSTER SHARDS`, in RESP3 (maps) or RESP2 (flat key-value arrays).
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        guard let entries = Self.elements(token) else {
            throw RESPConversionError(expected: "the array of shards of CLUSTER SHARDS", token: token)
        }
        var shards: [Shard] = []
        for entry in entries {
            let fields = try Self.fields(entry)
            guard let slotsToken = fields["slots"], let numbers = Self.elements(slotsToken),
                let nodesToken = fields["nodes"], let nodeEntries = Self.elements(nodesToken)
            else { throw RESPConversionError(expected: "a shard with slots and nodes", token: entry) }
            let bounds = try numbers.map { (token) throws(RESPConversionError) in try Int(fromRESP: token) }
            guard bounds.count % 2 == 0 else { throw RESPConversionError(expected: "slot ranges as start-end pairs", token: slotsToken) }
            let ranges = stride(from: 0, to: bounds.count, by: 2).map { bounds[$0]...bounds[$0 + 1] }
            var nodes: [Node] = []
            for nodeEntry in nodeEntries {
                let node = try Self.fields(nodeEntry)
                func text(_ name: String) -> String? { node[name].flatMap { try? String(fromRESP: $0) } }
                guard let id = text("id"), let port = node["port"].flatMap({ try? Int(fromRESP: $0) }) else {
                    throw RESPConversionError(expected: "a node with an id and a port", token: nodeEntry)
                }
                // `endpoint` is what the cluster tells clients to use (an IP unless configured
                // otherwise); `?` or empty when the node does not know its own address.
                let endpoint = text("endpoint").flatMap { $0.isEmpty || $0 == "?" ? nil : $0 }
                nodes.append(Node(
                    id: id, host: endpoint ?? text("ip") ?? "", port: port, role: text("role") ?? "",
                    health: text("health") ?? "online"))
            }
            shards.append(Shard(slots: ranges, nodes: nodes))
        }
        self.shards = shards
    }

    /// The number of slots some shard serves; 16384 in a healthy cluster.
    public var coveredSlots: Int { shards.reduce(0) { $0 + $1.slots.reduce(0) { $0 + $1.count } } }

    private static func elements(_ token: RESPToken) -> [RESPToken]? {
        switch token.value {
        case .array(let items), .set(let items): Array(items)
        default: nil
        }
    }

    /// A map's entries by name: a RESP3 map, or RESP2's flat `[name, value, name, value...]`.
    private static func fields(_ token: RESPToken) throws(RESPConversionError) -> [String: RESPToken] {
        var fields: [String: RESPToken] = [:]
        switch token.value {
        case .map(let map):
            for pair in map { if let name = try? String(fromRESP: pair.key) { fields[name] = pair.value } }
        case .array(let items):
            let list = Array(items)
            guard list.count % 2 == 0 else { throw RESPConversionError(expected: "name-value pairs", token: token) }
            for index in stride(from: 0, to: list.count, by: 2) {
                if let name = try? String(fromRESP: list[index]) { fields[name] = list[index + 1] }
            }
        default:
            throw RESPConversionError(expected: "a map", token: token)
        }
        return fields
    }
}
