import Foundation

// The containers of ``PickleStreamEncoder``: each names its level by index and id, checks it is
// still the innermost one on every call, and writes through the encoder's writer.

struct PickleStreamKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: PickleStreamEncoder
    let index: Int
    let id: Int

    var codingPath: [any CodingKey] { encoder.path(depth: index >= 0 ? encoder.levels[index].pathDepth : 0) }

    @inline(__always)
    private func entry(_ key: Key, _ write: () throws -> Void) throws {
        try encoder.beginEntry(key.stringValue, index, id)
        try write()
        encoder.endElement(index, closing: PickleOpcode.setItems)
    }

    mutating func encodeNil(forKey key: Key) throws { try entry(key) { encoder.writer.op(PickleOpcode.none) } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try entry(key) { encoder.writeBool(value) } }
    mutating func encode(_ value: String, forKey key: Key) throws { try entry(key) { try encoder.writer.writeString(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws { try entry(key) { encoder.writeFloat(value) } }
    mutating func encode(_ value: Float, forKey key: Key) throws { try entry(key) { encoder.writeFloat(Double(value)) } }
    mutating func encode(_ value: Int, forKey key: Key) throws { try entry(key) { encoder.writer.writeInt(value) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try entry(key) { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try entry(key) { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try entry(key) { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try entry(key) { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try entry(key) { encoder.writeUnsigned(UInt64(value)) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try entry(key) { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try entry(key) { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try entry(key) { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try entry(key) { encoder.writeUnsigned(value) } }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try entry(key) { try encoder.write(value, key: key) } }

    // Containers that outlive a call cannot be followed by a stream: the tree encodes these.
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder.refused = true
        return KeyedEncodingContainer(PickleStreamKeyedContainer<NestedKey>(encoder: encoder, index: -1, id: -1))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.refused = true
        return PickleStreamUnkeyedContainer(encoder: encoder, index: -1, id: -1)
    }
    mutating func superEncoder() -> any Encoder { PickleStreamRefusingEncoder(encoder, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { PickleStreamRefusingEncoder(encoder, codingPath: codingPath + [key]) }
}

struct PickleStreamUnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: PickleStreamEncoder
    let index: Int
    let id: Int

    var codingPath: [any CodingKey] { encoder.path(depth: index >= 0 ? encoder.levels[index].pathDepth : 0) }
    var count: Int { index >= 0 && index < encoder.levels.count && encoder.levels[index].id == id ? encoder.levels[index].count : 0 }

    @inline(__always)
    private func element(_ write: () throws -> Void) throws {
        try encoder.current(index, id, .list)
        encoder.beginElement(index)
        try write()
        encoder.endElement(index, closing: PickleOpcode.appends)
    }

    mutating func encodeNil() throws { try element { encoder.writer.op(PickleOpcode.none) } }
    mutating func encode(_ value: Bool) throws { try element { encoder.writeBool(value) } }
    mutating func encode(_ value: String) throws { try element { try encoder.writer.writeString(value) } }
    mutating func encode(_ value: Double) throws { try element { encoder.writeFloat(value) } }
    mutating func encode(_ value: Float) throws { try element { encoder.writeFloat(Double(value)) } }
    mutating func encode(_ value: Int) throws { try element { encoder.writer.writeInt(value) } }
    mutating func encode(_ value: Int8) throws { try element { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: Int16) throws { try element { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: Int32) throws { try element { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: Int64) throws { try element { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: UInt) throws { try element { encoder.writeUnsigned(UInt64(value)) } }
    mutating func encode(_ value: UInt8) throws { try element { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: UInt16) throws { try element { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: UInt32) throws { try element { encoder.writer.writeInt(Int(value)) } }
    mutating func encode(_ value: UInt64) throws { try element { encoder.writeUnsigned(value) } }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let key = PickleEncoding.IndexKey(intValue: count)
        try element { try encoder.write(value, key: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        encoder.refused = true
        return KeyedEncodingContainer(PickleStreamKeyedContainer<NestedKey>(encoder: encoder, index: -1, id: -1))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        encoder.refused = true
        return PickleStreamUnkeyedContainer(encoder: encoder, index: -1, id: -1)
    }
    mutating func superEncoder() -> any Encoder { PickleStreamRefusingEncoder(encoder, codingPath: codingPath) }
}

struct PickleStreamSingleContainer: SingleValueEncodingContainer {
    let encoder: PickleStreamEncoder
    let index: Int
    let id: Int

    var codingPath: [any CodingKey] { encoder.path(depth: index >= 0 ? encoder.levels[index].pathDepth : 0) }

    /// Marks the level as holding its one value; a second value, or one after a container, is a fallback.
    @inline(__always)
    private func single(_ write: () throws -> Void) throws {
        try encoder.current(index, id, .unset)
        encoder.levels[index].kind = .single
        try write()
    }

    func encodeNil() throws { try single { encoder.writer.op(PickleOpcode.none) } }
    func encode(_ value: Bool) throws { try single { encoder.writeBool(value) } }
    func encode(_ value: String) throws { try single { try encoder.writer.writeString(value) } }
    func encode(_ value: Double) throws { try single { encoder.writeFloat(value) } }
    func encode(_ value: Float) throws { try single { encoder.writeFloat(Double(value)) } }
    func encode(_ value: Int) throws { try single { encoder.writer.writeInt(value) } }
    func encode(_ value: Int8) throws { try single { encoder.writer.writeInt(Int(value)) } }
    func encode(_ value: Int16) throws { try single { encoder.writer.writeInt(Int(value)) } }
    func encode(_ value: Int32) throws { try single { encoder.writer.writeInt(Int(value)) } }
    func encode(_ value: Int64) throws { try single { encoder.writer.writeInt(Int(value)) } }
    func encode(_ value: UInt) throws { try single { encoder.writeUnsigned(UInt64(value)) } }
    func encode(_ value: UInt8) throws { try single { encoder.writer.writeInt(Int(value)) } }
    func encode(_ value: UInt16) throws { try single { encoder.writer.writeInt(Int(value)) } }
    func encode(_ value: UInt32) throws { try single { encoder.writer.writeInt(Int(value)) } }
    func encode(_ value: UInt64) throws { try single { encoder.writeUnsigned(value) } }
    func encode<T: Encodable>(_ value: T) throws { try single { try encoder.write(value) } }
}

/// What a stream hands out for a container it cannot follow (nested, super): every use throws
/// ``PickleStreamEncoder/Fallback``, and the tree encodes the value.
struct PickleStreamRefusingEncoder: Encoder {
    let encoder: PickleStreamEncoder
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ encoder: PickleStreamEncoder, codingPath: [any CodingKey]) {
        encoder.refused = true
        self.encoder = encoder
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(PickleStreamKeyedContainer<Key>(encoder: encoder, index: -1, id: -1))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { PickleStreamUnkeyedContainer(encoder: encoder, index: -1, id: -1) }
    func singleValueContainer() -> any SingleValueEncodingContainer { PickleStreamSingleContainer(encoder: encoder, index: -1, id: -1) }
}
