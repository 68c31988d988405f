import NIOCore
import LarderRESP
// Redis's sorted set group. The library writes no sorted set; the keyspace inspector reads the
// sorted sets that another program sharing the server wrote.

/// `ZCARD key`: the number of members of the value under `key`, 0 when the key does not exist.
public struct ZCARD: ReadOnlyCommand {
    public typealias Response = Int
    public static var name: RedisCommandName { "ZCARD" }
    /// The key measured.
    public var key: RedisKey
    /// Counts the members of `key`'s value.
    public init(_ key: RedisKey) { self.key = key }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key) }
}

/// `ZRANGE key start stop [WITHSCORES]`: the members ranked `start` to `stop`, both inclusive
/// (`-1` is the last), read raw: with scores, RESP3 answers `[[member, score]...]` and RESP2
/// `member, score, ...`.
public struct ZRANGE: ReadOnlyCommand {
    public typealias Response = RESPToken
    public static var name: RedisCommandName { "ZRANGE" }
    /// The key read.
    public var key: RedisKey
    /// The first member's rank.
    public var start: Int
    /// The last member's rank, inclusive; `-1` is the last member.
    public var stop: Int
    /// Whether each member comes with its score.
    public var withScores: Bool
    /// Reads the members ranked `start...stop` of the sorted set under `key`.
    public init(_ key: RedisKey, start: Int, stop: Int, withScores: Bool = false) {
        self.key = key
        self.start = start
        self.stop = stop
        self.withScores = withScores
    }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) {
        encoder.encodeCommand(Self.name, key, start, stop, withScores ? "WITHSCORES" : nil)
    }
}
