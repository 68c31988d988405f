/// Why bytes from the peer are not a valid RESP frame, or exceed the configured limits.
///
/// Each case carries the byte offset (from the start of the frame being decoded) where the
/// problem was found. After such an error the stream cannot be resynchronised: close the
/// connection.
public enum RESPDecodeError: Error, Hashable, Sendable {
    /// The byte where a frame should start is not one of RESP's type bytes. Typically the peer is
    /// not a Redis server (an HTTP or TLS server answers with `H` or `\u{15}`).
    case unknownType(byte: UInt8, offset: Int)
    /// A line did not end with `\r\n` (a `\r` followed by something else).
    case missingCRLF(offset: Int)
    /// A line is longer than ``RESPLimits/maxLineLength`` without its `\r\n`.
    case lineTooLong(limit: Int, offset: Int)
    /// A length or count header is not a decimal number, or is negative where only `-1` (null)
    /// is allowed.
    case invalidLength(String, offset: Int)
    /// A bulk string announced more bytes than ``RESPLimits/maxBulkLength``.
    case bulkTooLong(length: Int, limit: Int, offset: Int)
    /// An aggregate announced more elements than ``RESPLimits/maxAggregateCount``.
    case aggregateTooLarge(count: Int, limit: Int, offset: Int)
    /// Aggregates nest deeper than ``RESPLimits/maxDepth``.
    case nestedTooDeeply(limit: Int, offset: Int)
    /// A frame's body does not match its type: `:abc`, `#x`, `,1.2.3`, `(12a`, `_x`, a verbatim
    /// string without its `xxx:` format.
    case invalidValue(type: RESPTypeIdentifier, text: String, offset: Int)
}

extension RESPDecodeError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unknownType(let byte, let offset):
            let shown = (0x20..<0x7F).contains(byte) ? "'\(Character(UnicodeScalar(byte)))'" : "0x\(String(byte, radix: 16))"
            return "not RESP: byte \(shown) at offset \(offset) does not start a Redis reply. "
                + "Is the peer a Redis server (and not TLS, HTTP or another service)?"
        case .missingCRLF(let offset):
            return "not RESP: a line is not terminated by \\r\\n at offset \(offset)"
        case .lineTooLong(let limit, let offset):
            return "a reply line at offset \(offset) is longer than \(limit) bytes without \\r\\n; "
                + "the peer is probably not a Redis server (raise RESPLimits.maxLineLength if it is)"
        case .invalidLength(let text, let offset):
            return "not RESP: invalid length '\(text)' at offset \(offset)"
        case .bulkTooLong(let length, let limit, let offset):
            return "a reply of \(length) bytes at offset \(offset) exceeds the limit of \(limit) bytes; "
                + "it was refused before being read (raise RESPLimits.maxBulkLength to accept it)"
        case .aggregateTooLarge(let count, let limit, let offset):
            return "a reply announcing \(count) elements at offset \(offset) exceeds the limit of \(limit); "
                + "raise RESPLimits.maxAggregateCount to accept it"
        case .nestedTooDeeply(let limit, let offset):
            return "a reply nests deeper than \(limit) levels at offset \(offset); raise RESPLimits.maxDepth to accept it"
        case .invalidValue(let type, let text, let offset):
            return "not RESP: '\(text)' at offset \(offset) is not a valid \(type.name)"
        }
    }
}
