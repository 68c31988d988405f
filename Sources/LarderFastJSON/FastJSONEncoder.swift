import Foundation

/// The `Encoder` behind ``FastJSON/encode(_:)``: builds a ``FastJSONNode`` for a value.
///
/// One encoder serves a whole value: a nested value is encoded by this same object, with its
/// coding path and result saved and restored around it, so a nested struct costs its
/// container box and nothing else. Scalars, `Data`, `URL` and `Decimal` take fast paths that
/// never reach their own `encode(to:)`.
final class FastJSONEncoder: Encoder {
    /// What has been encoded at the current level, if anything.
    // Unchecked: saved and restored around every nested value, only by this module's code.
    @exclusivity(unchecked) var value: FastJSONNode?
    @exclusivity(unchecked) var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey] = []) {
        self.codingPath = codingPath
    }

    func encodeTopLevel<T: Encodable>(_ value: T) throws -> FastJSONNode {
        guard let node = try box(value, depth: 0) else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values.")
            )
        }
        return node
    }

    // `box` comes in two: with a key (a member or an element) and without (a top-level or
    // single value). A `Key?` parameter would cost a run-time lookup of `Optional<Key>`'s
    // metadata on every value in unspecialized code; these cost none.

    /// `value` as a node, encoded one level below `codingPath.prefix(depth)`, at `key`.
    /// Nil if it encoded nothing.
    func box<T: Encodable, Key: CodingKey>(_ value: T, depth: Int, key: Key) throws -> FastJSONNode? {
        if let scalar = try boxScalar(value, path: path(depth: depth, key: key)) { return scalar }
        let savedValue = self.value
        let savedCount = codingPath.count
        self.value = nil
        codingPath.removeSubrange(depth...)
        codingPath.append(key)
        defer {
            self.value = savedValue
            codingPath.removeSubrange(min(savedCount, codingPath.count)...)
        }
        return try boxComposite(value)
    }

    /// `value` as a node, encoded at `codingPath.prefix(depth)` itself. Nil if it encoded nothing.
    func box<T: Encodable>(_ value: T, depth: Int) throws -> FastJSONNode? {
        if let scalar = try boxScalar(value, path: path(depth: depth)) { return scalar }
        let savedValue = self.value
        let savedCount = codingPath.count
        self.value = nil
        codingPath.removeSubrange(depth...)
        defer {
            self.value = savedValue
            codingPath.removeSubrange(min(savedCount, codingPath.count)...)
        }
        return try boxComposite(value)
    }

    /// The node of a scalar that never reaches its own `encode(to:)`; nil for any other value.
    @inline(__always)
    private func boxScalar<T: Encodable>(_ value: T, path: @autoclosure () -> [any CodingKey]) throws -> FastJSONNode? {
        if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if T.self == Int.self { return .int(Int64(unsafeBitCast(value, to: Int.self))) }
        if T.self == Double.self { return try boxDouble(unsafeBitCast(value, to: Double.self), path: path()) }
        if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        if T.self == Data.self { return .string(unsafeBitCast(value, to: Data.self).base64EncodedString()) }
        if T.self == URL.self { return .string(unsafeBitCast(value, to: URL.self).absoluteString) }
        if T.self == Decimal.self { return try boxDecimal(unsafeBitCast(value, to: Decimal.self), path: path()) }
        return nil
    }

    /// A value with containers of its own; the coding path is already the value's.
    private func boxComposite<T: Encodable>(_ value: T) throws -> FastJSONNode? {
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

    /// A finite `Double`; `path` (where it is) is built only for the error.
    func boxDouble(_ value: Double, path: @autoclosure () -> [any CodingKey]) throws -> FastJSONNode {
        guard value.isFinite else { throw nonFinite(value, path: path()) }
        return .double(value)
    }

    func boxFloat(_ value: Float, path: @autoclosure () -> [any CodingKey]) throws -> FastJSONNode {
        guard value.isFinite else { throw nonFinite(value, path: path()) }
        return .float(value)
    }

    /// A `Decimal` other than NaN, which has no JSON spelling. Foundation writes it as `NaN`,
    /// bytes that neither decoder reads back: a cache set would succeed and every get fail.
    /// Every `Decimal` goes through here (top level, members, elements, single values), as it
    /// is one of ``boxScalar(_:path:)``'s types.
    func boxDecimal(_ value: Decimal, path: @autoclosure () -> [any CodingKey]) throws -> FastJSONNode {
        guard !value.isNaN else {
            throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: path(), debugDescription: "Unable to encode Decimal.nan directly in JSON."))
        }
        return .number(value.description)
    }

    private func nonFinite(_ value: some FloatingPoint & Sendable, path: [any CodingKey]) -> EncodingError {
        EncodingError.invalidValue(
            value, EncodingError.Context(codingPath: path, debugDescription: "Unable to encode \(type(of: value)).\(value) directly in JSON.")
        )
    }

    /// The coding path of a container at `depth`, plus `key`: built only when asked for.
    func path<Key: CodingKey>(depth: Int, key: Key) -> [any CodingKey] {
        var path = Array(codingPath.prefix(depth))
        path.append(key)
        return path
    }

    /// The coding path of a container at `depth`.
    func path(depth: Int) -> [any CodingKey] {
        Array(codingPath.prefix(depth))
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

    var codingPath: [any CodingKey] { encoder.path(depth: depth) }

    private func set(_ node: FastJSONNode, _ key: Key) {
        box.members.append((key.stringValue, node))
    }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(try encoder.boxDouble(value, path: encoder.path(depth: depth, key: key)), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(try encoder.boxFloat(value, path: encoder.path(depth: depth, key: key)), key) }
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

    var codingPath: [any CodingKey] { encoder.path(depth: depth) }
    var count: Int { box.values.count }
    private var nextKey: FastJSONCodingKey { FastJSONCodingKey(intValue: box.values.count) }

    mutating func encodeNil() throws { box.values.append(.null) }
    mutating func encode(_ value: Bool) throws { box.values.append(.bool(value)) }
    mutating func encode(_ value: String) throws { box.values.append(.string(value)) }
    mutating func encode(_ value: Double) throws { box.values.append(try encoder.boxDouble(value, path: encoder.path(depth: depth, key: nextKey))) }
    mutating func encode(_ value: Float) throws { box.values.append(try encoder.boxFloat(value, path: encoder.path(depth: depth, key: nextKey))) }
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

    var codingPath: [any CodingKey] { encoder.path(depth: depth) }

    mutating func encodeNil() throws { encoder.value = .null }
    mutating func encode(_ value: Bool) throws { encoder.value = .bool(value) }
    mutating func encode(_ value: String) throws { encoder.value = .string(value) }
    mutating func encode(_ value: Double) throws { encoder.value = try encoder.boxDouble(value, path: encoder.path(depth: depth)) }
    mutating func encode(_ value: Float) throws { encoder.value = try encoder.boxFloat(value, path: encoder.path(depth: depth)) }
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
        let node = try encoder.box(value, depth: depth) ?? .object(FastJSONObjectBox())
        encoder.value = node
    }
}
