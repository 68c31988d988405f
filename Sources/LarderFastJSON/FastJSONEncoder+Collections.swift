/// Arrays and string-keyed dictionaries, encoded without going through containers: one box
/// of the right size, and no coding key made per element unless an element needs a path.
protocol FastJSONDirectEncodable {
    /// This value as a node; the encoder's coding path is already this value's.
    func encodeDirectly(to encoder: FastJSONEncoder) throws -> FastJSONNode
}

extension Array: FastJSONDirectEncodable where Element: Encodable {
    func encodeDirectly(to encoder: FastJSONEncoder) throws -> FastJSONNode {
        // Arrays of the common scalars skip the per-element generic call: in unspecialized
        // code each one costs type metadata lookups worth more than the element itself.
        if Element.self == Int.self { return .array(FastJSONArrayBox(unsafeBitCast(self, to: [Int].self)) { .int(Int64($0)) }) }
        if Element.self == String.self { return .array(FastJSONArrayBox(unsafeBitCast(self, to: [String].self)) { .string($0) }) }
        if Element.self == Bool.self { return .array(FastJSONArrayBox(unsafeBitCast(self, to: [Bool].self)) { .bool($0) }) }
        if Element.self == Double.self, unsafeBitCast(self, to: [Double].self).allSatisfy(\.isFinite) {
            return .array(FastJSONArrayBox(unsafeBitCast(self, to: [Double].self)) { .double($0) })
        }
        // Everything else, and a non-finite Double (the error names its index), one by one.
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
        if Value.self == Int.self { return .object(FastJSONObjectBox(unsafeBitCast(self, to: [String: Int].self)) { .int(Int64($0)) }) }
        if Value.self == String.self { return .object(FastJSONObjectBox(unsafeBitCast(self, to: [String: String].self)) { .string($0) }) }
        if Value.self == Bool.self { return .object(FastJSONObjectBox(unsafeBitCast(self, to: [String: Bool].self)) { .bool($0) }) }
        if Value.self == Double.self, unsafeBitCast(self, to: [String: Double].self).values.allSatisfy(\.isFinite) {
            return .object(FastJSONObjectBox(unsafeBitCast(self, to: [String: Double].self)) { .double($0) })
        }
        let box = FastJSONObjectBox(capacity: count)
        let depth = encoder.codingPath.count
        for (key, value) in self {
            box.members.append((key, try encoder.box(value, depth: depth, key: FastJSONCodingKey(stringValue: key)) ?? .object(FastJSONObjectBox())))
        }
        return .object(box)
    }
}

extension FastJSONArrayBox {
    /// A box of `elements`, each made a node by `node` (specialized for the scalar types above).
    convenience init<Element>(_ elements: [Element], _ node: (Element) -> FastJSONNode) {
        self.init(capacity: elements.count)
        for element in elements { values.append(node(element)) }
    }
}

extension FastJSONObjectBox {
    /// A box of `members`, each value made a node by `node`.
    convenience init<Value>(_ members: [String: Value], _ node: (Value) -> FastJSONNode) {
        self.init(capacity: members.count)
        for (key, value) in members { self.members.append((key, node(value))) }
    }
}
