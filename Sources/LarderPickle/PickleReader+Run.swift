extension PickleReader {
    /// Runs the opcodes from `PROTO` to `STOP` and returns the materialised result.
    mutating func run() throws(PickleError) -> PickleValue {
        try materialize(runToResult())
    }

    /// Runs the opcodes from `PROTO` to `STOP` and returns the result as a slot over ``nodes``,
    /// not yet materialised (nor checked: ``check(_:)`` or ``materialize(_:)`` does that).
    mutating func runToResult() throws(PickleError) -> Slot {
        guard bytes.count <= limits.maxInputBytes else {
            throw PickleError(.limitExceeded, offset: 0, opcode: nil, "\(bytes.count) bytes, beyond maxInputBytes \(limits.maxInputBytes)")
        }
        guard let first = bytes.first, first == PickleOpcode.proto else {
            throw PickleError(
                .unsupportedProtocol, offset: 0, opcode: bytes.first,
                bytes.isEmpty ? "the input is empty" : "does not start with PROTO: protocols 0 and 1 are not read, only 2 to 5"
            )
        }
        while true {
            if let end = frameEnd, position == end { frameEnd = nil }
            guard position < bytes.count else {
                opcodeOffset = position
                opcode = nil
                throw fail(.truncated, "the input ends before STOP")
            }
            opcodeOffset = position
            let byte = bytes[position]
            opcode = byte
            position += 1
            // The opcode's byte is inside the frame: the frame is dropped above once `position` reaches its end.
            if byte == PickleOpcode.stop {
                return try pop()
            }
            try step(byte)
        }
    }

    /// Runs one opcode (its byte already read).
    private mutating func step(_ byte: UInt8) throws(PickleError) {
        typealias Op = PickleOpcode
        switch byte {
        case Op.proto:
            let version = try readUInt8()
            guard (2...5).contains(version) else { throw fail(.unsupportedProtocol, "protocol \(version): only 2 to 5 are read") }
        case Op.frame:
            let length = try readLength64()
            if let end = frameEnd, end != opcodeOffset {
                throw fail(.badFrame, "a new frame starts \(end - opcodeOffset) bytes before the current one ends")
            }
            guard length <= bytes.count - position else {
                throw fail(.badFrame, "claims \(length) bytes, \(bytes.count - position) remain")
            }
            frameEnd = position + length
        case Op.none: push(.value(.none))
        case Op.newTrue: push(.value(.bool(true)))
        case Op.newFalse: push(.value(.bool(false)))
        case Op.binInt1: push(.value(.int(Int(try readUInt8()))))
        case Op.binInt2: push(.value(.int(Int(try readUInt16()))))
        case Op.binInt: push(.value(.int(Int(Int32(bitPattern: try readUInt32())))))
        case Op.long1: push(.value(try readLong(Int(try readUInt8()))))
        case Op.long4:
            let length = Int(Int32(bitPattern: try readUInt32()))
            guard length >= 0 else { throw fail(.malformed, "a negative length \(length)") }
            push(.value(try readLong(length)))
        case Op.binFloat:
            push(.value(.float(Double(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: try take(8), as: UInt64.self))))))
        case Op.shortBinUnicode: push(.value(.string(try readString(Int(try readUInt8())))))
        case Op.binUnicode: push(.value(.string(try readString(Int(try readUInt32())))))
        case Op.binUnicode8: push(.value(.string(try readString(try readLength64()))))
        case Op.shortBinBytes: push(.value(.bytes(try readBytes(Int(try readUInt8())))))
        case Op.binBytes: push(.value(.bytes(try readBytes(Int(try readUInt32())))))
        case Op.binBytes8, Op.byteArray8: push(.value(.bytes(try readBytes(try readLength64()))))
        case Op.emptyList: push(try makeNode(.list))
        case Op.emptyDict: push(try makeNode(.dict))
        case Op.emptySet: push(try makeNode(.set))
        case Op.emptyTuple: push(.value(.tuple([])))
        case Op.mark: marks.append(stack.count)
        case Op.pop:
            if let mark = marks.last, mark == stack.count {
                marks.removeLast()  // CPython's POP of a bare MARK removes the mark
            } else {
                _ = try pop()
            }
        case Op.popMark: _ = try popMark()
        case Op.dup:
            sharesOrNames = true
            push(try top())
        case Op.append:
            let item = try pop()
            nodes[try nodeToExtend(kind: .list, name: "list", adding: 1)].items.append(item)
        case Op.appends:
            try extendNodeFromMark(kind: .list, name: "list")
        case Op.setItem:
            let value = try pop()
            let key = try pop()
            let index = try nodeToExtend(kind: .dict, name: "dict", adding: 2)
            nodes[index].items.append(key)
            nodes[index].items.append(value)
        case Op.setItems:
            try extendNodeFromMark(kind: .dict, name: "dict", pairs: true)
        case Op.addItems:
            try extendNodeFromMark(kind: .set, name: "set")
        case Op.tuple1: push(try makeTuple([try pop()]))
        case Op.tuple2:
            let second = try pop()
            push(try makeTuple([try pop(), second]))
        case Op.tuple3:
            let third = try pop()
            let second = try pop()
            push(try makeTuple([try pop(), second, third]))
        case Op.tuple: push(try makeTuple(try popMark()))
        case Op.frozenset: push(try makeNode(.frozenset, try popMark()))
        case Op.memoize: try memoPut(memo.count + sparseMemo.count)
        case Op.binPut: try memoPut(Int(try readUInt8()))
        case Op.longBinPut: try memoPut(Int(try readUInt32()))
        case Op.binGet:
            sharesOrNames = true
            push(try memoGet(Int(try readUInt8())))
        case Op.longBinGet:
            sharesOrNames = true
            push(try memoGet(Int(try readUInt32())))
        case Op.global:
            sharesOrNames = true
            let module = try readLine()
            let name = try readLine()
            push(.global(try allowedGlobal(module: module, name: name)))
        case Op.stackGlobal:
            sharesOrNames = true
            let name = try pop()
            let module = try pop()
            guard case .value(.string(let nameText)) = name, case .value(.string(let moduleText)) = module else {
                throw fail(.malformed, "module and name are not both str")
            }
            push(.global(try allowedGlobal(module: moduleText, name: nameText)))
        case Op.reduce:
            let arguments = try pop()
            let callable = try pop()
            guard case .global(let global) = callable else { throw fail(.malformed, "calls something that is not an allow-listed class") }
            push(try reduce(global, arguments: try elements(of: arguments)))
        case Op.newObj:
            let arguments = try pop()
            let callable = try pop()
            guard case .global(.uuid) = callable, try elements(of: arguments).isEmpty else {
                throw fail(.malformed, "NEWOBJ of something other than uuid.UUID()")
            }
            push(try makeNode(.pendingUUID))
        case Op.build:
            let state = try pop()
            try build(state: state)
        default:
            throw fail(.unknownOpcode, "not read by this reader (pickle protocols 2 to 5 as CPython writes Django's values)")
        }
    }

    /// A tuple: a plain value when it holds only scalars (the common `REDUCE` arguments), else a
    /// node, so that a tuple of tuples shared through the memo is counted toward the limits.
    private mutating func makeTuple(_ items: [Slot]) throws(PickleError) -> Slot {
        var values: [PickleValue] = []
        values.reserveCapacity(items.count)
        for item in items {
            switch item {
            case .value(.tuple(let inner)) where !inner.isEmpty: return try makeNode(.tuple, items)
            case .value(let value): values.append(value)
            default: return try makeNode(.tuple, items)
            }
        }
        return .value(.tuple(values))
    }

    /// A `LONG1`/`LONG4` payload: an `int` when it fits 64 bits.
    private mutating func readLong(_ count: Int) throws(PickleError) -> PickleValue {
        let start = try take(count)
        let big = PickleBigInt(twosComplementLittleEndian: Array(bytes[start..<(start + count)]))
        guard count > 0 else { return .int(0) }
        if let small = big.intValue { return .int(small) }
        return .bigInt(big)
    }

    /// The elements of a tuple on the stack (a `REDUCE`'s or `NEWOBJ`'s arguments).
    func elements(of slot: Slot) throws(PickleError) -> [Slot] {
        switch slot {
        case .value(.tuple(let values)): return values.map { .value($0) }
        case .node(let index) where nodes[index].kind.matches(.tuple): return nodes[index].items
        default: throw fail(.malformed, "arguments that are not a tuple")
        }
    }
}
