import NIOCore
import LarderRESP
// String commands the cache chapters use, each knowing its keys. Values are bytes
// (`ByteBuffer`): the cache layer decides how they are serialised.

/// `GET key`: the value, or `nil` when the key does not exist.
public struct GET: RedisCommand {
    public typealias Response = ByteBuffer?
    /// The key to read.
    public var key: RedisKey
    /// Reads `key`.
    public init(_ key: RedisKey) { self.key = key }
    public var name: String { "GET" }
    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("GET", key) }
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

    public var name: String { "SET" }
    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) {
        switch expiration {
        case .seconds(let seconds): encoder.encodeCommand("SET", key, value, condition?.rawValue, "EX", seconds)
        case .milliseconds(let milliseconds): encoder.encodeCommand("SET", key, value, condition?.rawValue, "PX", milliseconds)
        case .keepTTL: encoder.encodeCommand("SET", key, value, condition?.rawValue, "KEEPTTL")
        case nil: encoder.encodeCommand("SET", key, value, condition?.rawValue)
        }
    }
}

/// `MGET key...`: one value (or `nil`) per key, in order.
public struct MGET: RedisCommand {
    public typealias Response = [ByteBuffer?]
    /// The keys to read, in the order of the reply.
    public var keys: [RedisKey]
    /// Reads `keys`.
    public init(_ keys: [RedisKey]) { self.keys = keys }
    public var name: String { "MGET" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("MGET", keys) }
}

/// `MSET key value [key value ...]`: sets every pair at once (no expiry).
public struct MSET<Value: RESPRenderable>: RedisCommand {
    public typealias Response = String
    /// The keys and values to write.
    public var pairs: [(key: RedisKey, value: Value)]
    /// Writes every pair.
    public init(_ pairs: [(key: RedisKey, value: Value)]) { self.pairs = pairs }
    public var name: String { "MSET" }
    public var keys: [RedisKey] { pairs.map(\.key) }
    public func encode(into encoder: inout RESPCommandEncoder) {
        encoder.encodeArrayHeader(count: 1 + pairs.count * 2)
        "MSET".encode(into: &encoder)
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
    public var name: String { "INCRBY" }
    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("INCRBY", key, delta) }
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
    public var name: String { "DECRBY" }
    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("DECRBY", key, delta) }
}

/// `DEL key...`: how many keys were deleted.
public struct DEL: RedisCommand {
    public typealias Response = Int
    /// The keys to delete.
    public var keys: [RedisKey]
    /// Deletes `keys`.
    public init(_ keys: [RedisKey]) { self.keys = keys }
    public var name: String { "DEL" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("DEL", keys) }
}

/// `EXISTS key...`: how many of the keys exist.
public struct EXISTS: RedisCommand {
    public typealias Response = Int
    /// The keys to look for.
    public var keys: [RedisKey]
    /// Counts which of `keys` exist.
    public init(_ keys: [RedisKey]) { self.keys = keys }
    public var name: String { "EXISTS" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("EXISTS", keys) }
}

/// `PEXPIRE key milliseconds`: `true` if the key exists. A timeout of zero (or less) deletes
/// the key; a fraction of a millisecond rounds up, so a key never expires early; a timeout
/// beyond what Redis accepts is capped at `Int64.max` milliseconds.
public struct EXPIRE: RedisCommand {
    public typealias Response = Bool
    /// The key to expire.
    public var key: RedisKey
    /// How long from now until the key expires.
    public var timeout: Duration
    /// Expire `key` after `timeout`.
    public init(_ key: RedisKey, after timeout: Duration) {
        self.key = key
        self.timeout = timeout
    }
    public var name: String { "PEXPIRE" }
    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) {
        encoder.encodeCommand("PEXPIRE", key, Self.milliseconds(timeout))
    }

    /// `timeout` in whole milliseconds, rounded up, without overflowing.
    static func milliseconds(_ timeout: Duration) -> Int {
        let (seconds, attoseconds) = timeout.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int.max }
        let fraction = attoseconds / 1_000_000_000_000_000 + (attoseconds % 1_000_000_000_000_000 > 0 ? 1 : 0)
        let (total, overflow2) = whole.addingReportingOverflow(fraction)
        return overflow2 ? Int.max : Int(total)
    }
}

/// `PERSIST key`: removes the expiry; `true` if the key had one.
public struct PERSIST: RedisCommand {
    public typealias Response = Bool
    /// The key whose expiry is removed.
    public var key: RedisKey
    /// Makes `key` persistent.
    public init(_ key: RedisKey) { self.key = key }
    public var name: String { "PERSIST" }
    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("PERSIST", key) }
}

/// `PTTL key`: the remaining time to live.
public struct PTTL: RedisCommand {
    public typealias Response = TimeToLive
    /// The key to ask about.
    public var key: RedisKey
    /// Reads `key`'s remaining time to live.
    public init(_ key: RedisKey) { self.key = key }
    public var name: String { "PTTL" }
    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("PTTL", key) }
}
