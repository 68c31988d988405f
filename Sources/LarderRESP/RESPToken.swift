import NIOCore

/// One complete, validated RESP frame: a slice of the bytes received, decoded lazily.
///
/// The decoder only checks that the frame is well formed; converting it into Swift values
/// happens when ``value`` (or a ``RESPTokenDecodable`` initialiser) is asked for, and nested
/// aggregates hand out further tokens that share the same storage.
public struct RESPToken: Hashable, Sendable {
    /// The frame's bytes, exactly as received (type byte through final `\r\n`).
    public let base: ByteBuffer

    /// Wraps bytes that ``RESPDecoder`` has validated as exactly one frame.
    init(validated base: ByteBuffer) {
        self.base = base
    }

    /// Decodes `bytes` as exactly one frame, for tests and for building tokens by hand.
    ///
    /// - Throws: ``RESPDecodeError`` if `bytes` is not one complete valid frame.
    public init(validating bytes: ByteBuffer, limits: RESPLimits = RESPLimits()) throws(RESPDecodeError) {
        var buffer = bytes
        var decoder = RESPDecoder(limits: limits)
        guard let token = try decoder.decode(buffer: &buffer) else {
            throw .invalidLength("incomplete frame (\(bytes.readableBytes) bytes)", offset: bytes.readableBytes)
        }
        guard buffer.readableBytes == 0 else {
            throw .invalidValue(type: token.type, text: "\(buffer.readableBytes) bytes after the frame", offset: token.base.readableBytes)
        }
        self = token
    }

    /// A frame's value. Aggregates are views into the same bytes.
    public enum Value: Hashable, Sendable {
        /// `+OK`
        case simpleString(ByteBuffer)
        /// `-ERR message`: the whole line, code included.
        case simpleError(ByteBuffer)
        /// `$5\r\nhello`
        case bulkString(ByteBuffer)
        /// `!21\r\nSYNTAX invalid syntax`
        case bulkError(ByteBuffer)
        /// `=15\r\ntxt:Some string`: the three-letter format and the content after the colon.
        case verbatimString(format: String, content: ByteBuffer)
        /// `:1000`
        case integer(Int64)
        /// `,3.14`, `,inf`, `,nan`
        case double(Double)
        /// `#t`, `#f`
        case boolean(Bool)
        /// `_`, and RESP2's `$-1` and `*-1`.
        case null
        /// `(3492890328409238509324850943850943825024385`: the digits, as text.
        case bigNumber(ByteBuffer)
        /// `*2\r\n...`
        case array(RESPToken.Array)
        /// `~2\r\n...`
        case set(RESPToken.Array)
        /// `>2\r\n...`: out-of-band data (pub/sub, client tracking), not a reply to a command.
        case push(RESPToken.Array)
        /// `%2\r\n...`
        case map(RESPToken.Map)
    }

    /// The frame's type, as its first byte says; for an attributed value, the value's type.
    public var type: RESPTypeIdentifier {
        // Read in place when no attributes come first (nearly always): no copy of the bytes,
        // which this is asked for once per reply.
        let first = base.getInteger(at: base.readerIndex, as: UInt8.self)!
        if first != RESPTypeIdentifier.attribute.rawValue { return RESPTypeIdentifier(rawValue: first)! }
        var body = valueBytes
        return RESPTypeIdentifier(rawValue: body.readInteger(as: UInt8.self)!)!
    }

