import NIOCore

/// A Swift type that can be read from a reply token.
///
/// Conversions are strict: asking for an `Int` from a bulk string `"42"` works (Redis sends
/// numbers stored as strings that way), asking for an `Int` from `"abc"` throws a
/// ``RESPConversionError`` naming what was expected and what arrived.
public protocol RESPTokenDecodable {
    /// Reads `Self` from `token`.
    init(fromRESP token: RESPToken) throws(RESPConversionError)
}

/// A reply did not have the shape the caller asked for.
public struct RESPConversionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What the caller asked for, e.g. `"Int"`.
    public let expected: String
    /// A short rendering of what arrived.
    public let received: String

    /// Creates the error for `token` not being convertible to `expected`.
    public init(expected: String, token: RESPToken) {
        self.expected = expected
        self.received = token.shortDescription
    }

    public var description: String { "expected \(expected) in the reply, received \(received)" }
}

extension RESPToken: RESPTokenDecodable {
    public init(fromRESP token: RESPToken) { self = token }
}

extension ByteBuffer: RESPTokenDecodable {
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        if let bytes = token.bulkStringBytes {
            self = bytes
            return
        }
        switch token.value {
        case .simpleString(let buffer), .bulkString(let buffer), .bigNumber(let buffer): self = buffer
        case .verbatimString(_, let content): self = content
        default: throw RESPConversionError(expected: "a string", token: token)
        }
    }
}

extension String: RESPTokenDecodable {
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        switch token.value {
        case .integer(let number): self = String(number)
        case .double(let number): self = String(number)
        default: self = String(buffer: try ByteBuffer(fromRESP: token))
        }
    }
}

extension Int64: RESPTokenDecodable {
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        switch token.value {
        case .integer(let number):
            self = number
        case .simpleString(let buffer), .bulkString(let buffer):
            let parsed = buffer.withUnsafeReadableBytes { bytes in
                RESPScanner(bytes: bytes, limits: RESPLimits()).parseInteger(0..<bytes.count)
            }
            guard let parsed else { throw RESPConversionError(expected: "an integer", token: token) }
            self = parsed
        default:
            throw RESPConversionError(expected: "an integer", token: token)
        }
    }
}

extension Int: RESPTokenDecodable {
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        self = Int(try Int64(fromRESP: token))
    }
}

extension Double: RESPTokenDecodable {
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        switch token.value {
        case .double(let number): self = number
        case .integer(let number): self = Double(number)
        case .simpleString(let buffer), .bulkString(let buffer):
            guard let number = Double(String(buffer: buffer)) else {
                throw RESPConversionError(expected: "a number", token: token)
            }
            self = number
        default: throw RESPConversionError(expected: "a number", token: token)
        }
    }
}

extension Bool: RESPTokenDecodable {
    /// RESP3 booleans, and RESP2's integer `1`/`0` that commands like `EXPIRE` answer.
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        switch token.value {
        case .boolean(let flag): self = flag
        case .integer(let number) where number == 0 || number == 1: self = number == 1
        default: throw RESPConversionError(expected: "a boolean", token: token)
        }
    }
}

extension Optional: RESPTokenDecodable where Wrapped: RESPTokenDecodable {
    /// `nil` for a null reply (`_`, `$-1`, `*-1`), otherwise the wrapped value.
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        self = token.isNull ? nil : try Wrapped(fromRESP: token)
    }
}

extension Array: RESPTokenDecodable where Element: RESPTokenDecodable {
    /// An array, set or push, element by element.
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        switch token.value {
        case .array(let elements), .set(let elements), .push(let elements):
            var result: [Element] = []
            result.reserveCapacity(elements.count)
            for element in elements { result.append(try Element(fromRESP: element)) }
            self = result
        default:
            throw RESPConversionError(expected: "an array", token: token)
        }
    }
}

extension Dictionary: RESPTokenDecodable where Key: RESPTokenDecodable, Value: RESPTokenDecodable {
    /// A RESP3 map, or the flat key/value array RESP2 sends in its place (`CONFIG GET`, `HGETALL`).
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        var result: [Key: Value] = [:]
        switch token.value {
        case .map(let pairs):
            result.reserveCapacity(pairs.count)
            for pair in pairs { result[try Key(fromRESP: pair.key)] = try Value(fromRESP: pair.value) }
        case .array(let elements) where elements.count % 2 == 0:
            var iterator = elements.makeIterator()
            while let key = iterator.next(), let value = iterator.next() {
                result[try Key(fromRESP: key)] = try Value(fromRESP: value)
            }
        default:
            throw RESPConversionError(expected: "a map", token: token)
        }
        self = result
    }
}
