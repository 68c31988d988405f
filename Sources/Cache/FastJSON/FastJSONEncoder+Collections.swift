/// Arrays and string-keyed dictionaries, encoded without going through containers: one box
/// of the right size, and no coding key made per element unless an element needs a path.
protocol FastJSONDirectEncodable {
    /// This value as a node; the encoder's coding path is already this value's.
    func encodeDirectly(to encoder: FastJSONEncoder) throws -> FastJSONNode
}

extension Array: FastJSONDirectEncodable where Element: Encodable {
    func encodeDirectly(to encoder: FastJSONEncoder) throws -> FastJSONNode {
        let box = FastJSONArrayBox(capacity: count)
        let depth = encoder.codingPath.count
        // An index loop: in unspecialized code, `enumerated()` costs a metadata lookup per element.
        var index = 0
        while index < count {
            box.values.append(try encoder.box(self[index], depth: depth, key: FastJSONCodingKey(intValue: index)) ?? .object(FastJSONObjectBox()))
            index += 1
        }
        return .array(box)
    }
}

extension Dictionary: FastJSONDirectEncodable where Key == String, Value: Encodable {
    func encodeDirectly(to encoder: FastJSONEncoder) throws -> FastJSONNode {
        let box = FastJSONObjectBox(capacity: count)
        let depth = encoder.codingPath.count
        for (key, value) in self {
            box.members.append((key, try encoder.box(value, depth: depth, key: FastJSONCodingKey(stringValue: key)) ?? .object(FastJSONObjectBox())))
        }
        return .object(box)
    }
}
