/// Why bytes from the peer are not a valid RESP frame, or exceed the configured limits.
///
/// ``code`` says which problem it is; every error carries the byte ``offset`` (from the start
/// of the frame being decoded) where it was found, and the accessors return the rest of what
/// was found there. After such an error the stream cannot be resynchronised: close the
/// connection.
///
/// A struct rather than an enum so that new codes can be added without breaking a caller's
/// `switch` (the shape of Hummingbird's `HTTPError` and valkey-swift's `ValkeyClientError`):
///
/// ```swift
/// do throws(RESPDecodeError) {
///     _ = try decoder.decode(buffer: &buffer)
/// } catch {
///     if error.code == .bulkTooLong { print("refused \(error.length ?? 0) bytes, over \(error.limit ?? 0)") }
/// }
/// ```
public struct RESPDecodeError: Error, Hashable, Sendable {
    /// Which problem a ``RESPDecodeError`` is. New codes may be added in any release: compare
    /// with `==`, and give a `switch` over codes a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        // Internal, not public: outside the module a code is only its static members, so one
        // can be added without breaking anyone; inside, a `switch` over `base` stays exhaustive
        // and the compiler points at every place a new code must be handled.
        enum Base: String, Hashable, Sendable {
            case unknownType, missingCRLF, lineTooLong, invalidLength, bulkTooLong, aggregateTooLarge, nestedTooDeeply, invalidValue
        }

        let base: Base

        /// The byte where a frame should start is not one of RESP's type bytes. Typically the
        /// peer is not a Redis server (an HTTP or TLS server answers with `H` or `\u{15}`).
        public static var unknownType: Self { Self(base: .unknownType) }
        /// A line did not end with `\r\n` (a `\r` followed by something else).
        public static var missingCRLF: Self { Self(base: .missingCRLF) }
        /// A line is longer than ``RESPLimits/maxLineLength`` without its `\r\n`.
        public static var lineTooLong: Self { Self(base: .lineTooLong) }
        /// A length or count header is not a decimal number, or is negative where only `-1`
        /// (null) is allowed.
        public static var invalidLength: Self { Self(base: .invalidLength) }
        /// A bulk string announced more bytes than ``RESPLimits/maxBulkLength``.
        public static var bulkTooLong: Self { Self(base: .bulkTooLong) }
        /// An aggregate announced more elements than ``RESPLimits/maxAggregateCount``.
        public static var aggregateTooLarge: Self { Self(base: .aggregateTooLarge) }
        /// Aggregates nest deeper than ``RESPLimits/maxDepth``.
        public static var nestedTooDeeply: Self { Self(base: .nestedTooDeeply) }
        /// A frame's body does not match its type: `:abc`, `#x`, `,1.2.3`, `(12a`, `_x`, a
        /// verbatim string without its `xxx:` format.
        public static var invalidValue: Self { Self(base: .invalidValue) }

