/// Reads one pickle (protocols 2 to 5) into a ``PickleValue``: a stack machine over the opcodes
/// CPython writes for Django's values, with a memo of references and an allow-list of classes.
///
/// Objects are built as numbered nodes, not values, because pickle has reference semantics:
/// `x = []; pickle.dumps([x, x])` memoizes `x` once and fetches it again, and a later `APPEND`
/// to a fetched list changes every place it appears. The nodes become one ``PickleValue`` after
/// `STOP` (``PickleReader+Materialize``), where cycles, depth and total size are checked.
///
/// Every read is bounds-checked against the input and the current frame; lengths are compared,
/// never added, so no claimed length can overflow. Work is linear in the input's size.
struct PickleReader: ~Copyable {
    /// What the stack and the memo hold.
    enum Slot {
        /// A finished value with no references inside (scalars, datetimes...).
        case value(PickleValue)
        /// A container or object under construction: an index into ``nodes``.
        case node(Int)
        /// An allow-listed class or function from `GLOBAL`/`STACK_GLOBAL`, waiting for its call.
        case global(PickleGlobal)
        /// A `datetime.timezone`, only meaningful as a datetime's or time's tzinfo argument.
        case timezone(PickleTimeDelta)
    }

    /// A container or object that may still change through a memo reference.
    struct Node {
        enum Kind {
            case list, tuple, dict, set, frozenset
            /// `uuid.UUID.__new__(uuid.UUID)` from `NEWOBJ`, waiting for its `BUILD`.
            case pendingUUID
            /// A `uuid.UUID` after its `BUILD`.
            case uuid(PickleValue)
        }

        var kind: Kind
        /// The elements; for a dict, keys and values alternating.
        var items: [Slot]
        /// Where the opcode that made it starts, for errors found after `STOP`.
        let offset: Int
    }

    let bytes: UnsafeRawBufferPointer
    let limits: PickleLimits
    /// The next byte to read.
    var position = 0
    /// Where the opcode being run starts, and its byte, for errors.
    var opcodeOffset = 0
    var opcode: UInt8? = nil
    /// The end of the current `FRAME`, if inside one.
    var frameEnd: Int? = nil
    var stack: [Slot] = []
    /// Stack heights at each `MARK`.
    var marks: [Int] = []
    /// The memo as CPython writes it, indices 0, 1, 2...; `sparseMemo` takes any other index.
    var memo: [Slot] = []
    var sparseMemo: [Int: Slot] = [:]
    var nodes: [Node] = []
    /// Whether a slot was pushed twice (`DUP`, a memo `GET`) or a class named: only then can the
    /// result share a node, hold a cycle, or hold a class or timezone out of place.
    var sharesOrNames = false

    init(bytes: UnsafeRawBufferPointer, limits: PickleLimits) {
        self.bytes = bytes
        self.limits = limits
        // A cache value's pickle memoizes about one object per 4 bytes and keeps a shallow
        // stack: room for that up front saves the doublings (bounded, whatever the input claims).
        let estimate = min(bytes.count / 4, 1024)
        stack.reserveCapacity(min(estimate, 64))
        memo.reserveCapacity(estimate)
        nodes.reserveCapacity(min(estimate, 256))
    }

    // MARK: Errors

    /// An error at the opcode being run.
    func fail(_ base: PickleError.Code.Base, _ detail: String) -> PickleError {
        PickleError(base, offset: opcodeOffset, opcode: opcode, detail)
    }

    // MARK: Reading bytes

    /// Checks that `count` more bytes exist in the input (and the frame) and returns where they start.
    mutating func take(_ count: Int) throws(PickleError) -> Int {
        let end = frameEnd ?? bytes.count
        guard count >= 0, count <= end - position else {
            if frameEnd != nil, count >= 0, count <= bytes.count - position {
                throw fail(.badFrame, "needs \(count) bytes but its frame ends \(end - position) bytes on")
            }
            throw fail(.truncated, "needs \(count) bytes, \(bytes.count - position) remain")
        }
        let start = position
        position += count
        return start
    }

    mutating func readUInt8() throws(PickleError) -> UInt8 {
        bytes[try take(1)]
    }

