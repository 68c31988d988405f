import LarderRESP
import LarderRedis
// Reads of the collection types (list, hash, set, sorted set, stream): how many elements, and
// the first few, which is all a keyspace browser shows of them. Nothing this workspace writes
// is a collection; another program sharing the server may write them.

/// The number of elements of a collection: `LLEN`, `HLEN`, `SCARD`, `ZCARD` or `XLEN`,
/// chosen by the key's type.
public struct ElementCount: ReadOnlyCommand {
    public typealias Response = Int
    /// The key measured.
    public var key: RedisKey
    /// The command for its type, e.g. `LLEN`.
    public let name: String

    /// Counts the elements of `key`, which holds a value of `type` (as `TYPE` names it), or
    /// returns `nil` for a type that is not a collection.
    public init?(_ key: RedisKey, type: String) {
        guard let name = Self.commands[type] else { return nil }
        self.key = key
        self.name = name
    }

    static let commands = ["list": "LLEN", "hash": "HLEN", "set": "SCARD", "zset": "ZCARD", "stream": "XLEN"]

    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(name, key) }
}

/// The first `limit` elements of a collection, one read for its type: `LRANGE 0 n-1`,
/// `HSCAN 0 COUNT n`, `SSCAN 0 COUNT n`, `ZRANGE 0 n-1 WITHSCORES` or `XRANGE - + COUNT n`.
/// The reply is read raw (``RESPToken``): the shapes differ by type.
public struct ElementSample: ReadOnlyCommand {
    public typealias Response = RESPToken
    /// The key read.
    public var key: RedisKey
    /// The key's type, as `TYPE` names it.
    public let type: String
    /// How many elements to read, at most (`HSCAN` and `SSCAN` take it as a hint).
    public var limit: Int

    /// Reads up to `limit` elements of `key`, which holds a value of `type`, or returns `nil`
    /// for a type that is not a collection.
    public init?(_ key: RedisKey, type: String, limit: Int) {
        guard ElementCount.commands[type] != nil else { return nil }
        self.key = key
        self.type = type
        self.limit = max(1, limit)
    }

    public var name: String {
        switch type {
        case "list": "LRANGE"
        case "hash": "HSCAN"
        case "set": "SSCAN"
        case "zset": "ZRANGE"
        default: "XRANGE"
        }
    }
    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) {
        switch type {
        case "list": encoder.encodeCommand("LRANGE", key, 0, limit - 1)
        case "hash": encoder.encodeCommand("HSCAN", key, "0", "COUNT", limit)
        case "set": encoder.encodeCommand("SSCAN", key, "0", "COUNT", limit)
        case "zset": encoder.encodeCommand("ZRANGE", key, 0, limit - 1, "WITHSCORES")
        default: encoder.encodeCommand("XRANGE", key, "-", "+", "COUNT", limit)
        }
    }
}
