import Foundation

/// Arrays and string-keyed dictionaries, decoded by ``PickleNodeDecoding`` straight from a node's
/// slots with their size known, not through the standard library's `init(from:)` (a container
/// call and, in unspecialized code, a lookup of type metadata per element). The results are the
/// same: a list's (tuple's, set's) elements in order; a dict's pairs, the last of a repeated key.
protocol PickleNodeDirectDecodable {
    /// The value of node `index`; `path` builds its coding path where an element needs it.
    static func decodeDirectly(from decoding: PickleNodeDecoding, node index: Int, path: () -> [any CodingKey]) throws -> Self
}

extension Array: PickleNodeDirectDecodable where Element: Decodable {
    static func decodeDirectly(from decoding: PickleNodeDecoding, node index: Int, path: () -> [any CodingKey]) throws -> [Element] {
        // The element types are equal, so the casts are no-ops and each loop is specialized.
        if Element.self == Int.self { return unsafeBitCast(try decoding.array(index, of: Int.self, path: path), to: [Element].self) }
        if Element.self == String.self { return unsafeBitCast(try decoding.array(index, of: String.self, path: path), to: [Element].self) }
        if Element.self == Double.self { return unsafeBitCast(try decoding.array(index, of: Double.self, path: path), to: [Element].self) }
        if Element.self == Bool.self { return unsafeBitCast(try decoding.array(index, of: Bool.self, path: path), to: [Element].self) }
        return try decoding.array(index, of: Element.self, path: path)
    }
}

extension Dictionary: PickleNodeDirectDecodable where Key == String, Value: Decodable {
    static func decodeDirectly(from decoding: PickleNodeDecoding, node index: Int, path: () -> [any CodingKey]) throws -> [String: Value] {
        if Value.self == Int.self { return unsafeBitCast(try decoding.dictionary(index, of: Int.self, path: path), to: [String: Value].self) }
        if Value.self == String.self { return unsafeBitCast(try decoding.dictionary(index, of: String.self, path: path), to: [String: Value].self) }
        if Value.self == Double.self { return unsafeBitCast(try decoding.dictionary(index, of: Double.self, path: path), to: [String: Value].self) }
        if Value.self == Bool.self { return unsafeBitCast(try decoding.dictionary(index, of: Bool.self, path: path), to: [String: Value].self) }
        return try decoding.dictionary(index, of: Value.self, path: path)
    }
}

extension PickleNodeDecoding {
    @inline(__always)
    func array<Element: Decodable>(_ index: Int, of type: Element.Type, path: () -> [any CodingKey]) throws -> [Element] {
        let node = nodes[index]
        switch node.kind {
        case .list, .tuple, .set, .frozenset: break
        default: throw NeedsTree()
        }
        var elements: [Element] = []
        elements.reserveCapacity(node.items.count)
        for (position, slot) in node.items.enumerated() {
            elements.append(try unbox(type, from: slot, path: { path() + [PickleEncoding.IndexKey(intValue: position)] }))
        }
        return elements
    }

    @inline(__always)
    func dictionary<Value: Decodable>(_ index: Int, of type: Value.Type, path: () -> [any CodingKey]) throws -> [String: Value] {
        let node = nodes[index]
        guard case .dict = node.kind else { throw NeedsTree() }
        var result = [String: Value](minimumCapacity: node.items.count / 2)
        for position in stride(from: 0, to: node.items.count - 1, by: 2) {
            guard case .value(.string(let key)) = node.items[position] else { throw NeedsTree() }
            result[key] = try unbox(type, from: node.items[position + 1], path: { path() + [PickleEncoding.StringKey(stringValue: key)] })
        }
        return result
    }
}
