import Foundation
import NIOCore

/// Encodes a Swift `Encodable` as the Python value Django would have stored, and pickles it.
///
/// A struct or a dictionary with `String` keys becomes a `dict` with str keys (in the order the
/// keys were encoded), an array a `list`, `nil` `None`, `Int`s `int`, `Double`/`Float` `float`,
/// `String` `str`, `Bool` `bool`; and `Data` becomes `bytes`, `Date` an aware UTC
/// `datetime.datetime` (Django's `USE_TZ = True`), `Decimal` a `decimal.Decimal`, `UUID` a
/// `uuid.UUID`. A `Set` encodes as a list, as `Codable` hands it over.
///
/// ```swift
/// let bytes = try PickleEncoder().encode(cart, protocol: Pickle.highestProtocol)
/// ```
public struct PickleEncoder: Sendable {
    /// An encoder.
    public init() {}

    /// `value` as a ``PickleValue``.
    ///
    /// - Throws: `EncodingError` if `value`'s `encode(to:)` does (or encodes nothing at the top).
    public func encodeValue(_ value: some Encodable) throws -> PickleValue {
        try PickleEncoding.box(value, codingPath: [])
    }

    /// `value` pickled at `protocol` (2 to 5; 5 as Django's `RedisCache` writes).
    public func encode(_ value: some Encodable, protocol version: Int = Pickle.highestProtocol) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try encode(value, protocol: version, into: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// `value` pickled at `protocol`, appended to `buffer` (left as it was if this throws).
    ///
    /// The opcodes are written as `encode(to:)` runs. A value the stream cannot follow (a nested
    /// or super container, a key encoded twice, a pickle of 64 KiB or more), or whose encoding
    /// throws, is encoded again through a ``PickleValue``, so its `encode(to:)` runs twice; the
    /// bytes, or the error, are the same either way.
    public func encode(_ value: some Encodable, protocol version: Int = Pickle.highestProtocol, into buffer: inout ByteBuffer) throws {
        let start = buffer.writerIndex
        do {
            try PickleStreamEncoder.encode(value, protocol: version, into: &buffer)
        } catch {
            // The tree encoder gives the bytes, or the error, that this encoder always gave.
            buffer.moveWriterIndex(to: start)
            try Pickle.encode(encodeValue(value), protocol: version, into: &buffer)
        }
    }
}

/// The `Encoder` machinery: containers are reference boxes filled by `encode(to:)` and turned
/// into ``PickleValue``s when it returns.
enum PickleEncoding {
    /// What an encoder or container holds while `encode(to:)` runs.
    enum Slot {
        case value(PickleValue)
        case list(ListBox)
        case dict(DictBox)

        var finished: PickleValue {
            switch self {
            case .value(let value): return value
            case .list(let box): return .list(box.items.map(\.finished))
            case .dict(let box): return .dict(zip(box.keys, box.values).map { PickleValue.Pair(.string($0), $1.finished) })
            }
        }
    }

    final class ListBox {
        var items: [Slot] = []
    }

    final class DictBox {
        var keys: [String] = []
        var values: [Slot] = []
        var positions: [String: Int] = [:]

        /// Sets `key`, keeping its first position if encoded again (as a Python dict does).
        func set(_ key: String, _ slot: Slot) {
            if let position = positions[key] {
                values[position] = slot
            } else {
                positions[key] = keys.count
                keys.append(key)
                values.append(slot)
            }
        }
    }

    /// `value` as a finished Python value, the Foundation types in their Python forms.
    static func box(_ value: some Encodable, codingPath: [any CodingKey]) throws -> PickleValue {
        try slot(value, codingPath: codingPath).finished
    }

