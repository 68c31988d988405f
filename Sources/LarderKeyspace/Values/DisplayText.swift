import NIOCore
import LarderRedis
/// Untrusted bytes (a key name, a value) made safe to print on a terminal and short enough to
/// read: what is not printable UTF-8 is escaped, so no key can move the cursor, change colours
/// or reverse text on the reader's terminal.
public enum DisplayText {
    /// `bytes` as text: printable characters as they are; `\` as `\\`; `\n`, `\r`, `\t`;
    /// other control and format characters (ANSI escapes, bidirectional overrides) as `\u{..}`;
    /// bytes that are not UTF-8 as `\xNN`, as `redis-cli` shows them. At most `limit`
    /// characters of the input are shown, then `…`.
    ///
    /// ```swift
    /// DisplayText.escaped(Array("red\u{1B}[31m".utf8))   // red\u{1b}[31m
    /// ```
    public static func escaped(_ bytes: some Collection<UInt8>, limit: Int = .max) -> String {
        let bytes = Array(bytes)
        var output = ""
        var index = 0
        var shown = 0
        while index < bytes.count, shown < limit {
            if let (scalar, length) = scalar(in: bytes, at: index) {
                output += escape(scalar)
                index += length
            } else {
                output += "\\x" + hex(bytes[index])
                index += 1
            }
            shown += 1
        }
        if index < bytes.count { output += "…" }
        return output
    }

    /// A key's name escaped as ``escaped(_:limit:)`` does.
    public static func escaped(_ key: RedisKey, limit: Int = .max) -> String {
        escaped(key.bytes.readableBytesView, limit: limit)
    }

    /// `text` escaped as ``escaped(_:limit:)`` does.
    public static func escaped(_ text: String, limit: Int = .max) -> String {
        escaped(Array(text.utf8), limit: limit)
    }

    /// The scalar encoded at `index` and its length in bytes, or `nil` when the bytes there are
    /// not well-formed UTF-8 (a stray continuation byte, an overlong form, a surrogate).
    static func scalar(in bytes: [UInt8], at index: Int) -> (Unicode.Scalar, Int)? {
        let lead = bytes[index]
        let length: Int
        var value: UInt32
        switch lead {
        case 0x00...0x7F: return (Unicode.Scalar(lead), 1)
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(lead & 0x07)
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        for byte in bytes[(index + 1)..<(index + length)] {
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        let smallest: UInt32 = length == 3 ? 0x800 : length == 4 ? 0x10000 : 0x80
        guard value >= smallest, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\\": return "\\\\"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned:
                return "\\u{" + String(scalar.value, radix: 16) + "}"
            default:
                return String(scalar)
            }
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