    mutating func readUInt16() throws(PickleError) -> UInt16 {
        UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(2), as: UInt16.self))
    }

    mutating func readUInt32() throws(PickleError) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(4), as: UInt32.self))
    }

    mutating func readUInt64() throws(PickleError) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(8), as: UInt64.self))
    }

    /// A length given as a 64-bit count (`BINUNICODE8`...), refused if it cannot be an `Int`.
    mutating func readLength64() throws(PickleError) -> Int {
        let length = try readUInt64()
        guard length <= UInt64(Int.max) else { throw fail(.truncated, "claims \(length) bytes, \(bytes.count - position) remain") }
        return Int(length)
    }

    /// `count` bytes as an array.
    mutating func readBytes(_ count: Int) throws(PickleError) -> [UInt8] {
        let start = try take(count)
        return Array(bytes[start..<(start + count)])
    }

    /// `count` bytes of UTF-8 as a string; invalid UTF-8 (a lone surrogate CPython wrote with
    /// `surrogatepass`) is refused, not repaired.
    mutating func readString(_ count: Int) throws(PickleError) -> String {
        let start = try take(count)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)])
        // ASCII (most keys and values) is valid UTF-8 as it stands: `String(decoding:)` then
        // repairs nothing, and skips `String(validating:)`, which is unspecialized and looks up
        // type metadata on every call (a tenth of a decode under `perf`).
        if Self.isASCII(slice) { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw fail(.invalidValue, "a str that is not valid UTF-8 (\(count) bytes)")
        }
        return text
    }

    /// Whether every byte is below 0x80, eight at a time.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= bytes.count {
            high |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            high |= UInt64(bytes[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// A newline-terminated ASCII line (`GLOBAL`'s module and name), at most 256 bytes.
    mutating func readLine() throws(PickleError) -> String {
        let end = frameEnd ?? bytes.count
        var index = position
        while index < end, bytes[index] != 0x0A {
            guard index - position < 256 else { throw fail(.limitExceeded, "a GLOBAL name longer than 256 bytes") }
            index += 1
        }
        guard index < end else { throw fail(frameEnd == nil ? .truncated : .badFrame, "a GLOBAL line with no newline") }
        let text = try readString(index - position)
        position += 1  // the newline
        return text
    }

    // MARK: The stack

    mutating func push(_ slot: Slot) { stack.append(slot) }

    mutating func pop() throws(PickleError) -> Slot {
        guard let slot = stack.popLast(), stack.count >= (marks.last ?? 0) else {
            throw fail(.malformed, "pops an empty stack")
        }
        return slot
    }

    func top() throws(PickleError) -> Slot {
        guard let slot = stack.last, stack.count > (marks.last ?? 0) else { throw fail(.malformed, "reads an empty stack") }
        return slot
    }

    /// The slots pushed since the last `MARK`, removed with the mark.
    mutating func popMark() throws(PickleError) -> [Slot] {
        guard let mark = marks.popLast() else { throw fail(.malformed, "has no MARK before it") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    /// A new node holding `items`, checked against the container limit.
    mutating func makeNode(_ kind: Node.Kind, _ items: [Slot] = []) throws(PickleError) -> Slot {
        try checkCount(items.count)
        nodes.append(Node(kind: kind, items: items, offset: opcodeOffset))
        return .node(nodes.count - 1)
    }

    func checkCount(_ count: Int) throws(PickleError) {
        guard count <= limits.maxContainerCount else {
            throw fail(.limitExceeded, "a container of \(count) elements, beyond maxContainerCount \(limits.maxContainerCount)")
        }
    }

    /// The node on top of the stack, which must be of `kind` and have room for `adding` more items.
    func nodeToExtend(kind: Node.Kind, name: String, adding: Int) throws(PickleError) -> Int {
        guard case .node(let index) = try top(), nodes[index].kind.matches(kind) else {
            throw fail(.malformed, "adds to something that is not a \(name)")
        }
        try checkCount(nodes[index].items.count + adding)
        return index
    }

    /// Moves the slots pushed since the last `MARK` into the node under the mark, which must be
    /// of `kind` (in pairs for a dict); the mark goes too. As ``popMark()`` then
    /// ``nodeToExtend(kind:name:adding:)``, without the array in between.
    mutating func extendNodeFromMark(kind: Node.Kind, name: String, pairs: Bool = false) throws(PickleError) {
        guard let mark = marks.popLast() else { throw fail(.malformed, "has no MARK before it") }
        let count = stack.count - mark
        guard !pairs || count % 2 == 0 else { throw fail(.malformed, "an odd number of keys and values (\(count))") }
        // The top of the stack once the items are gone: below the mark, above the mark before it.
        guard mark > (marks.last ?? 0) else { throw fail(.malformed, "reads an empty stack") }
        guard case .node(let index) = stack[mark - 1], nodes[index].kind.matches(kind) else {
            throw fail(.malformed, "adds to something that is not a \(name)")
        }
        try checkCount(nodes[index].items.count + count)
        nodes[index].items.append(contentsOf: stack[mark...])
        stack.removeLast(count)
    }

    // MARK: The memo

    mutating func memoPut(_ index: Int) throws(PickleError) {
        let slot = try top()
        if index < memo.count {
            memo[index] = slot
        } else if index == memo.count {
            memo.append(slot)
        } else {
            sparseMemo[index] = slot
        }
    }

    func memoGet(_ index: Int) throws(PickleError) -> Slot {
        if index < memo.count { return memo[index] }
        if let slot = sparseMemo[index] { return slot }
        throw fail(.missingMemo, "memo index \(index) was never stored")
    }
}

extension PickleReader.Node.Kind {
    /// Same case, ignoring payloads.
    func matches(_ other: Self) -> Bool {
        switch (self, other) {
        case (.list, .list), (.tuple, .tuple), (.dict, .dict), (.set, .set), (.frozenset, .frozenset), (.pendingUUID, .pendingUUID):
            return true
        case (.uuid, .uuid):
            return true
        default:
            return false
        }
    }
}
