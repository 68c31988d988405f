import Foundation
import NIOCore

/// Decodes a Swift `Decodable` from a pickle, the inverse of ``PickleEncoder``.
///
/// A `dict` with str keys decodes as a struct or a `[String: T]`; a `list`, `tuple`, `set` or
/// `frozenset` as an array; `None` as `nil`; an `int` as any integer type it fits or as a
/// `Double` (as Python's `float(n)`); `bytes` as `Data`; a `datetime.datetime` as a `Date`
/// (aware at its offset, naive taken as UTC); `decimal.Decimal` as `Decimal`; `uuid.UUID` as
/// `UUID`. Anything else is a `DecodingError` naming the path and what the pickle held.
///
/// ```swift
/// let session = try PickleDecoder().decode([String: String].self, from: bytes)
/// ```
public struct PickleDecoder: Sendable {
    /// The bounds the reader holds the input to.
    public var limits: PickleLimits

    /// A decoder with `limits` (the defaults unless given).
    public init(limits: PickleLimits = PickleLimits()) { self.limits = limits }

    /// A `T` from an already decoded ``PickleValue``.
    public func decode<T: Decodable>(_ type: T.Type, from value: PickleValue) throws -> T {
        try PickleDecoding.unbox(type, from: value, codingPath: [])
    }

    /// A `T` from pickled bytes.
    ///
    /// - Throws: ``PickleError`` if the bytes are not a pickle this reader accepts, `DecodingError` if the value is not a `T`.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBytes { raw in try decode(type, from: raw) }
    }

    /// A `T` from the pickle in `buffer`'s readable bytes, read in place.
    public func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        try buffer.withUnsafeReadableBytes { raw in try decode(type, from: raw) }
    }

    /// Reads the pickle into the reader's nodes and decodes `T` from them, with no ``PickleValue``
    /// built for its containers. Where that fails, `T` is decoded again from the materialised
    /// value, so the error (or, for a type that wants a container as a ``PickleValue``, the
    /// result) is the tree decoder's; `init(from:)` then runs twice.
    private func decode<T: Decodable>(_ type: T.Type, from raw: UnsafeRawBufferPointer) throws -> T {
        var reader = PickleReader(bytes: raw, limits: limits)
        let result = try reader.runToResult()
        try reader.check(result)
        do {
            return try PickleNodeDecoding(nodes: reader.nodes).unbox(type, from: result, path: { [] })
        } catch {
            return try decode(type, from: try reader.materialize(result))
        }
    }
}

/// The `Decoder` machinery over a finished ``PickleValue``.
enum PickleDecoding {
    static func unbox<T: Decodable>(_ type: T.Type, from value: PickleValue, codingPath: [any CodingKey]) throws -> T {
        func mismatch(_ expected: String) -> DecodingError {
            .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(kind(of: value))"))
        }
        // `T` is the Foundation type just compared with, so the cast cannot fail.
        func cast(_ result: Any) throws -> T {
            guard let typed = result as? T else { throw mismatch("\(type)") }
            return typed
        }
        if type == PickleValue.self { return try cast(value) }
        if type == Date.self {
            guard case .datetime(let datetime) = value else { throw mismatch("a datetime.datetime") }
            return try cast(datetime.dateValue)
        }
        if type == Data.self {
            guard case .bytes(let bytes) = value else { throw mismatch("bytes") }
            return try cast(Data(bytes))
        }
        if type == Decimal.self {
            let decimal: Decimal?
            switch value {
            case .decimal(let text): decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
            case .int(let number): decimal = Decimal(number)
            default: throw mismatch("a decimal.Decimal")
            }
            guard let decimal else { throw mismatch("a finite decimal.Decimal") }
            return try cast(decimal)
        }
        if type == UUID.self {
            guard case .uuid(let uuid) = value else { throw mismatch("a uuid.UUID") }
            return try cast(uuid)
        }
        return try T(from: Decoder(value: value, codingPath: codingPath))
    }

    /// The Python type name of `value`, for error messages.
    static func kind(of value: PickleValue) -> String {
        switch value {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .set: return "set"
        case .frozenset: return "frozenset"
        case .datetime: return "datetime.datetime"
        case .date: return "datetime.date"
        case .time: return "datetime.time"
        case .timedelta: return "datetime.timedelta"
        case .decimal: return "decimal.Decimal"
        case .uuid: return "uuid.UUID"
        }
    }

