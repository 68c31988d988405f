/// Arrays and string-keyed dictionaries, decoded straight off the tape with their size known.
///
/// The standard library decodes them through containers, growing the array one append at a
/// time and, for a dictionary, casting `allKeys` and looking each key up again; Foundation's
/// decoder takes this same shortcut for dictionaries.
protocol FastJSONDirectDecodable {
    /// The value at tape index `entry`; the decoder's coding path is already this value's.
    static func decodeDirectly(from decoder: FastJSONDecoder, at entry: Int) throws -> Self
}

extension Array: FastJSONDirectDecodable where Element: Decodable {
    static func decodeDirectly(from decoder: FastJSONDecoder, at entry: Int) throws -> [Element] {
        // Arrays of the common scalars skip the per-element generic call (and the lookups of
        // type metadata it costs in unspecialized code); the element types are equal, so the
        // casts are no-ops.
        if Element.self == Int.self { return unsafeBitCast(try decoder.array(at: entry, of: Int.self), to: [Element].self) }
        if Element.self == String.self { return unsafeBitCast(try decoder.array(at: entry, of: String.self), to: [Element].self) }
        if Element.self == Double.self { return unsafeBitCast(try decoder.array(at: entry, of: Double.self), to: [Element].self) }
        if Element.self == Bool.self { return unsafeBitCast(try decoder.array(at: entry, of: Bool.self), to: [Element].self) }
        return try decoder.array(at: entry, of: Element.self)
    }
}

extension Dictionary: FastJSONDirectDecodable where Key == String, Value: Decodable {
    static func decodeDirectly(from decoder: FastJSONDecoder, at entry: Int) throws -> [String: Value] {
        if Value.self == Int.self { return unsafeBitCast(try decoder.dictionary(at: entry, of: Int.self), to: [String: Value].self) }
        if Value.self == String.self { return unsafeBitCast(try decoder.dictionary(at: entry, of: String.self), to: [String: Value].self) }
        if Value.self == Double.self { return unsafeBitCast(try decoder.dictionary(at: entry, of: Double.self), to: [String: Value].self) }
        if Value.self == Bool.self { return unsafeBitCast(try decoder.dictionary(at: entry, of: Bool.self), to: [String: Value].self) }
        return try decoder.dictionary(at: entry, of: Value.self)
    }
}

extension FastJSONDecoder {
    /// The array at `entry`. Called with a concrete scalar type it is specialized for it,
    /// and `unbox` reduces to that type's branch.
    @inline(__always)
    func array<Element: Decodable>(at entry: Int, of type: Element.Type) throws -> [Element] {
        let token = tape[entry]
        let depth = codingPath.count
        guard token.kind == .array else { throw mismatch([Element].self, at: entry, path: codingPath) }
        var elements: [Element] = []
        elements.reserveCapacity(token.end)
        var position = entry + 1
        for index in 0..<token.end {
            elements.append(try unbox(Element.self, at: position, depth: depth, key: FastJSONCodingKey(intValue: index)))
            position = tape[position].next
        }
        return elements
    }

    /// The string-keyed dictionary at `entry`, as ``array(at:of:)``.
    @inline(__always)
    func dictionary<Value: Decodable>(at entry: Int, of type: Value.Type) throws -> [String: Value] {
        let token = tape[entry]
        let depth = codingPath.count
        guard token.kind == .object else { throw mismatch([String: Value].self, at: entry, path: codingPath) }
        var members = [String: Value](minimumCapacity: token.end)
        var position = entry + 1
        while position < token.next {
            let name: String
            do {
                name = try keyString(at: position)
            } catch {
                throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: codingPath, debugDescription: error.description, underlyingError: error))
            }
            // Of a repeated key the first value is kept and an error in a later one does not
            // count, as Foundation (which never reads it) and ``FastJSONKeyedDecodingContainer``
            // do. Checked after the fact, so a key costs one hash lookup as before.
            do {
                let value = try unbox(Value.self, at: position + 1, depth: depth, key: FastJSONCodingKey(stringValue: name))
                if let first = members.updateValue(value, forKey: name) { members[name] = first }
            } catch where members[name] != nil {}
            position = tape[position + 1].next
        }
        return members
    }
}
