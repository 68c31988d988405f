import Foundation

/// The `Encoder` behind ``FastJSONCacheSerializer``: builds a ``FastJSONNode`` for a value.
///
/// One encoder serves a whole value: a nested value is encoded by this same object, with its
/// coding path and result saved and restored around it, so a nested struct costs its
/// container box and nothing else. Scalars, `Data`, `URL` and `Decimal` take fast paths that
/// never reach their own `encode(to:)`.
final class FastJSONEncoder: Encoder {
    /// What has been encoded at the current level, if anything.
    // Unchecked: saved and restored around every nested value, only by this folder's code.
    @exclusivity(unchecked) var value: FastJSONNode?
    @exclusivity(unchecked) var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey] = []) {
        self.codingPath = codingPath
    }

    func encodeTopLevel<T: Encodable>(_ value: T) throws -> FastJSONNode {
        guard let node = try box(value, depth: 0, key: FastJSONCodingKey?.none) else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values.")
            )
        }
        return node
    }

    /// `value` as a node, encoded one level below `codingPath.prefix(depth)` (at `key`, if any).
    /// Nil if it encoded nothing.
    func box<T: Encodable, Key: CodingKey>(_ value: T, depth: Int, key: Key?) throws -> FastJSONNode? {
        if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if T.self == Int.self { return .int(Int64(unsafeBitCast(value, to: Int.self))) }
        if T.self == Double.self { return try boxDouble(unsafeBitCast(value, to: Double.self), depth: depth, key: key) }
        if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        if T.self == Data.self { return .string(unsafeBitCast(value, to: Data.self).base64EncodedString()) }
        if T.self == URL.self { return .string(unsafeBitCast(value, to: URL.self).absoluteString) }
        if T.self == Decimal.self { return .number(unsafeBitCast(value, to: Decimal.self).description) }
        let savedValue = self.value
        let savedCount = codingPath.count
        self.value = nil
        codingPath.removeSubrange(depth...)
        if let key { codingPath.append(key) }
        defer {
            self.value = savedValue
            codingPath.removeSubrange(min(savedCount, codingPath.count)...)
        }
        if let direct = T.self as? any FastJSONDirectEncodable.Type {
            return try encodeDirectly(direct, value)
        }
        try value.encode(to: self)
        return self.value
    }

    /// `D` is `T`, opened from the existential metatype, so `value` is one without a cast.
    private func encodeDirectly<D: FastJSONDirectEncodable, T>(_ direct: D.Type, _ value: T) throws -> FastJSONNode {
        try unsafeBitCast(value, to: D.self).encodeDirectly(to: self)
    }

    func boxDouble<Key: CodingKey>(_ value: Double, depth: Int, key: Key?) throws -> FastJSONNode {
        guard value.isFinite else { throw nonFinite(value, depth: depth, key: key) }
        return .double(value)
    }

    func boxFloat<Key: CodingKey>(_ value: Float, depth: Int, key: Key?) throws -> FastJSONNode {
        guard value.isFinite else { throw nonFinite(value, depth: depth, key: key) }
        return .float(value)
    }

    private func nonFinite<Key: CodingKey>(_ value: some FloatingPoint & Sendable, depth: Int, key: Key?) -> EncodingError {
        EncodingError.invalidValue(
            value, EncodingError.Context(codingPath: path(depth: depth, key: key), debugDescription: "Unable to encode \(type(of: value)).\(value) directly in JSON.")
        )
    }

    /// The coding path of a container at `depth`, plus `key`: built only for an error.
    func path<Key: CodingKey>(depth: Int, key: Key?) -> [any CodingKey] {
        var path = Array(codingPath.prefix(depth))
        if let key { path.append(key) }
        return path
    }

    /// An integer as a node; every fixed-width integer up to 64 bits fits one of the two cases.
    static func box<T: FixedWidthInteger>(_ value: T) -> FastJSONNode {
        T.isSigned ? .int(Int64(truncatingIfNeeded: value)) : .uint(UInt64(truncatingIfNeeded: value))
    }

    // MARK: Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: FastJSONObjectBox
        if case .object(let existing)? = value {
            box = existing
        } else {
            box = FastJSONObjectBox()
            value = .object(box)
        }
        return KeyedEncodingContainer(FastJSONKeyedEncodingContainer<Key>(encoder: self, box: box, depth: codingPath.count))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: FastJSONArrayBox
        if case .array(let existing)? = value {
            box = existing
        } else {
            box = FastJSONArrayBox()
            value = .array(box)
        }
        return FastJSONUnkeyedEncodingContainer(encoder: self, box: box, depth: codingPath.count)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        FastJSONSingleValueEncodingContainer(encoder: self, depth: codingPath.count)
    }
}

// MARK: - Containers

