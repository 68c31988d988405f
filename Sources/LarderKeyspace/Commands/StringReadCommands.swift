import NIOCore
import LarderRESP
import LarderRedis
// The string reads the inspector needs beyond GET: a value's length, and a bounded slice of it,
// so that describing a key never pulls a 512 MiB value over the socket.

/// `STRLEN key`: the length of the string value in bytes, 0 when the key does not exist.
public struct STRLEN: ReadOnlyCommand {
    public typealias Response = Int
    /// The key measured.
    public var key: RedisKey
    /// Measures `key`'s value.
    public init(_ key: RedisKey) { self.key = key }
    public var name: String { "STRLEN" }
    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("STRLEN", key) }
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
    public var name: String { "GETRANGE" }
    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("GETRANGE", key, start, end) }
}
