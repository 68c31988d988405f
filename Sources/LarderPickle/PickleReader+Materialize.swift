/// After `STOP`: the nodes become one ``PickleValue``. Each node is converted once and its value
/// reused wherever the memo shared it (Swift's copy-on-write arrays share the storage), so the
/// work is linear in the number of nodes; the size each would have as a tree is summed and held
/// to ``PickleLimits/maxTotalValues``, so that the value, its `description` and `==` stay bounded too.
extension PickleReader {
    /// A node's conversion: not started, under way (meeting it again is a cycle), or done.
    private enum Progress {
        case notStarted
        case inProgress
        case done(PickleValue, size: Int)
    }

    mutating func materialize(_ slot: Slot) throws(PickleError) -> PickleValue {
        var progress = [Progress](repeating: .notStarted, count: nodes.count)
        return try materialize(slot, depth: 0, progress: &progress).value
    }

    /// Checks `slot` as ``materialize(_:)`` would (cycles, depth, total size, classes and
    /// timezones out of place, a `UUID` with no state), throwing the same error, without building
    /// a value: the check ``PickleDecoder`` makes before it decodes from the nodes directly.
    ///
    /// Skipped where it cannot fail: with nothing shared and no class named, every slot is
    /// reached once, so the result's size is at most one value per input byte and its depth
    /// below the number of nodes.
    func check(_ slot: Slot) throws(PickleError) {
        if !sharesOrNames, nodes.count < limits.maxDepth, bytes.count <= limits.maxTotalValues { return }
        var sizes = [Int](repeating: 0, count: nodes.count)  // 0 not started, -1 under way, else the size
        _ = try check(slot, depth: 0, sizes: &sizes)
    }

    private func check(_ slot: Slot, depth: Int, sizes: inout [Int]) throws(PickleError) -> Int {
        switch slot {
        case .value(let value):
            switch value {
            case .tuple(let items): return 1 + items.count
            case .string(let text): return 1 + text.utf8.count / 64
            case .bytes(let bytes): return 1 + bytes.count / 64
            case .bigInt(let number): return 1 + number.twosComplementLittleEndian.count / 64
            default: return 1
            }
        case .global(let global):
            throw fail(.malformed, "the result holds the class \(global) itself, not a value")
        case .timezone:
            throw fail(.malformed, "the result holds a datetime.timezone outside a datetime or time")
        case .node(let index):
            if sizes[index] > 0 { return sizes[index] }
            if sizes[index] < 0 {
                throw PickleError(.cycle, offset: nodes[index].offset, opcode: bytes[nodes[index].offset], "an object that contains itself")
            }
            let node = nodes[index]
            guard depth < limits.maxDepth else {
                throw PickleError(.tooDeep, offset: node.offset, opcode: bytes[node.offset], "containers nested deeper than maxDepth \(limits.maxDepth)")
            }
            sizes[index] = -1
            var size = 1
            for item in node.items {
                size = size &+ (try check(item, depth: depth + 1, sizes: &sizes))
                guard size <= limits.maxTotalValues, size > 0 else {
                    throw PickleError(
                        .limitExceeded, offset: node.offset, opcode: bytes[node.offset],
                        "more than maxTotalValues \(limits.maxTotalValues) values once shared references are expanded"
                    )
                }
            }
            if case .pendingUUID = node.kind {
                throw PickleError(.malformed, offset: node.offset, opcode: bytes[node.offset], "a uuid.UUID with no BUILD state")
            }
            sizes[index] = size
            return size
        }
    }

    private func materialize(_ slot: Slot, depth: Int, progress: inout [Progress]) throws(PickleError) -> (value: PickleValue, size: Int) {
        switch slot {
        case .value(let value):
            // A tuple of scalars is a plain value (see makeTuple); count its elements too, or a
            // memo reference repeated would expand it unseen.
            // A long str, bytes or int weighs one value per 64 bytes, for the same reason: a memo
            // reference repeated must not expand a megabyte a million times into the result.
            switch value {
            case .tuple(let items): return (value, 1 + items.count)
            case .string(let text): return (value, 1 + text.utf8.count / 64)
            case .bytes(let bytes): return (value, 1 + bytes.count / 64)
            case .bigInt(let number): return (value, 1 + number.twosComplementLittleEndian.count / 64)
            default: return (value, 1)
            }
        case .global(let global):
            throw fail(.malformed, "the result holds the class \(global) itself, not a value")
        case .timezone:
            throw fail(.malformed, "the result holds a datetime.timezone outside a datetime or time")
        case .node(let index):
            switch progress[index] {
            case .done(let value, let size): return (value, size)
            case .inProgress:
                throw PickleError(.cycle, offset: nodes[index].offset, opcode: bytes[nodes[index].offset], "an object that contains itself")
            case .notStarted: break
            }
            let node = nodes[index]
            guard depth < limits.maxDepth else {
                throw PickleError(.tooDeep, offset: node.offset, opcode: bytes[node.offset], "containers nested deeper than maxDepth \(limits.maxDepth)")
            }
            progress[index] = .inProgress
            var size = 1
            var values: [PickleValue] = []
            values.reserveCapacity(node.items.count)
            for item in node.items {
                let (value, itemSize) = try materialize(item, depth: depth + 1, progress: &progress)
                values.append(value)
                size = size &+ itemSize
                guard size <= limits.maxTotalValues, size > 0 else {
                    throw PickleError(
                        .limitExceeded, offset: node.offset, opcode: bytes[node.offset],
                        "more than maxTotalValues \(limits.maxTotalValues) values once shared references are expanded"
                    )
                }
            }
            let value: PickleValue
            switch node.kind {
            case .list: value = .list(values)
            case .tuple: value = .tuple(values)
            case .set: value = .set(values)
            case .frozenset: value = .frozenset(values)
            case .dict:
                var pairs: [PickleValue.Pair] = []
                pairs.reserveCapacity(values.count / 2)
                for index in stride(from: 0, to: values.count - 1, by: 2) {
                    pairs.append(PickleValue.Pair(values[index], values[index + 1]))
                }
                value = .dict(pairs)
            case .uuid(let uuid): value = uuid
            case .pendingUUID:
                throw PickleError(.malformed, offset: node.offset, opcode: bytes[node.offset], "a uuid.UUID with no BUILD state")
            }
            progress[index] = .done(value, size: size)
            return (value, size)
        }
    }
}