    static func slot(_ value: some Encodable, codingPath: [any CodingKey]) throws -> Slot {
        switch value {
        case let pickle as PickleValue: return .value(pickle)
        case let date as Date: return .value(.datetime(PickleDateTime(date)))
        case let data as Data: return .value(.bytes([UInt8](data)))
        case let decimal as Decimal: return .value(.decimal(decimal.description))
        case let uuid as UUID: return .value(.uuid(uuid))
        case let url as URL: return .value(.string(url.absoluteString))
        default:
            let encoder = Encoder(codingPath: codingPath)
            try value.encode(to: encoder)
            guard let slot = encoder.slot else {
                throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "\(type(of: value)) encoded nothing"))
            }
            return slot
        }
    }

    final class Encoder: Swift.Encoder {
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        var slot: Slot?

        init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let box: DictBox
            if case .dict(let existing) = slot {
                box = existing
            } else {
                box = DictBox()
                slot = .dict(box)
            }
            return KeyedEncodingContainer(KeyedContainer<Key>(box: box, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let box: ListBox
            if case .list(let existing) = slot {
                box = existing
            } else {
                box = ListBox()
                slot = .list(box)
            }
            return UnkeyedContainer(box: box, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: DictBox
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { box.set(key.stringValue, .value(.none)) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { box.set(key.stringValue, .value(.bool(value))) }
        mutating func encode(_ value: String, forKey key: Key) throws { box.set(key.stringValue, .value(.string(value))) }
        mutating func encode(_ value: Double, forKey key: Key) throws { box.set(key.stringValue, .value(.float(value))) }
        mutating func encode(_ value: Int, forKey key: Key) throws { box.set(key.stringValue, .value(.int(value))) }
        mutating func encode(_ value: some Encodable, forKey key: Key) throws {
            box.set(key.stringValue, try PickleEncoding.slot(value, codingPath: codingPath + [key]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = DictBox()
            box.set(key.stringValue, .dict(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ListBox()
            box.set(key.stringValue, .list(nested))
            return UnkeyedContainer(box: nested, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Swift.Encoder {
            DeferredEncoder(codingPath: codingPath + [StringKey(stringValue: "super")]) { [box] slot in box.set("super", slot) }
        }

        mutating func superEncoder(forKey key: Key) -> any Swift.Encoder {
            DeferredEncoder(codingPath: codingPath + [key]) { [box] slot in box.set(key.stringValue, slot) }
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let box: ListBox
        let codingPath: [any CodingKey]
        var count: Int { box.items.count }

        private var nextKey: any CodingKey { IndexKey(intValue: box.items.count) }

        mutating func encodeNil() throws { box.items.append(.value(.none)) }
        mutating func encode(_ value: Bool) throws { box.items.append(.value(.bool(value))) }
        mutating func encode(_ value: String) throws { box.items.append(.value(.string(value))) }
        mutating func encode(_ value: Double) throws { box.items.append(.value(.float(value))) }
        mutating func encode(_ value: Int) throws { box.items.append(.value(.int(value))) }
        mutating func encode(_ value: some Encodable) throws {
            box.items.append(try PickleEncoding.slot(value, codingPath: codingPath + [nextKey]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = DictBox()
            let path = codingPath + [nextKey]
            box.items.append(.dict(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: path))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ListBox()
            let path = codingPath + [nextKey]
            box.items.append(.list(nested))
            return UnkeyedContainer(box: nested, codingPath: path)
        }

        mutating func superEncoder() -> any Swift.Encoder {
            let index = box.items.count
            box.items.append(.value(.none))
            return DeferredEncoder(codingPath: codingPath + [IndexKey(intValue: index)]) { [box] slot in box.items[index] = slot }
        }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let encoder: Encoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        func encodeNil() throws { encoder.slot = .value(.none) }
        func encode(_ value: Bool) throws { encoder.slot = .value(.bool(value)) }
        func encode(_ value: String) throws { encoder.slot = .value(.string(value)) }
        func encode(_ value: Double) throws { encoder.slot = .value(.float(value)) }
        func encode(_ value: Float) throws { encoder.slot = .value(.float(Double(value))) }
        func encode(_ value: Int) throws { encoder.slot = .value(.int(value)) }
        func encode(_ value: Int8) throws { encoder.slot = .value(.int(Int(value))) }
        func encode(_ value: Int16) throws { encoder.slot = .value(.int(Int(value))) }
        func encode(_ value: Int32) throws { encoder.slot = .value(.int(Int(value))) }
        func encode(_ value: Int64) throws { encoder.slot = .value(.int(Int(value))) }
        func encode(_ value: UInt8) throws { encoder.slot = .value(.int(Int(value))) }
        func encode(_ value: UInt16) throws { encoder.slot = .value(.int(Int(value))) }
        func encode(_ value: UInt32) throws { encoder.slot = .value(.int(Int(value))) }
        func encode(_ value: UInt) throws { encoder.slot = .value(Self.unsigned(UInt64(value))) }
        func encode(_ value: UInt64) throws { encoder.slot = .value(Self.unsigned(value)) }
        func encode(_ value: some Encodable) throws { encoder.slot = try PickleEncoding.slot(value, codingPath: codingPath) }

        /// An unsigned value beyond `Int.max` is a Python int all the same.
        private static func unsigned(_ value: UInt64) -> PickleValue {
            if let small = Int(exactly: value) { return .int(small) }
            return .bigInt(PickleBigInt(twosComplementLittleEndian: withUnsafeBytes(of: value.littleEndian) { Array($0) } + [0]))
        }
    }

    /// A `superEncoder`: stores what was encoded into its parent when it is released.
    final class DeferredEncoder: Swift.Encoder {
        let inner: Encoder
        let store: (Slot) -> Void
        var codingPath: [any CodingKey] { inner.codingPath }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(codingPath: [any CodingKey], store: @escaping (Slot) -> Void) {
            self.inner = Encoder(codingPath: codingPath)
            self.store = store
        }

        deinit { store(inner.slot ?? .value(.none)) }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { inner.container(keyedBy: type) }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { inner.unkeyedContainer() }
        func singleValueContainer() -> any SingleValueEncodingContainer { inner.singleValueContainer() }
    }

    /// A key known only by its name (`super`).
    struct StringKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The coding key of an array element.
    struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}