    struct Decoder: Swift.Decoder {
        let value: PickleValue
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard let dictionary = value.stringKeyedDictionary else {
                throw DecodingError.typeMismatch(
                    [String: Any].self, .init(codingPath: codingPath, debugDescription: "expected a dict with str keys, found \(kind(of: value))")
                )
            }
            return KeyedDecodingContainer(KeyedContainer<Key>(values: dictionary, codingPath: codingPath))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            switch value {
            case .list(let items), .tuple(let items), .set(let items), .frozenset(let items):
                return UnkeyedContainer(items: items, codingPath: codingPath)
            default:
                throw DecodingError.typeMismatch(
                    [Any].self, .init(codingPath: codingPath, debugDescription: "expected a list, tuple or set, found \(kind(of: value))")
                )
            }
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleContainer(value: value, codingPath: codingPath) }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let values: [String: PickleValue]
        let codingPath: [any CodingKey]
        var allKeys: [Key] { values.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { values[key.stringValue] != nil }

        private func value(for key: Key) throws -> PickleValue {
            guard let value = values[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no key '\(key.stringValue)' in the dict"))
            }
            return value
        }

        func decodeNil(forKey key: Key) throws -> Bool { try value(for: key) == .none }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try PickleDecoding.unbox(type, from: try value(for: key), codingPath: codingPath + [key])
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try Decoder(value: try value(for: key), codingPath: codingPath + [key]).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try Decoder(value: try value(for: key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        func superDecoder() throws -> any Swift.Decoder {
            Decoder(value: values["super"] ?? .none, codingPath: codingPath + [PickleEncoding.StringKey(stringValue: "super")])
        }

        func superDecoder(forKey key: Key) throws -> any Swift.Decoder {
            Decoder(value: values[key.stringValue] ?? .none, codingPath: codingPath + [key])
        }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let items: [PickleValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        private mutating func next<T>(_ type: T.Type) throws -> (PickleValue, [any CodingKey]) {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(type, .init(codingPath: codingPath, debugDescription: "the sequence has only \(items.count) elements"))
            }
            let path = codingPath + [PickleEncoding.IndexKey(intValue: currentIndex)]
            currentIndex += 1
            return (items[currentIndex - 1], path)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, items[currentIndex] == .none else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (value, path) = try next(type)
            return try PickleDecoding.unbox(type, from: value, codingPath: path)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            let (value, path) = try next([String: Any].self)
            return try Decoder(value: value, codingPath: path).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let (value, path) = try next([Any].self)
            return try Decoder(value: value, codingPath: path).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Swift.Decoder {
            let (value, path) = try next(Any.self)
            return Decoder(value: value, codingPath: path)
        }
    }

    struct SingleContainer: SingleValueDecodingContainer {
        let value: PickleValue
        let codingPath: [any CodingKey]

        private func mismatch<T>(_ type: T.Type, _ expected: String) -> DecodingError {
            .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(kind(of: value)) \(value)"))
        }

        func decodeNil() -> Bool { value == .none }

        func decode(_ type: Bool.Type) throws -> Bool {
            guard case .bool(let flag) = value else { throw mismatch(type, "a bool") }
            return flag
        }

        func decode(_ type: String.Type) throws -> String {
            guard case .string(let text) = value else { throw mismatch(type, "a str") }
            return text
        }

        func decode(_ type: Double.Type) throws -> Double {
            guard let number = value.doubleValue else { throw mismatch(type, "a float or an int") }
            return number
        }

        func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

        private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
            switch value {
            case .int(let number):
                guard let exact = T(exactly: number) else { throw mismatch(type, "an int that fits \(type)") }
                return exact
            case .bigInt(let number):
                // Only unsigned 64-bit types can hold an int beyond Int64 (up to 2**64 - 1).
                let bytes = number.twosComplementLittleEndian
                guard !number.isNegative, bytes.count <= 9, T.bitWidth >= 64, !T.isSigned else { throw mismatch(type, "an int that fits \(type)") }
                var magnitude: UInt64 = 0
                for (index, byte) in bytes.prefix(8).enumerated() { magnitude |= UInt64(byte) << (8 * index) }
                guard let exact = T(exactly: magnitude) else { throw mismatch(type, "an int that fits \(type)") }
                return exact
            default:
                throw mismatch(type, "an int")
            }
        }

        func decode(_ type: Int.Type) throws -> Int { try integer(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try PickleDecoding.unbox(type, from: value, codingPath: codingPath) }
    }
}
