/// One token of parsed JSON. The tape is the whole document in order, each container followed
/// by its contents, so a value is an index and skipping one is a jump to its `next`.
struct FastJSONTapeEntry {
    enum Kind: UInt8 {
        case null, `false`, `true`
        /// A number with no fraction or exponent.
        case integer
        case number
        /// A string with no escapes: its bytes are its UTF-8.
        case string
        case escapedString
        case array, object
    }

    var kind: Kind
    /// Where the token starts in the input; for a string, the byte after its opening quote.
    var start: Int
    /// Where a number ends, or a string's closing quote is. For a container: its element
    /// count (members for an object).
    var end: Int
    /// The index of the entry after this value and everything in it.
    var next: Int
}

/// A single-pass, validating JSON parser (RFC 8259) from bytes to a ``FastJSONTapeEntry`` tape.
///
/// Strings and numbers are validated but not converted: the decoder converts only what it is
/// asked for. Nesting deeper than `maximumDepth` is an error, not a stack overflow.
struct FastJSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let maximumDepth: Int
    private var position = 0
    private var tape: [FastJSONTapeEntry] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    /// The tape of the one value in the input, which may have whitespace around it.
    mutating func parse() throws(FastJSONSyntaxError) -> [FastJSONTapeEntry] {
        tape.reserveCapacity(min(bytes.count / 3 + 2, 4096))
        try parseValue(depth: 0)
        skipWhitespace()
        if position < bytes.count { throw error("unexpected \(describe(bytes[position])) after the value") }
        return tape
    }

    private mutating func parseValue(depth: Int) throws(FastJSONSyntaxError) {
        skipWhitespace()
        guard position < bytes.count else { throw error(position == 0 ? "empty input" : "unexpected end of input, a value expected") }
        switch bytes[position] {
        case UInt8(ascii: "{"): try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try parseLiteral("true", .true)
        case UInt8(ascii: "f"): try parseLiteral("false", .false)
        case UInt8(ascii: "n"): try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        case let byte: throw error("unexpected \(describe(byte)), a value expected")
        }
    }

    private mutating func parseObject(depth: Int) throws(FastJSONSyntaxError) {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth)") }
        let me = tape.count
        tape.append(FastJSONTapeEntry(kind: .object, start: position, end: 0, next: 0))
        position += 1
        var count = 0
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end of input in an object") }
                guard bytes[position] == UInt8(ascii: "\"") else { throw error("unexpected \(describe(bytes[position])), a key string expected") }
                try parseString()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw expected("':' after a key") }
                position += 1
                try parseValue(depth: depth)
                count += 1
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end of input in an object") }
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: ",") { continue }
                if byte == UInt8(ascii: "}") { break }
                position -= 1
                throw error("unexpected \(describe(byte)), ',' or '}' expected")
            }
        }
        tape[me].end = count
        tape[me].next = tape.count
    }

    private mutating func parseArray(depth: Int) throws(FastJSONSyntaxError) {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth)") }
        let me = tape.count
        tape.append(FastJSONTapeEntry(kind: .array, start: position, end: 0, next: 0))
        position += 1
        var count = 0
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                try parseValue(depth: depth)
                count += 1
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end of input in an array") }
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: ",") { continue }
                if byte == UInt8(ascii: "]") { break }
                position -= 1
                throw error("unexpected \(describe(byte)), ',' or ']' expected")
            }
        }
        tape[me].end = count
        tape[me].next = tape.count
    }

    /// Validates a string's escapes and its UTF-8 and rejects raw control characters; the
    /// decoder unescapes. The decoder makes Strings of these bytes as they are, so bytes that
    /// are not UTF-8 are refused here, as Foundation refuses them (RFC 8259 section 8.1),
    /// rather than read as U+FFFD.
    private mutating func parseString() throws(FastJSONSyntaxError) {
        let start = position + 1
        var index = start
        var escaped = false
        while true {
            guard index < bytes.count else { throw FastJSONSyntaxError("unterminated string", at: start - 1) }
            let byte = bytes[index]
            // Printable ASCII, the common case, costs the three tests it did before UTF-8 was
            // checked: this one and the two that follow.
            if byte &- 0x20 < 0x60 {
                if byte == UInt8(ascii: "\"") { break }
                if byte != UInt8(ascii: "\\") {
                    index += 1
                    continue
                }
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                guard index + 1 < bytes.count else { throw FastJSONSyntaxError("unterminated string", at: start - 1) }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 2
                case UInt8(ascii: "u"):
                    for offset in 2..<6 {
                        guard index + offset < bytes.count else { throw FastJSONSyntaxError("unterminated string", at: start - 1) }
                        guard FastJSONParser.hexValue(bytes[index + offset]) != nil else { throw FastJSONSyntaxError("invalid \\u escape", at: index) }
                    }
                    index += 6
                default:
                    throw FastJSONSyntaxError("invalid escape \\\(describe(bytes[index + 1]))", at: index)
                }
                continue
            }
            if byte < 0x20 { throw FastJSONSyntaxError("unescaped control character \(describe(byte)) in a string", at: index) }
            index += try utf8Length(at: index, inStringAt: start - 1)
        }
        tape.append(FastJSONTapeEntry(kind: escaped ? .escapedString : .string, start: start, end: index, next: tape.count + 1))
        position = index + 1
    }

    /// The length of the well-formed UTF-8 sequence at `index`, whose first byte is 0x80 or
    /// above, in a string whose quote is at `quote`. Well-formed is the Unicode Standard's
    /// table 3-7: no overlong forms, no UTF-16 surrogates (U+D800...U+DFFF), nothing above
    /// U+10FFFF, no sequence cut short. Only the second byte's range depends on the first.
    private func utf8Length(at index: Int, inStringAt quote: Int) throws(FastJSONSyntaxError) -> Int {
        let lead = bytes[index]
        let length: Int
        var second: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: length = 4
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: throw invalidUTF8(at: index, count: 1)
        }
        for offset in 1..<length {
            // Cut off by the end of the input: the string has no closing quote either.
            guard index + offset < bytes.count else { throw FastJSONSyntaxError("unterminated string", at: quote) }
            let byte = bytes[index + offset]
            guard (offset == 1 ? second : 0x80...0xBF).contains(byte) else { throw invalidUTF8(at: index, count: offset + 1) }
        }
        return length
    }

    /// The error for the `count` bytes at `index` that start no well-formed UTF-8 sequence,
    /// saying why (the last of them is the first that cannot be).
    private func invalidUTF8(at index: Int, count: Int) -> FastJSONSyntaxError {
        let sequence = bytes[index..<(index + count)]
        let lead = sequence.first!
        let last = sequence.last!
        let why: String
        switch (lead, count) {
        case (0x80...0xBF, 1): why = "a continuation byte with no first byte"
        case (0xC0...0xC1, 1): why = "an overlong encoding"
        case (0xF5...0xF7, 1): why = "a code point above U+10FFFF"
        case (_, 1): why = "a byte never used in UTF-8"
        case (0xE0, 2) where (0x80...0x9F).contains(last), (0xF0, 2) where (0x80...0x8F).contains(last): why = "an overlong encoding"
        case (0xED, 2) where (0xA0...0xBF).contains(last): why = "a UTF-16 surrogate"
        case (0xF4, 2) where (0x90...0xBF).contains(last): why = "a code point above U+10FFFF"
        default: why = "a sequence cut short by \(describe(last))"
        }
        let hex = sequence.map { "0x" + String($0, radix: 16) }.joined(separator: " ")
        return FastJSONSyntaxError("invalid UTF-8 in a string (\(hex): \(why))", at: index)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func parseNumber() throws(FastJSONSyntaxError) {
        let start = position
        var index = position
        var integer = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw FastJSONSyntaxError("invalid number, a digit expected", at: index) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integer = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw FastJSONSyntaxError("invalid number, a digit expected after '.'", at: index) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integer = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw FastJSONSyntaxError("invalid number, a digit expected in the exponent", at: index) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        tape.append(FastJSONTapeEntry(kind: integer ? .integer : .number, start: start, end: index, next: tape.count + 1))
        position = index
    }

    private mutating func parseLiteral(_ literal: StaticString, _ kind: FastJSONTapeEntry.Kind) throws(FastJSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count,
            literal.withUTF8Buffer({ $0.elementsEqual(bytes[position..<(position + count)]) })
        else { throw error("unexpected \(describe(bytes[position])), a value expected") }
        tape.append(FastJSONTapeEntry(kind: kind, start: position, end: position + count, next: tape.count + 1))
        position += count
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): position += 1
            default: return
            }
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    private func error(_ reason: String) -> FastJSONSyntaxError { FastJSONSyntaxError(reason, at: position) }

    private func expected(_ what: String) -> FastJSONSyntaxError {
        position < bytes.count ? error("unexpected \(describe(bytes[position])), \(what) expected") : error("unexpected end of input, \(what) expected")
    }

    private func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
