import Foundation

/// Arrays and string-keyed dictionaries, written by ``PickleStreamEncoder`` without their
/// `encode(to:)`: the standard library's goes through an existential container per element and,
/// in unspecialized code, a lookup of type metadata per call. The bytes are the same: a list's
/// elements in order, a dictionary's pairs in its iteration order (as its `encode(to:)` visits them).
protocol PickleStreamDirectEncodable {
    /// Writes `self` as one Python object; the encoder's coding path is already this value's.
    func encodeDirectly(to encoder: PickleStreamEncoder) throws
}

extension Array: PickleStreamDirectEncodable where Element: Encodable {
    func encodeDirectly(to encoder: PickleStreamEncoder) throws {
        // The element types are equal, so the casts are no-ops and each loop is specialized.
        if Element.self == Int.self { return try encoder.writeList(unsafeBitCast(self, to: [Int].self)) { encoder.writer.writeInt($1) } }
        if Element.self == String.self { return try encoder.writeList(unsafeBitCast(self, to: [String].self)) { try encoder.writer.writeString($1) } }
        if Element.self == Double.self { return try encoder.writeList(unsafeBitCast(self, to: [Double].self)) { encoder.writeFloat($1) } }
        if Element.self == Bool.self { return try encoder.writeList(unsafeBitCast(self, to: [Bool].self)) { encoder.writeBool($1) } }
        try encoder.writeList(self) { index, element in try encoder.write(element, key: PickleEncoding.IndexKey(intValue: index)) }
    }
}

extension Dictionary: PickleStreamDirectEncodable where Key == String, Value: Encodable {
    func encodeDirectly(to encoder: PickleStreamEncoder) throws {
        if Value.self == Int.self { return try encoder.writeDict(unsafeBitCast(self, to: [String: Int].self)) { encoder.writer.writeInt($1) } }
        if Value.self == String.self { return try encoder.writeDict(unsafeBitCast(self, to: [String: String].self)) { try encoder.writer.writeString($1) } }
        if Value.self == Double.self { return try encoder.writeDict(unsafeBitCast(self, to: [String: Double].self)) { encoder.writeFloat($1) } }
        if Value.self == Bool.self { return try encoder.writeDict(unsafeBitCast(self, to: [String: Bool].self)) { encoder.writeBool($1) } }
        try encoder.writeDict(self) { key, value in try encoder.write(value, key: PickleEncoding.StringKey(stringValue: key)) }
    }
}

extension PickleStreamEncoder {
    /// `EMPTY_LIST MEMOIZE`, then `element APPEND` for one element or batches of `MARK elements APPENDS`.
    @inline(__always)
    func writeList<Element>(_ elements: [Element], _ write: (Int, Element) throws -> Void) throws {
        writer.op(PickleOpcode.emptyList)
        writer.memoize()
        if elements.count == 1 {
            try write(0, elements[0])
            writer.op(PickleOpcode.append)
            return
        }
        var start = 0
        while start < elements.count {
            let end = min(start + PickleWriter.batchSize, elements.count)
            writer.op(PickleOpcode.mark)
            for index in start..<end { try write(index, elements[index]) }
            writer.op(PickleOpcode.appends)
            start = end
        }
    }

    /// `EMPTY_DICT MEMOIZE`, then `key value SETITEM` for one pair or batches of `MARK pairs SETITEMS`.
    @inline(__always)
    func writeDict<Value>(_ dictionary: [String: Value], _ write: (String, Value) throws -> Void) throws {
        writer.op(PickleOpcode.emptyDict)
        writer.memoize()
        var inBatch = 0
        for (key, value) in dictionary {
            if dictionary.count > 1, inBatch == 0 { writer.op(PickleOpcode.mark) }
            try writer.writeString(key)
            try write(key, value)
            inBatch += 1
            if dictionary.count > 1, inBatch == PickleWriter.batchSize {
                writer.op(PickleOpcode.setItems)
                inBatch = 0
            }
        }
        if dictionary.count == 1 {
            writer.op(PickleOpcode.setItem)
        } else if inBatch > 0 {
            writer.op(PickleOpcode.setItems)
        }
    }
}
