import NIOCore
import LarderRESP
// Redis's list group. The library writes no list; the keyspace inspector reads the lists that
// another program sharing the server wrote.

/// `LLEN key`: the number of elements of the value under `key`, 0 when the key does not exist.
public struct LLEN: ReadOnlyCommand {
    public typealias Response = Int
    public static var name: RedisCommandName { "LLEN" }
    /// The key measured.
    public var key: RedisKey
    /// Counts the elements of `key`'s value.
    public init(_ key: RedisKey) { self.key = key }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key) }
}

/// `LRANGE key start stop`: the elements from `start` to `stop`, both inclusive (`-1` is the
/// last), read raw.
public struct LRANGE: ReadOnlyCommand {
    public typealias Response = RESPToken
    public static var name: RedisCommandName { "LRANGE" }
    /// The key read.
    public var key: RedisKey
    /// The first element's index.
    public var start: Int
    /// The last element's index, inclusive; `-1` is the last element.
    public var stop: Int
    /// Reads elements `start...stop` of the list under `key`.
    public init(_ key: RedisKey, start: Int, stop: Int) {
        self.key = key
        self.start = start
        self.stop = stop
    }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key, start, stop) }
}
