import Foundation

// The containers of ``PickleNodeDecoder``, reading a node's slots in place. Any mismatch throws
// ``PickleNodeDecoding/NeedsTree`` or the tree's own error; ``PickleDecoder`` then decodes from
// the tree, which throws the error with its path and wording.

struct PickleNodeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoding: PickleNodeDecoding
    /// Keys (each a str) and values alternating.
    let items: [PickleReader.Slot]
    let codingPath: [any CodingKey]
    /// Each key's value position (the last, if repeated, as a Python dict keeps), for a dict too
    /// large to search one pair at a time.
    private let index: [String: Int]?

    /// Up to this many pairs, a key is found by comparing each.
    static var linearLimit: Int { 16 }

    init(decoding: PickleNodeDecoding, items: [PickleReader.Slot], codingPath: [any CodingKey]) throws {
        self.decoding = decoding
        self.items = items
        self.codingPath = codingPath
        var index: [String: Int]? = items.count / 2 > Self.linearLimit ? [:] : nil
        index?.reserveCapacity(items.count / 2)
        for position in stride(from: 0, to: items.count - 1, by: 2) {
            guard case .value(.string(let key)) = items[position] else { throw PickleNodeDecoding.NeedsTree() }
            index?[key] = position + 1
        }
        self.index = index
    }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        var position = items.count - 2
        while position >= 0 {
            if case .value(.string(let candidate)) = items[position], candidate == key { return position + 1 }
            position -= 2
        }
        return nil
    }

    var allKeys: [Key] {
        var seen = Set<String>()
        var keys: [Key] = []
        for position in stride(from: 0, to: items.count - 1, by: 2) {
            guard case .value(.string(let name)) = items[position], seen.insert(name).inserted, let key = Key(stringValue: name) else { continue }
            keys.append(key)
        }
        return keys
    }

    func contains(_ key: Key) -> Bool { position(of: key.stringValue) != nil }

    private func slot(_ key: Key) throws -> PickleReader.Slot {
        guard let position = position(of: key.stringValue) else { throw PickleNodeDecoding.NeedsTree() }
        return items[position]
    }

    private func path(_ key: Key) -> [any CodingKey] {
        var path = codingPath
        path.append(key)
        return path
    }

    func decodeNil(forKey key: Key) throws -> Bool { PickleNodeDecoding.isNone(try slot(key)) }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try PickleNodeDecoding.scalar(slot(key)) { try $0.decode(type) } }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoding.unbox(type, from: try slot(key), path: { path(key) })
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try PickleNodeDecoder(decoding: decoding, slot: try slot(key), codingPath: path(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try PickleNodeDecoder(decoding: decoding, slot: try slot(key), codingPath: path(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        let slot = position(of: "super").map { items[$0] } ?? .value(.none)
        var path = codingPath
        path.append(PickleEncoding.StringKey(stringValue: "super"))
        return PickleNodeDecoder(decoding: decoding, slot: slot, codingPath: path)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        PickleNodeDecoder(decoding: decoding, slot: position(of: key.stringValue).map { items[$0] } ?? .value(.none), codingPath: path(key))
    }
}

struct PickleNodeUnkeyedContainer: UnkeyedDecodingContainer {
    let decoding: PickleNodeDecoding
    let items: [PickleReader.Slot]
    let codingPath: [any CodingKey]
    var currentIndex = 0
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next() throws -> PickleReader.Slot {
        guard !isAtEnd else { throw PickleNodeDecoding.NeedsTree() }
        currentIndex += 1
        return items[currentIndex - 1]
    }

    private func path(_ index: Int) -> [any CodingKey] {
        var path = codingPath
        path.append(PickleEncoding.IndexKey(intValue: index))
        return path
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, PickleNodeDecoding.isNone(items[currentIndex]) else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }
    mutating func decode(_ type: String.Type) throws -> String { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try PickleNodeDecoding.scalar(next()) { try $0.decode(type) } }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let index = currentIndex
        return try decoding.unbox(type, from: try next(), path: { path(index) })
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let index = currentIndex
        return try PickleNodeDecoder(decoding: decoding, slot: try next(), codingPath: path(index)).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let index = currentIndex
        return try PickleNodeDecoder(decoding: decoding, slot: try next(), codingPath: path(index)).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let index = currentIndex
        return PickleNodeDecoder(decoding: decoding, slot: try next(), codingPath: path(index))
    }
}

struct PickleNodeSingleContainer: SingleValueDecodingContainer {
    let decoding: PickleNodeDecoding
    let slot: PickleReader.Slot
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { PickleNodeDecoding.isNone(slot) }

    func decode(_ type: Bool.Type) throws -> Bool { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }
    func decode(_ type: String.Type) throws -> String { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }
    func decode(_ type: Double.Type) throws -> Double { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }
    func decode(_ type: Float.Type) throws -> Float { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }
    func decode(_ type: Int.Type) throws -> Int { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }
    func decode(_ type: Int8.Type) throws -> Int8 { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }
    func decode(_ type: Int16.Type) throws -> Int16 { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }
    func decode(_ type: Int32.Type) throws -> Int32 { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }
    func decode(_ type: Int64.Type) throws -> Int64 { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }
    func decode(_ type: UInt.Type) throws -> UInt { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try PickleNodeDecoding.scalar(slot) { try $0.decode(type) } }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoding.unbox(type, from: slot, path: { codingPath }) }
}
