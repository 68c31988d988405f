#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds where one RESP frame ends, validating every byte of it on the way.
///
/// Works on raw bytes so that validating a frame costs no allocation. Offsets are relative to
/// the start of `bytes`. Returns `nil` when the bytes end before the frame does.
struct RESPScanner {
    let bytes: UnsafeRawBufferPointer
    let limits: RESPLimits

    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A

    /// The offset just past the frame starting at `start`, or `nil` if it is incomplete.
    func frameEnd(from start: Int, depth: Int = 0) throws(RESPDecodeError) -> Int? {
        // An attribute annotates the value that follows it; both form one frame. Attributes may
        // follow one another, so walk them in a loop: recursing once per attribute would let a
        // peer overflow the stack with a long run of `|0\r\n` that no limit counts.
        var position = start
        while true {
            guard let end = try elementEnd(from: position, depth: depth) else { return nil }
            guard bytes[position] == RESPTypeIdentifier.attribute.rawValue else { return end }
            position = end
        }
    }

    /// The offset just past the element starting at `start` (for an attribute, just past its
    /// pairs, without the value it annotates), or `nil` if it is incomplete.
    func elementEnd(from start: Int, depth: Int) throws(RESPDecodeError) -> Int? {
        guard start < bytes.count else { return nil }
        let typeByte = bytes[start]
        guard let type = RESPTypeIdentifier(rawValue: typeByte) else {
            throw .unknownType(byte: typeByte, offset: start)
        }
        guard let lineEnd = try lineEnd(from: start + 1) else { return nil }
        let afterLine = lineEnd + 2
        let line = start + 1..<lineEnd

        switch type {
        case .simpleString, .simpleError:
            return afterLine
        case .integer:
            guard parseInteger(line) != nil else { throw invalid(type, line) }
            return afterLine
        case .null:
            guard line.isEmpty else { throw invalid(type, line) }
            return afterLine
        case .boolean:
            guard line.count == 1, bytes[line.lowerBound] == UInt8(ascii: "t") || bytes[line.lowerBound] == UInt8(ascii: "f")
            else { throw invalid(type, line) }
            return afterLine
        case .double:
            guard isValidDouble(line) else { throw invalid(type, line) }
            return afterLine
        case .bigNumber:
            guard isValidBigNumber(line) else { throw invalid(type, line) }
            return afterLine
        case .bulkString, .bulkError, .verbatimString:
            let length = try length(line, allowNull: type == .bulkString)
            if length < 0 { return afterLine }  // `$-1`: RESP2 null bulk string
            guard length <= limits.maxBulkLength else {
                throw .bulkTooLong(length: length, limit: limits.maxBulkLength, offset: start)
            }
            // Compared before adding: with a huge maxBulkLength, `afterLine + length` could overflow.
            guard length <= bytes.count - afterLine - 2 else { return nil }
            let end = afterLine + length
            guard bytes[end] == Self.cr, bytes[end + 1] == Self.lf else { throw .missingCRLF(offset: end) }
            if type == .verbatimString {
                guard length >= 4, bytes[afterLine + 3] == UInt8(ascii: ":") else {
                    throw invalid(type, afterLine..<min(end, afterLine + 8))
                }
            }
            return end + 2
        case .array, .set, .push, .map, .attribute:
            guard let header = try aggregateHeader(type, line: line, start: start, depth: depth) else { return afterLine }
            var position = afterLine
            for _ in 0..<header.count {
                for _ in 0..<header.elementsPerEntry {
                    guard let next = try frameEnd(from: position, depth: depth + 1) else { return nil }
                    position = next
                }
            }
            return position
        }
    }

    /// An aggregate's entry count and elements per entry (2 for a map or attribute, whose
    /// entries are pairs), checked against the limits; `nil` for RESP2's null array `*-1`.
    /// Pairs are counted as entries, not as `count * 2` elements, which overflows when
    /// maxAggregateCount is unbounded.
    func aggregateHeader(
        _ type: RESPTypeIdentifier, line: Range<Int>, start: Int, depth: Int
    ) throws(RESPDecodeError) -> (count: Int, elementsPerEntry: Int)? {
        let count = try length(line, allowNull: type == .array)
        if count < 0 { return nil }
        guard count <= limits.maxAggregateCount else {
            throw .aggregateTooLarge(count: count, limit: limits.maxAggregateCount, offset: start)
        }
        guard depth < limits.maxDepth else { throw .nestedTooDeeply(limit: limits.maxDepth, offset: start) }
        return (count, (type == .map || type == .attribute) ? 2 : 1)
    }

    // MARK: Resuming a large frame

    /// Where the scan of an incomplete top-level aggregate stopped: its next unvalidated
    /// element, and how many entries and elements of the current entry are left.
    struct Checkpoint: Sendable, Hashable {
        var position: Int
        var entriesLeft: Int
        var elementsPerEntry: Int
        var elementsLeftInEntry: Int
    }

    /// How a resumable scan ended.
    enum Outcome {
        case complete(end: Int)
        case incomplete(Checkpoint?)
    }

