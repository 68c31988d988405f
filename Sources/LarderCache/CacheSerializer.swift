import Foundation
import NIOCore
import NIOFoundationCompat

/// Turns values into the bytes a cache stores, and back. Pluggable, so that a binary format,
/// or one another application (a Django app sharing the Redis) can read, can replace JSON.
///
/// A serializer must write an `Int` as its plain ASCII digits (`42`), so that Redis can
/// `INCRBY` it and any client can read it; ``JSONCacheSerializer`` does, since JSON writes a
/// number that way.
public protocol CacheSerializer: Sendable {
    /// The bytes for `value`.
    func encode<Value: Encodable>(_ value: Value) throws -> Data
    /// The value in `data`, read as `type`.
    func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value
    /// The bytes for `value`, appended to `buffer` (what ``RedisCache`` sends). The default
    /// goes through ``encode(_:)``; a serializer may write straight into the buffer.
    func encode<Value: Encodable>(_ value: Value, into buffer: inout ByteBuffer) throws
    /// The value in `buffer`'s readable bytes (what ``RedisCache`` receives). The default goes
    /// through ``decode(_:from:)-(_,Data)``; a serializer may read the buffer in place.
    func decode<Value: Decodable>(_ type: Value.Type, from buffer: ByteBuffer) throws -> Value
    /// Whether the cache hands this serializer every value, even one with bytes of its own
    /// (``CacheBytesRepresentable``: a cached page, a session). Default `false`; a serializer
    /// whose output another program reads (``DjangoPickleSerializer``: a Django app reads a
    /// cache-engine session as a pickled `dict`) says `true`.
    var ownsEveryValue: Bool { get }
}

extension CacheSerializer {
    public var ownsEveryValue: Bool { false }

    public func encode<Value: Encodable>(_ value: Value, into buffer: inout ByteBuffer) throws {
        buffer.writeData(try encode(value))
    }

    public func decode<Value: Decodable>(_ type: Value.Type, from buffer: ByteBuffer) throws -> Value {
        try decode(type, from: Data(buffer.readableBytesView))
    }
}

/// The default serializer: JSON of the `Codable` value (`"derington"`, `42`, `[1,2,3]`,
/// `{"a":26}`), readable with `redis-cli` and by other languages.
public struct JSONCacheSerializer: CacheSerializer {
    /// A JSON serializer with sorted keys, so equal values are stored as equal bytes.
    public init() {}

    public func encode<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    public func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        try JSONDecoder().decode(type, from: data)
    }
}
