/// Writes a ``FastJSONNode`` as compact JSON bytes: sorted keys, no whitespace, `/` unescaped,
/// numbers and escapes as Foundation's `JSONEncoder` writes them.
struct FastJSONWriter {
    private(set) var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(128)
    }

    mutating func write(_ node: FastJSONNode) {
        switch node {
        case .null: append("null")
        case .bool(let value): append(value ? "true" : "false")
        case .int(let value):
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            writeDigits(value.magnitude)
        case .uint(let value): writeDigits(value)
        case .double(let value): writeNumber(value.description)
        case .float(let value): writeNumber(value.description)
        case .number(let text): append(text)
        case .string(let value): writeString(value)
        case .array(let box):
            bytes.append(UInt8(ascii: "["))
            var first = true
            for value in box.values {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                write(value)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let box):
            writeObject(box)
        case .deferred(let encoder):
            write(encoder.value ?? .object(FastJSONObjectBox()))
        }
    }

    private mutating func writeObject(_ box: FastJSONObjectBox) {
        // Sorted once, here, so that equal values are equal bytes; the sort is stable, so of
        // a key encoded twice the later value is the one kept, as with Foundation.
        if box.members.count > 1 { box.members.sort { $0.key < $1.key } }
        let members = box.members
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for index in members.indices {
            if index + 1 < members.count, members[index + 1].key == members[index].key { continue }
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            writeString(members[index].key)
            bytes.append(UInt8(ascii: ":"))
            write(members[index].value)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// `description` without a trailing `.0`, as Foundation writes `1.0` as `1`.
    private mutating func writeNumber(_ text: String) {
        var text = text
        if text.hasSuffix(".0") { text.removeLast(2) }
        append(text)
    }

    private mutating func writeDigits(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(truncatingIfNeeded: value) &+ UInt8(ascii: "0"))
            return
        }
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &scratch) { buffer in
            var index = buffer.count
            var rest = value
            while rest > 0 {
                index -= 1
                buffer[index] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
                rest /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index...]))
        }
    }

    private mutating func writeString(_ value: String) {
        var value = value
        bytes.append(UInt8(ascii: "\""))
        value.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                runStart = index + 1
                writeEscape(byte)
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The escapes Foundation writes: the short ones where JSON has them, `\u00XX` otherwise.
    private mutating func writeEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            let digits = hex.utf8Start
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }
    }
}