        /// The code's name, e.g. `bulkTooLong`.
        public var description: String { base.rawValue }
    }

    /// What was found, kept typed; the public accessors read it.
    private enum Payload: Hashable, Sendable {
        case unknownType(byte: UInt8, offset: Int)
        case missingCRLF(offset: Int)
        case lineTooLong(limit: Int, offset: Int)
        case invalidLength(String, offset: Int)
        case bulkTooLong(length: Int, limit: Int, offset: Int)
        case aggregateTooLarge(count: Int, limit: Int, offset: Int)
        case nestedTooDeeply(limit: Int, offset: Int)
        case invalidValue(type: RESPTypeIdentifier, text: String, offset: Int)
    }

    private let payload: Payload

    private init(_ payload: Payload) { self.payload = payload }

    // MARK: Creating errors (the names the enum this type replaced had)

    /// The byte at `offset`, which should start a frame, is not a RESP type byte.
    public static func unknownType(byte: UInt8, offset: Int) -> Self { Self(.unknownType(byte: byte, offset: offset)) }
    /// The line ending at `offset` is not terminated by `\r\n`.
    public static func missingCRLF(offset: Int) -> Self { Self(.missingCRLF(offset: offset)) }
    /// The line starting at `offset` is longer than `limit` bytes without its `\r\n`.
    public static func lineTooLong(limit: Int, offset: Int) -> Self { Self(.lineTooLong(limit: limit, offset: offset)) }
    /// The length or count header `text` at `offset` is not a valid length.
    public static func invalidLength(_ text: String, offset: Int) -> Self { Self(.invalidLength(text, offset: offset)) }
    /// The bulk string at `offset` announced `length` bytes, more than `limit`.
    public static func bulkTooLong(length: Int, limit: Int, offset: Int) -> Self {
        Self(.bulkTooLong(length: length, limit: limit, offset: offset))
    }
    /// The aggregate at `offset` announced `count` elements, more than `limit`.
    public static func aggregateTooLarge(count: Int, limit: Int, offset: Int) -> Self {
        Self(.aggregateTooLarge(count: count, limit: limit, offset: offset))
    }
    /// The aggregate at `offset` nests deeper than `limit` levels.
    public static func nestedTooDeeply(limit: Int, offset: Int) -> Self { Self(.nestedTooDeeply(limit: limit, offset: offset)) }
    /// The body `text` at `offset` is not a valid value of `type`.
    public static func invalidValue(type: RESPTypeIdentifier, text: String, offset: Int) -> Self {
        Self(.invalidValue(type: type, text: text, offset: offset))
    }

    // MARK: What was found

    /// Which problem this is.
    public var code: Code {
        switch payload {
        case .unknownType: .unknownType
        case .missingCRLF: .missingCRLF
        case .lineTooLong: .lineTooLong
        case .invalidLength: .invalidLength
        case .bulkTooLong: .bulkTooLong
        case .aggregateTooLarge: .aggregateTooLarge
        case .nestedTooDeeply: .nestedTooDeeply
        case .invalidValue: .invalidValue
        }
    }

    /// Where the problem was found, in bytes from the start of the frame being decoded.
    public var offset: Int {
        switch payload {
        case .unknownType(_, let offset), .missingCRLF(let offset), .lineTooLong(_, let offset),
            .invalidLength(_, let offset), .bulkTooLong(_, _, let offset), .aggregateTooLarge(_, _, let offset),
            .nestedTooDeeply(_, let offset), .invalidValue(_, _, let offset):
            offset
        }
    }

    /// The byte that does not start a frame (``Code/unknownType``); `nil` for other codes.
    public var byte: UInt8? {
        if case .unknownType(let byte, _) = payload { byte } else { nil }
    }

    /// The limit the frame exceeded (``Code/lineTooLong``, ``Code/bulkTooLong``,
    /// ``Code/aggregateTooLarge``, ``Code/nestedTooDeeply``); `nil` for other codes.
    public var limit: Int? {
        switch payload {
        case .lineTooLong(let limit, _), .bulkTooLong(_, let limit, _), .aggregateTooLarge(_, let limit, _),
            .nestedTooDeeply(let limit, _):
            limit
        default: nil
        }
    }

    /// The length a bulk string announced (``Code/bulkTooLong``); `nil` for other codes.
    public var length: Int? {
        if case .bulkTooLong(let length, _, _) = payload { length } else { nil }
    }

    /// The element count an aggregate announced (``Code/aggregateTooLarge``); `nil` for other codes.
    public var count: Int? {
        if case .aggregateTooLarge(let count, _, _) = payload { count } else { nil }
    }

    /// The text that is not valid: the length header (``Code/invalidLength``) or the value
    /// (``Code/invalidValue``); `nil` for other codes.
    public var text: String? {
        switch payload {
        case .invalidLength(let text, _), .invalidValue(_, let text, _): text
        default: nil
        }
    }

    /// The type whose value is not valid (``Code/invalidValue``); `nil` for other codes.
    public var type: RESPTypeIdentifier? {
        if case .invalidValue(let type, _, _) = payload { type } else { nil }
    }
}

extension RESPDecodeError: CustomStringConvertible {
    /// A sentence naming what arrived, where, and which limit to raise when one was exceeded.
    public var description: String {
        switch payload {
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
