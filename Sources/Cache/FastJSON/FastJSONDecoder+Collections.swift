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
        let token = decoder.tape[entry]
        let depth = decoder.codingPath.count
        guard token.kind == .array else { throw decoder.mismatch([Element].self, at: entry, path: decoder.codingPath) }
        var elements: [Element] = []
        elements.reserveCapacity(token.end)
        var position = entry + 1
        for index in 0..<token.end {
            elements.append(try decoder.unbox(Element.self, at: position, depth: depth, key: FastJSONCodingKey(intValue: index)))
            position = decoder.tape[position].next
        }
        return elements
    }
}

extension Dictionary: FastJSONDirectDecodable where Key == String, Value: Decodable {
    static func decodeDirectly(from decoder: FastJSONDecoder, at entry: Int) throws -> [String: Value] {
        let token = decoder.tape[entry]
        let depth = decoder.codingPath.count
        guard token.kind == .object else { throw decoder.mismatch([String: Value].self, at: entry, path: decoder.codingPath) }
        var members = [String: Value](minimumCapacity: token.end)
        var position = entry + 1
        while position < token.next {
            let name: String
            do {
                name = try decoder.keyString(at: position)
            } catch {
                throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description, underlyingError: error))
            }
            members[name] = try decoder.unbox(Value.self, at: position + 1, depth: depth, key: FastJSONCodingKey(stringValue: name))
            position = decoder.tape[position + 1].next
        }
        return members
    }
}