struct FastJSONKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: FastJSONEncoder
    let box: FastJSONObjectBox
    /// How many keys of the encoder's coding path are this container's.
    let depth: Int

    var codingPath: [any CodingKey] { encoder.path(depth: depth, key: FastJSONCodingKey?.none) }

    private func set(_ node: FastJSONNode, _ key: Key) {
        box.members.append((key.stringValue, node))
    }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(try encoder.boxDouble(value, depth: depth, key: key), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(try encoder.boxFloat(value, depth: depth, key: key), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(FastJSONEncoder.box(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(FastJSONEncoder.box(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(FastJSONEncoder.box(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(FastJSONEncoder.box(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(FastJSONEncoder.box(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(FastJSONEncoder.box(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(FastJSONEncoder.box(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(FastJSONEncoder.box(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(FastJSONEncoder.box(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(FastJSONEncoder.box(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        // A value that encodes nothing is an empty object, as with Foundation.
        set(try encoder.box(value, depth: depth, key: key) ?? .object(FastJSONObjectBox()), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = FastJSONObjectBox()
        set(.object(nested), key)
        return KeyedEncodingContainer(FastJSONKeyedEncodingContainer<NestedKey>(encoder: nestedEncoder(key), box: nested, depth: depth + 1))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = FastJSONArrayBox()
        set(.array(nested), key)
        return FastJSONUnkeyedEncodingContainer(encoder: nestedEncoder(key), box: nested, depth: depth + 1)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(key: FastJSONCodingKey.super, stringValue: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(key: key, stringValue: key.stringValue) }

    private func superEncoder(key: any CodingKey, stringValue: String) -> any Encoder {
        let encoder = FastJSONEncoder(codingPath: encoder.path(depth: depth, key: key))
        box.members.append((stringValue, .deferred(encoder)))
        return encoder
    }

    /// A nested container outlives any call, so it gets its own encoder with its own path.
    private func nestedEncoder(_ key: Key) -> FastJSONEncoder {
        FastJSONEncoder(codingPath: encoder.path(depth: depth, key: key))
    }
}

struct FastJSONUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: FastJSONEncoder
    let box: FastJSONArrayBox
    let depth: Int

    var codingPath: [any CodingKey] { encoder.path(depth: depth, key: FastJSONCodingKey?.none) }
    var count: Int { box.values.count }
    private var nextKey: FastJSONCodingKey { FastJSONCodingKey(intValue: box.values.count) }

    mutating func encodeNil() throws { box.values.append(.null) }
    mutating func encode(_ value: Bool) throws { box.values.append(.bool(value)) }
    mutating func encode(_ value: String) throws { box.values.append(.string(value)) }
    mutating func encode(_ value: Double) throws { box.values.append(try encoder.boxDouble(value, depth: depth, key: nextKey)) }
    mutating func encode(_ value: Float) throws { box.values.append(try encoder.boxFloat(value, depth: depth, key: nextKey)) }
    mutating func encode(_ value: Int) throws { box.values.append(FastJSONEncoder.box(value)) }
    mutating func encode(_ value: Int8) throws { box.values.append(FastJSONEncoder.box(value)) }
    mutating func encode(_ value: Int16) throws { box.values.append(FastJSONEncoder.box(value)) }
    mutating func encode(_ value: Int32) throws { box.values.append(FastJSONEncoder.box(value)) }
    mutating func encode(_ value: Int64) throws { box.values.append(FastJSONEncoder.box(value)) }
    mutating func encode(_ value: UInt) throws { box.values.append(FastJSONEncoder.box(value)) }
    mutating func encode(_ value: UInt8) throws { box.values.append(FastJSONEncoder.box(value)) }
    mutating func encode(_ value: UInt16) throws { box.values.append(FastJSONEncoder.box(value)) }
    mutating func encode(_ value: UInt32) throws { box.values.append(FastJSONEncoder.box(value)) }
    mutating func encode(_ value: UInt64) throws { box.values.append(FastJSONEncoder.box(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        box.values.append(try encoder.box(value, depth: depth, key: nextKey) ?? .object(FastJSONObjectBox()))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = FastJSONObjectBox()
        let encoder = FastJSONEncoder(codingPath: encoder.path(depth: depth, key: nextKey))
        box.values.append(.object(nested))
        return KeyedEncodingContainer(FastJSONKeyedEncodingContainer<NestedKey>(encoder: encoder, box: nested, depth: depth + 1))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = FastJSONArrayBox()
        let encoder = FastJSONEncoder(codingPath: encoder.path(depth: depth, key: nextKey))
        box.values.append(.array(nested))
        return FastJSONUnkeyedEncodingContainer(encoder: encoder, box: nested, depth: depth + 1)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = FastJSONEncoder(codingPath: encoder.path(depth: depth, key: nextKey))
        box.values.append(.deferred(encoder))
        return encoder
    }
}

struct FastJSONSingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: FastJSONEncoder
    let depth: Int

    var codingPath: [any CodingKey] { encoder.path(depth: depth, key: FastJSONCodingKey?.none) }

    mutating func encodeNil() throws { encoder.value = .null }
    mutating func encode(_ value: Bool) throws { encoder.value = .bool(value) }
    mutating func encode(_ value: String) throws { encoder.value = .string(value) }
    mutating func encode(_ value: Double) throws { encoder.value = try encoder.boxDouble(value, depth: depth, key: FastJSONCodingKey?.none) }
    mutating func encode(_ value: Float) throws { encoder.value = try encoder.boxFloat(value, depth: depth, key: FastJSONCodingKey?.none) }
    mutating func encode(_ value: Int) throws { encoder.value = FastJSONEncoder.box(value) }
    mutating func encode(_ value: Int8) throws { encoder.value = FastJSONEncoder.box(value) }
    mutating func encode(_ value: Int16) throws { encoder.value = FastJSONEncoder.box(value) }
    mutating func encode(_ value: Int32) throws { encoder.value = FastJSONEncoder.box(value) }
    mutating func encode(_ value: Int64) throws { encoder.value = FastJSONEncoder.box(value) }
    mutating func encode(_ value: UInt) throws { encoder.value = FastJSONEncoder.box(value) }
    mutating func encode(_ value: UInt8) throws { encoder.value = FastJSONEncoder.box(value) }
    mutating func encode(_ value: UInt16) throws { encoder.value = FastJSONEncoder.box(value) }
    mutating func encode(_ value: UInt32) throws { encoder.value = FastJSONEncoder.box(value) }
    mutating func encode(_ value: UInt64) throws { encoder.value = FastJSONEncoder.box(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        // The value is encoded at this same level (no key), so its own containers land here.
        let node = try encoder.box(value, depth: depth, key: FastJSONCodingKey?.none) ?? .object(FastJSONObjectBox())
        encoder.value = node
    }
}
