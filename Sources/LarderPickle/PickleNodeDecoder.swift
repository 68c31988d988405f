import Foundation

/// The `Decoder` behind ``PickleDecoder``'s bytes: decodes straight from the reader's nodes
/// (``PickleReader/Node``), with no ``PickleValue`` tree built for the containers (issue #15).
///
/// The reader has already checked the nodes as materialising them would (cycles, depth, total
/// size), so the work here is bounded as the tree's is. Scalars are the reader's `PickleValue`s
/// and go through ``PickleDecoding``'s own unboxing, so every conversion is the tree decoder's.
/// On any error, ``PickleDecoder`` decodes again from the materialised tree, so the error a caller
/// sees (its path and wording) is the tree decoder's; ``NeedsTree`` asks for that where a type
/// wants a container as a ``PickleValue``.
struct PickleNodeDecoding {
    /// A value this decoder leaves to the tree (a container asked for as a ``PickleValue``).
    struct NeedsTree: Error {}

    let nodes: [PickleReader.Node]

    /// A `T` from `slot`; `path` builds its coding path, only where a container needs it.
    func unbox<T: Decodable>(_ type: T.Type, from slot: PickleReader.Slot, path: () -> [any CodingKey]) throws -> T {
        switch slot {
        case .value(let value):
            if let scalar = try Self.unboxScalar(type, from: value) { return scalar }
            return try PickleDecoding.unbox(type, from: value, codingPath: path())
        case .node(let index):
            if case .uuid(let value) = nodes[index].kind { return try PickleDecoding.unbox(type, from: value, codingPath: path()) }
            if T.self == PickleValue.self || T.self == Date.self || T.self == Data.self || T.self == Decimal.self || T.self == UUID.self {
                throw NeedsTree()
            }
            if let direct = T.self as? any PickleNodeDirectDecodable.Type { return try decodeDirectly(direct, index, path: path) }
            return try T(from: PickleNodeDecoder(decoding: self, slot: slot, codingPath: path()))
        case .global, .timezone:
            throw NeedsTree()  // the reader's check refuses these; never reached
        }
    }

    /// `D` is `T`, opened from the existential metatype; the cast back is a no-op.
    private func decodeDirectly<D: PickleNodeDirectDecodable, T>(_ direct: D.Type, _ index: Int, path: () -> [any CodingKey]) throws -> T {
        unsafeBitCast(try D.decodeDirectly(from: self, node: index, path: path), to: T.self)
    }

    /// The common scalars without their `init(from:)`, as ``PickleDecoding/SingleContainer`` converts them.
    @inline(__always)
    static func unboxScalar<T: Decodable>(_ type: T.Type, from value: PickleValue) throws -> T? {
        let single = PickleDecoding.SingleContainer(value: value, codingPath: [])
        if T.self == String.self { return unsafeBitCast(try single.decode(String.self), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try single.decode(Int.self), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try single.decode(Double.self), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try single.decode(Bool.self), to: T.self) }
        return nil
    }

    /// A scalar of a type ``PickleDecoding/SingleContainer`` converts: from a value, or a mismatch for a container.
    @inline(__always)
    static func scalar<T>(_ slot: PickleReader.Slot, _ convert: (PickleDecoding.SingleContainer) throws -> T) throws -> T {
        guard case .value(let value) = slot else { throw NeedsTree() }
        return try convert(PickleDecoding.SingleContainer(value: value, codingPath: []))
    }

    static func isNone(_ slot: PickleReader.Slot) -> Bool {
        if case .value(.none) = slot { return true }
        return false
    }
}

struct PickleNodeDecoder: Decoder {
    let decoding: PickleNodeDecoding
    let slot: PickleReader.Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .node(let index) = slot, case .dict = decoding.nodes[index].kind else { throw PickleNodeDecoding.NeedsTree() }
        return KeyedDecodingContainer(try PickleNodeKeyedContainer<Key>(decoding: decoding, items: decoding.nodes[index].items, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .node(let index) = slot else { throw PickleNodeDecoding.NeedsTree() }
        switch decoding.nodes[index].kind {
        case .list, .tuple, .set, .frozenset:
            return PickleNodeUnkeyedContainer(decoding: decoding, items: decoding.nodes[index].items, codingPath: codingPath)
        default:
            throw PickleNodeDecoding.NeedsTree()
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        PickleNodeSingleContainer(decoding: decoding, slot: slot, codingPath: codingPath)
    }
}
