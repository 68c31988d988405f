import NIOCore
import LarderRESP
// Redis's string group: what the cache chapters use, and the keyspace inspector's bounded reads
// (a length and a slice, so that describing a key never pulls a 512 MiB value over the socket).
// Values are bytes (`ByteBuffer`): the cache layer decides how they are serialised.

/// `GET key`: the value, or `nil` when the key does not exist.
public struct GET: ReadOnlyCommand {
    public typealias Response = ByteBuffer?
    /// The key to read.
    public var key: RedisKey
    /// Reads `key`.
    public init(_ key: RedisKey) { self.key = key }
    public static var name: RedisCommandName { "GET" }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) {
        encoder.encodeCommandHead("GET", count: 2)
        key.encode(into: &encoder)
    }
}

/// `SET key value [NX|XX] [EX s|PX ms|KEEPTTL]`: `true` when written, `false` when a
/// condition (`NX`, `XX`) prevented it.
public struct SET<Value: RESPRenderable>: RedisCommand {
    /// Only set the key if it does not exist (`NX`) or only if it does (`XX`).
    public enum Condition: String, Sendable {
        case ifNotExists = "NX"
        case ifExists = "XX"
    }

    /// How long the key lives.
    public enum Expiration: Sendable, Hashable {
        /// `EX seconds`.
        case seconds(Int)
        /// `PX milliseconds`.
        case milliseconds(Int)
        /// `KEEPTTL`: keep the key's current time to live.
        case keepTTL
    }

    public typealias Response = SetResult
    /// The key to write.
    public var key: RedisKey
    /// The value, as the bytes of a bulk string.
    public var value: Value
    /// `NX` or `XX`, or `nil` to write unconditionally.
    public var condition: Condition?
    /// The key's expiry, or `nil` for none (an existing TTL is dropped).
    public var expiration: Expiration?

    /// Writes `value` under `key`, if `condition` allows, expiring as `expiration` says.
    public init(_ key: RedisKey, _ value: Value, condition: Condition? = nil, expiration: Expiration? = nil) {
        self.key = key
        self.value = value
        self.condition = condition
        self.expiration = expiration
    }

    public static var name: RedisCommandName { "SET" }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) {
        // Written out rather than through `encodeCommand`: the cache's and the sessions' most
        // frequent command (see `RESPCommandEncoder.encodeCommandHead`).
        let expirationEntries: Int
        switch expiration {
        case .seconds, .milliseconds: expirationEntries = 2
        case .keepTTL: expirationEntries = 1
        case nil: expirationEntries = 0
        }
        // `value` counts its own entries: a generic `RESPRenderable` may write none (a nil
        // optional) or several (an array), and the header must say what follows.
        encoder.encodeCommandHead("SET", count: 2 + value.respEntries + (condition == nil ? 0 : 1) + expirationEntries)
        key.encode(into: &encoder)
        value.encode(into: &encoder)
        if let condition { encoder.encodeBulkString(condition.rawValue) }
        switch expiration {
        case .seconds(let seconds):
            encoder.encodeBulkString("EX")
            encoder.encodeBulkString(seconds)
        case .milliseconds(let milliseconds):
            encoder.encodeBulkString("PX")
            encoder.encodeBulkString(milliseconds)
        case .keepTTL:
            encoder.encodeBulkString("KEEPTTL")
        case nil:
            break
        }
    }
}

/// `MGET key...`: one value (or `nil`) per key, in order.
public struct MGET: ReadOnlyCommand {
    public typealias Response = [ByteBuffer?]
    /// The keys to read, in the order of the reply.
    public var keys: [RedisKey]
    /// Reads `keys`.
    public init(_ keys: [RedisKey]) { self.keys = keys }
    public static var name: RedisCommandName { "MGET" }
    public var keysAffected: [RedisKey] { keys }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, keys) }
}

/// `MSET key value [key value ...]`: sets every pair at once (no expiry).
public struct MSET<Value: RESPRenderable>: RedisCommand {
    public typealias Response = String
    /// The keys and values to write.
    public var pairs: [(key: RedisKey, value: Value)]
    /// Writes every pair.
    public init(_ pairs: [(key: RedisKey, value: Value)]) { self.pairs = pairs }
    public static var name: RedisCommandName { "MSET" }
    public var keysAffected: LazyMapCollection<[(key: RedisKey, value: Value)], RedisKey> { pairs.lazy.map(\.key) }
    public func encode(into encoder: inout RESPCommandEncoder) {
        encoder.encodeArrayHeader(count: Self.name.respEntries + pairs.count * 2)
        Self.name.encode(into: &encoder)
        for pair in pairs {
            pair.key.encode(into: &encoder)
            pair.value.encode(into: &encoder)
        }
    }
}

/// `INCRBY key delta`: the new value. Fails with an error reply if the value is not an integer.
public struct INCRBY: RedisCommand {
    public typealias Response = Int
    /// The counter's key.
    public var key: RedisKey
    /// What to add (may be negative).
    public var delta: Int
    /// Adds `delta` to the integer under `key` (a missing key counts as 0).
    public init(_ key: RedisKey, by delta: Int = 1) {
        self.key = key
        self.delta = delta
    }
    public static var name: RedisCommandName { "INCRBY" }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key, delta) }
}

/// `DECRBY key delta`: the new value.
public struct DECRBY: RedisCommand {
    public typealias Response = Int
    /// The counter's key.
    public var key: RedisKey
    /// What to subtract.
    public var delta: Int
    /// Subtracts `delta` from the integer under `key` (a missing key counts as 0).
    public init(_ key: RedisKey, by delta: Int = 1) {
        self.key = key
        self.delta = delta
    }
    public static var name: RedisCommandName { "DECRBY" }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key, delta) }
}

/// `STRLEN key`: the length of the string value in bytes, 0 when the key does not exist.
public struct STRLEN: ReadOnlyCommand {
    public typealias Response = Int
    /// The key measured.
    public var key: RedisKey
    /// Measures `key`'s value.
    public init(_ key: RedisKey) { self.key = key }
    public static var name: RedisCommandName { "STRLEN" }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key) }
}

/// `GETRANGE key start end`: the bytes of the string value from `start` to `end`, both
/// inclusive (an empty string when the key does not exist).
public struct GETRANGE: ReadOnlyCommand {
    public typealias Response = ByteBuffer
    /// The key read.
    public var key: RedisKey
    /// The first byte's offset.
    public var start: Int
    /// The last byte's offset, inclusive; `-1` is the last byte of the value.
    public var end: Int
    /// Reads bytes `start...end` of `key`'s value.
    public init(_ key: RedisKey, start: Int, end: Int) {
        self.key = key
        self.start = start
        self.end = end
    }
    public static var name: RedisCommandName { "GETRANGE" }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key, start, end) }
}
