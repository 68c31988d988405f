import NIOCore
import LarderRESP
// Redis's stream group. The library writes no stream; the keyspace inspector reads the streams
// that another program sharing the server wrote.

/// `XLEN key`: the number of entries of the value under `key`, 0 when the key does not exist.
public struct XLEN: ReadOnlyCommand {
    public typealias Response = Int
    public static var name: RedisCommandName { "XLEN" }
    /// The key measured.
    public var key: RedisKey
    /// Counts the entries of `key`'s value.
    public init(_ key: RedisKey) { self.key = key }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key) }
}

/// `XRANGE key start end [COUNT n]`: the entries with ids from `start` to `end` (`-` and `+`
/// for the first and the last), oldest first, read raw as `[[id, [field, value...]]...]`.
public struct XRANGE: ReadOnlyCommand {
    public typealias Response = RESPToken
    public static var name: RedisCommandName { "XRANGE" }
    /// The key read.
    public var key: RedisKey
    /// The first id, `-` for the oldest entry.
    public var start: String
    /// The last id, inclusive, `+` for the newest entry.
    public var end: String
    /// At most this many entries, or `nil` for all.
    public var count: Int?
    /// Reads the entries `start...end` of the stream under `key`, at most `count` of them.
    public init(_ key: RedisKey, start: String = "-", end: String = "+", count: Int? = nil) {
        self.key = key
        self.start = start
        self.end = end
        self.count = count
    }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) {
        let countArguments: [String]? = count.map { ["COUNT", String($0)] }
        encoder.encodeCommand(Self.name, key, start, end, countArguments)
    }
}
