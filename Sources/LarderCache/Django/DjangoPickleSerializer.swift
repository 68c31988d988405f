import Foundation
import LarderPickle
import NIOCore
import NIOFoundationCompat

/// Values as Django's Redis cache backends store them: an integer as its ASCII digits (so that
/// `INCR` counts it), anything else as a Python pickle. A Django app on the same Redis, with
/// the same key prefix, version and database, reads what this cache writes and the other way
/// round:
///
/// | Django backend | pickle protocol | integers as digits |
/// |---|---|---|
/// | `django.core.cache.backends.redis.RedisCache` (Django ≥ 4.0) | 5 (`HIGHEST_PROTOCOL`) | exact `int`s (`type(v) is int`) |
/// | django-redis, `PickleSerializer` | 4 (`DEFAULT_PROTOCOL`), or `PICKLE_VERSION` | `int`s, not `bool`s |
/// | django-redis-cache (the article's backend) | 5 (`-1`, the highest) | `int`s, not `bool`s |
///
/// A Swift `Bool` is pickled (`True`), as Django pickles a `bool`. Values go through
/// ``PickleEncoder`` and ``PickleDecoder``: a struct is a `dict` with its coding keys, an array
/// a `list`, a `Date` an aware UTC `datetime`, `Data` `bytes`, `Decimal` a `decimal.Decimal`,
/// `UUID` a `uuid.UUID`. Read a value as ``PickleValue`` to take whatever Python stored
/// (`tuple`s, `set`s, `dict`s with non-string keys). Reading never runs code: a pickle that
/// names any other class, or is malformed, is a `PickleError` (the cache reports it as
/// undecodable).
///
/// ```swift
/// let configuration = try CacheConfiguration.django(location: "unix:///var/run/redis/redis.sock?db=0")
/// ```
public struct DjangoPickleSerializer: CacheSerializer {
    /// The pickle protocol values are written with (2 to 5); any is read.
    public let pickleProtocol: Int
    /// Bounds on what a read accepts (size, nesting, counts).
    public var limits: PickleLimits

    /// A serializer writing pickle protocol `pickleProtocol`: 5 for Django's own `RedisCache`
    /// and django-redis-cache, 4 for django-redis.
    ///
    /// - Precondition: `pickleProtocol` is between 2 and 5.
    public init(pickleProtocol: Int = Pickle.highestProtocol, limits: PickleLimits = PickleLimits()) {
        precondition((2...Pickle.highestProtocol).contains(pickleProtocol), "pickle protocol \(pickleProtocol) is not one of 2...\(Pickle.highestProtocol)")
        self.pickleProtocol = pickleProtocol
        self.limits = limits
    }

    /// `true`: a session or a page goes through pickle too, so that Django reads a cache-engine
    /// session as the `dict` it wrote.
    public var ownsEveryValue: Bool { true }

    public func encode<Value: Encodable>(_ value: Value) throws -> Data {
        var buffer = ByteBuffer()
        try encode(value, into: &buffer)
        return Data(buffer.readableBytesView)
    }

    public func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        try decode(type, from: ByteBuffer(data: data))
    }

    public func encode<Value: Encodable>(_ value: Value, into buffer: inout ByteBuffer) throws {
        if let digits = Self.integerDigits(value) {
            buffer.writeString(digits)
            return
        }
        if let pickle = value as? PickleValue {
            try Pickle.encode(pickle, protocol: pickleProtocol, into: &buffer)
            return
        }
        try PickleEncoder().encode(value, protocol: pickleProtocol, into: &buffer)
    }

    public func decode<Value: Decodable>(_ type: Value.Type, from buffer: ByteBuffer) throws -> Value {
        let value = try Self.pythonValue(buffer, limits: limits)
        if Value.self == PickleValue.self, let value = value as? Value { return value }
        return try PickleDecoder(limits: limits).decode(type, from: value)
    }

    /// The Python value in `buffer` as a Django backend reads it: `int(value)` first (the
    /// digits of an integer), else `pickle.loads(value)`.
    public static func pythonValue(_ buffer: ByteBuffer, limits: PickleLimits = PickleLimits()) throws(PickleError) -> PickleValue {
        if let integer = integer(in: buffer) { return integer }
        return try Pickle.decode(buffer, limits: limits)
    }

    /// The digits Django writes for an integer value (a Swift integer type, or a Python `int`
    /// given as ``PickleValue``), `nil` for anything else.
    static func integerDigits<Value>(_ value: Value) -> String? {
        if let integer = value as? any BinaryInteger { return "\(integer)" }
        switch value as? PickleValue {
        case .int(let integer): return "\(integer)"
        case .bigInt(let integer): return integer.description
        default: return nil
        }
    }

    /// Whether `value` is stored as digits: a Swift integer, or a Python `int` as ``PickleValue``.
    static func isInteger<Value>(_ value: Value) -> Bool {
        if value is any BinaryInteger { return true }
        switch value as? PickleValue {
        case .int, .bigInt: return true
        default: return false
        }
    }

    /// The integer `buffer` holds as ASCII digits (an optional `-`, then up to 4,300 digits,
    /// Python's own limit for `int()` of a string), or `nil`. A pickle starts with its `PROTO`
    /// byte, 0x80, so the two cannot be confused.
    static func integer(in buffer: ByteBuffer) -> PickleValue? {
        let bytes = buffer.readableBytesView
        guard let first = bytes.first, first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return nil }
        let digits = first == UInt8(ascii: "-") ? bytes.dropFirst() : bytes[...]
        guard !digits.isEmpty, digits.count <= 4_300, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        if let small = Int(text) { return .int(small) }
        return PickleBigInt(text).map { .bigInt($0) }
    }
}