    /// Like ``frameEnd(from:depth:)`` for the frame at offset 0, but an incomplete top-level
    /// aggregate (a large `KEYS`, `MGET` or `SCAN` reply arriving in many reads) returns a
    /// checkpoint, so the next call validates only the elements that arrived since, instead of
    /// the whole frame again: linear instead of quadratic in the reply's size.
    func scanFrame(resuming checkpoint: Checkpoint?) throws(RESPDecodeError) -> Outcome {
        var state: Checkpoint
        if let checkpoint {
            state = checkpoint
        } else {
            guard !bytes.isEmpty else { return .incomplete(nil) }
            guard let type = RESPTypeIdentifier(rawValue: bytes[0]), type.isResumableAggregate else {
                // Scalars, and attributes (rare, small): validated whole each time.
                return try frameEnd(from: 0).map { .complete(end: $0) } ?? .incomplete(nil)
            }
            guard let lineEnd = try lineEnd(from: 1) else { return .incomplete(nil) }
            guard let header = try aggregateHeader(type, line: 1..<lineEnd, start: 0, depth: 0) else {
                return .complete(end: lineEnd + 2)
            }
            state = Checkpoint(
                position: lineEnd + 2, entriesLeft: header.count, elementsPerEntry: header.elementsPerEntry,
                elementsLeftInEntry: header.elementsPerEntry)
        }
        while state.entriesLeft > 0 {
            guard let next = try frameEnd(from: state.position, depth: 1) else { return .incomplete(state) }
            state.position = next
            state.elementsLeftInEntry -= 1
            if state.elementsLeftInEntry == 0 {
                state.entriesLeft -= 1
                state.elementsLeftInEntry = state.elementsPerEntry
            }
        }
        return .complete(end: state.position)
    }

    /// The offset of the `\r` ending the line that starts at `start`, or `nil` if incomplete.
    func lineEnd(from start: Int) throws(RESPDecodeError) -> Int? {
        let available = bytes.count - start
        guard available > 0 else { return nil }
        // One byte past the limit is enough to tell an overlong line; written so that a
        // maxLineLength of `Int.max` does not overflow.
        let searchLength = available > limits.maxLineLength ? limits.maxLineLength + 1 : available
        let base = bytes.baseAddress! + start
        guard let found = memchr(base, Int32(Self.cr), searchLength) else {
            if available > limits.maxLineLength {
                throw .lineTooLong(limit: limits.maxLineLength, offset: start)
            }
            return nil
        }
        let crOffset = start + (UnsafeRawPointer(found) - UnsafeRawPointer(base))
        guard crOffset + 1 < bytes.count else { return nil }
        guard bytes[crOffset + 1] == Self.lf else { throw .missingCRLF(offset: crOffset) }
        return crOffset
    }

    /// A length header: a non-negative decimal, or `-1` where the type allows null.
    func length(_ line: Range<Int>, allowNull: Bool) throws(RESPDecodeError) -> Int {
        guard let value = parseInteger(line), value >= 0 || (allowNull && value == -1), value <= Int.max
        else { throw .invalidLength(text(line), offset: line.lowerBound) }
        return Int(value)
    }

    /// Parses `[-+]?[0-9]+` as an `Int64`, or returns `nil` on anything else, including overflow.
    func parseInteger(_ line: Range<Int>) -> Int64? {
        var index = line.lowerBound
        guard index < line.upperBound else { return nil }
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < line.upperBound else { return nil }
        var value: Int64 = 0
        while index < line.upperBound {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            // Accumulate negatively so that Int64.min parses too.
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = next
            index += 1
        }
        if negative { return value }
        guard value != Int64.min else { return nil }
        return -value
    }

    /// RESP3 doubles: `[-+]?digits[.digits][e[-+]digits]`, `inf`, `-inf`, `nan`.
    func isValidDouble(_ line: Range<Int>) -> Bool {
        let text = text(line)
        switch text {
        case "inf", "-inf", "+inf", "nan", "-nan": return true
        default: break
        }
        var index = line.lowerBound
        func digits() -> Int {
            let start = index
            while index < line.upperBound, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            return index - start
        }
        if index < line.upperBound, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        var mantissaDigits = digits()
        if index < line.upperBound, bytes[index] == UInt8(ascii: ".") {
            index += 1
            mantissaDigits += digits()
        }
        guard mantissaDigits > 0 else { return false }
        if index < line.upperBound, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < line.upperBound, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == line.upperBound
    }

    /// RESP3 big numbers: `-?[0-9]+` of any length.
    func isValidBigNumber(_ line: Range<Int>) -> Bool {
        var index = line.lowerBound
        if index < line.upperBound, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        guard index < line.upperBound else { return false }
        while index < line.upperBound {
            guard bytes[index] &- UInt8(ascii: "0") < 10 else { return false }
            index += 1
        }
        return true
    }

    /// The bytes of `range` as text for an error message, cut short and made printable.
    func text(_ range: Range<Int>) -> String {
        let shown = bytes[range.lowerBound..<min(range.upperBound, range.lowerBound + 40)]
        var result = ""
        for byte in shown {
            switch byte {
            case Self.cr: result += "\\r"
            case Self.lf: result += "\\n"
            case 0x20..<0x7F: result.unicodeScalars.append(UnicodeScalar(byte))
            default: result += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        if range.count > 40 { result += "…" }
        return result
    }

    func invalid(_ type: RESPTypeIdentifier, _ range: Range<Int>) -> RESPDecodeError {
        .invalidValue(type: type, text: text(range), offset: range.lowerBound)
    }
}