    /// The bytes of a bulk string reply (`$3\r\nxxx\r\n`), read in place without building
    /// its ``value``: a cache's commonest reply (`GET`) costs one slice. `nil` for any other
    /// reply, a null bulk string, or one behind attributes (``value`` reads those).
    public var bulkStringBytes: ByteBuffer? {
        let located: (offset: Int, length: Int)? = base.withUnsafeReadableBytes { bytes in
            // Validated bytes: a `$`, decimal digits (or `-1`), CR LF, the payload, CR LF.
            guard bytes.count > 3, bytes[0] == RESPTypeIdentifier.bulkString.rawValue, bytes[1] != UInt8(ascii: "-") else { return nil }
            var end = 1
            var length = 0
            while bytes[end] != RESPScanner.cr {
                let digit = bytes[end] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }  // `$+3`: the decoder allows a sign; ``value`` reads it
                length = length &* 10 &+ Int(digit)
                end += 1
            }
            return (end + 2, length)
        }
        guard let located else { return nil }
        return base.getSlice(at: base.readerIndex + located.offset, length: located.length)
    }

    /// Whether the value is null (`_`, or RESP2's `$-1` / `*-1`), read from its first bytes
    /// without decoding it.
    public var isNull: Bool {
        // In place when no attributes come first, as `type`.
        let start = base.readerIndex
        guard let first = base.getInteger(at: start, as: UInt8.self) else { return false }
        guard first != RESPTypeIdentifier.attribute.rawValue else { return RESPToken(validated: valueBytes).isNull }
        switch first {
        case RESPTypeIdentifier.null.rawValue: return true
        case RESPTypeIdentifier.bulkString.rawValue, RESPTypeIdentifier.array.rawValue:
            return base.getInteger(at: start + 1, as: UInt8.self) == UInt8(ascii: "-")
        default: return false
        }
    }

    /// The attributes sent before the value (RESP3 `|`), or `nil` if there are none.
    public var attributes: Map? {
        guard base.getInteger(at: base.readerIndex, as: UInt8.self) == RESPTypeIdentifier.attribute.rawValue else { return nil }
        var buffer = base
        let header = Self.readHeader(&buffer)
        let count = Int(header.number)
        let start = buffer.readerIndex
        Self.skipFrames(count * 2, in: &buffer)
        return Map(elements: base.getSlice(at: start, length: buffer.readerIndex - start)!, count: count)
    }

    /// The frame's value, after any attributes.
    public var value: Value {
        var buffer = valueBytes
        let header = Self.readHeader(&buffer)
        switch header.type {
        case .simpleString: return .simpleString(header.line)
        case .simpleError: return .simpleError(header.line)
        case .integer: return .integer(header.number)
        case .null: return .null
        case .boolean: return .boolean(header.line.getInteger(at: header.line.readerIndex, as: UInt8.self) == UInt8(ascii: "t"))
        case .double: return .double(Self.double(from: header.line))
        case .bigNumber: return .bigNumber(header.line)
        case .bulkString, .bulkError, .verbatimString:
            if header.number < 0 { return .null }
            let body = buffer.readSlice(length: Int(header.number))!
            switch header.type {
            case .bulkString: return .bulkString(body)
            case .bulkError: return .bulkError(body)
            default:
                var content = body
                let format = content.readString(length: 3)!
                content.moveReaderIndex(forwardBy: 1)
                return .verbatimString(format: format, content: content)
            }
        case .array, .set, .push, .map, .attribute:
            if header.number < 0 { return .null }
            let count = Int(header.number)
            switch header.type {
            case .map, .attribute: return .map(Map(elements: buffer, count: count))
            case .set: return .set(Array(elements: buffer, count: count))
            case .push: return .push(Array(elements: buffer, count: count))
            default: return .array(Array(elements: buffer, count: count))
            }
        }
    }

    /// The bytes of the value itself, without leading attributes.
    var valueBytes: ByteBuffer {
        var buffer = base
        while buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == RESPTypeIdentifier.attribute.rawValue {
            let header = Self.readHeader(&buffer)
            Self.skipFrames(Int(header.number) * 2, in: &buffer)
        }
        return buffer
    }

    // MARK: Reading validated bytes

    struct Header {
        var type: RESPTypeIdentifier
        /// The line after the type byte.
        var line: ByteBuffer
        /// The line as an integer, for integers and length headers; 0 otherwise.
        var number: Int64
    }

    /// Reads a type byte and its line. Only called on validated bytes.
    static func readHeader(_ buffer: inout ByteBuffer) -> Header {
        // One pass over the raw bytes: the type, the line's end, and its number if it has one.
        let (type, lineLength, number) = buffer.withUnsafeReadableBytes { bytes -> (RESPTypeIdentifier, Int, Int64) in
            let type = RESPTypeIdentifier(rawValue: bytes[0])!
            var end = 1
            while bytes[end] != RESPScanner.cr { end += 1 }
            switch type {
            case .integer, .bulkString, .bulkError, .verbatimString, .array, .set, .push, .map, .attribute:
                return (type, end - 1, RESPScanner(bytes: bytes, limits: RESPLimits()).parseInteger(1..<end)!)
            default:
                return (type, end - 1, 0)
            }
        }
        buffer.moveReaderIndex(forwardBy: 1)
        let line = buffer.readSlice(length: lineLength)!
        buffer.moveReaderIndex(forwardBy: 2)
        return Header(type: type, line: line, number: number)
    }

    /// Skips `count` validated frames.
    static func skipFrames(_ count: Int, in buffer: inout ByteBuffer) {
        for _ in 0..<count {
            let length = buffer.withUnsafeReadableBytes { bytes in
                // Validated already: with unbounded limits this cannot fail or be incomplete.
                try! RESPScanner(bytes: bytes, limits: .unbounded).frameEnd(from: 0)!
            }
            buffer.moveReaderIndex(forwardBy: length)
        }
    }

    static func double(from line: ByteBuffer) -> Double {
        let text = String(buffer: line)
        switch text {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "-nan": return .nan
        default: return Double(text)!
        }
    }
}

extension RESPLimits {
    /// No limits: for walking frames that were already validated.
    static let unbounded = RESPLimits(maxBulkLength: .max, maxAggregateCount: .max, maxDepth: .max, maxLineLength: .max - 1)
}
