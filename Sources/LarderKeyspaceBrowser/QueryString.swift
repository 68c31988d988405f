/// A URL's query (`db=1&match=%3A1%3A*&cursor=0`) decoded into names and values, with `+` as a
/// space and `%XX` as a byte, as browsers encode a form sent with GET.
struct QueryString: Sendable {
    private var pairs: [(name: String, value: [UInt8])] = []

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&") {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(decoding: Self.decode(pieces[0]), as: UTF8.self)
            pairs.append((name, pieces.count > 1 ? Self.decode(pieces[1]) : []))
        }
    }

    /// The first value of `name` as text (bytes that are not UTF-8 replaced), or `nil`.
    subscript(name: String) -> String? { bytes(name).map { String(decoding: $0, as: UTF8.self) } }

    /// The first value of `name` as the bytes sent, or `nil`: a key name may be any bytes.
    func bytes(_ name: String) -> [UInt8]? { pairs.first { $0.name == name }?.value }

    static func decode(_ text: Substring) -> [UInt8] {
        var bytes: [UInt8] = []
        var utf8 = text.utf8[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), let escaped = Self.hexByte(utf8.prefix(2)) {
                bytes.append(escaped)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }

    /// `text` for a query value: everything but unreserved characters percent-encoded.
    static func encode(_ text: String) -> String {
        encode(bytes: Array(text.utf8))
    }

    /// `bytes` for a query value, percent-encoded.
    static func encode(bytes: [UInt8]) -> String {
        var encoded = ""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0x0F, radix: 16, uppercase: true)
            }
        }
        return encoded
    }

    /// The byte two hex digits stand for, or `nil` unless both are hex digits.
    static func hexByte(_ digits: Substring.UTF8View.SubSequence) -> UInt8? {
        let text = String(decoding: digits, as: UTF8.self)
        guard text.count == 2, text.allSatisfy(\.isHexDigit) else { return nil }
        return UInt8(text, radix: 16)
    }
}
