import NIOCore
import LarderRESP
import XCTest

// Helpers shared by the RESP tests. Frames are written as Swift string literals: `\r\n` in a
// literal is exactly the two bytes RESP needs, so a frame reads as it does in the spec.

/// `bytes` with CR, LF and non-printable bytes escaped, for failure messages.
func escaped(_ bytes: some Sequence<UInt8>) -> String {
    var text = ""
    for byte in bytes {
        switch byte {
        case 0x0D: text += "\\r"
        case 0x0A: text += "\\n"
        case 0x20..<0x7F: text.unicodeScalars.append(UnicodeScalar(byte))
        default: text += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        }
    }
    return text
}

/// Asserts that the readable bytes of `buffer` are exactly `expected`.
func assertBytes(_ buffer: ByteBuffer, _ expected: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
    let actual = Array(buffer.readableBytesView)
    XCTAssertEqual(actual, expected, "got \"\(escaped(actual))\", expected \"\(escaped(expected))\"", file: file, line: line)
}

/// Asserts that the readable bytes of `buffer` are exactly the UTF-8 of `expected`.
func assertBytes(_ buffer: ByteBuffer, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
    assertBytes(buffer, Array(expected.utf8), file: file, line: line)
}

/// Decodes `bytes`, which must hold exactly one complete frame, and checks that the token is
/// that frame and that the decoder consumed all of it.
func decodeFrame(_ bytes: ByteBuffer, limits: RESPLimits = RESPLimits(), file: StaticString = #filePath, line: UInt = #line) throws -> RESPToken {
    var decoder = RESPDecoder(limits: limits)
    var buffer = bytes
    let token = try XCTUnwrap(try decoder.decode(buffer: &buffer), "incomplete frame \"\(escaped(bytes.readableBytesView))\"", file: file, line: line)
    XCTAssertEqual(buffer.readableBytes, 0, "bytes left after the frame", file: file, line: line)
    XCTAssertEqual(token.base, bytes, "the token is not the frame's bytes", file: file, line: line)
    return token
}

/// Decodes `text`, which must hold exactly one complete frame.
func decodeFrame(_ text: String, limits: RESPLimits = RESPLimits(), file: StaticString = #filePath, line: UInt = #line) throws -> RESPToken {
    try decodeFrame(ByteBuffer(string: text), limits: limits, file: file, line: line)
}

/// Decodes `bytes`, which must hold exactly one complete frame.
func decodeFrame(_ bytes: [UInt8], limits: RESPLimits = RESPLimits(), file: StaticString = #filePath, line: UInt = #line) throws -> RESPToken {
    try decodeFrame(ByteBuffer(bytes: bytes), limits: limits, file: file, line: line)
}

/// The error that decoding `bytes` throws. Fails the test if the decoder returns a frame or
/// waits for more, and checks that the error left the buffer untouched.
func decodeError(_ bytes: ByteBuffer, limits: RESPLimits = RESPLimits(), file: StaticString = #filePath, line: UInt = #line) -> RESPDecodeError? {
    var decoder = RESPDecoder(limits: limits)
    var buffer = bytes
    do throws(RESPDecodeError) {
        if let token = try decoder.decode(buffer: &buffer) {
            XCTFail("expected an error, decoded \(token) from \"\(escaped(bytes.readableBytesView))\"", file: file, line: line)
        } else {
            XCTFail("expected an error, the decoder waits for more after \"\(escaped(bytes.readableBytesView))\"", file: file, line: line)
        }
        return nil
    } catch {
        XCTAssertEqual(buffer, bytes, "an error must leave the buffer untouched", file: file, line: line)
        return error
    }
}

/// Asserts that decoding `text` throws exactly `expected`.
func assertDecodeError(_ text: String, limits: RESPLimits = RESPLimits(), _ expected: RESPDecodeError, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(decodeError(ByteBuffer(string: text), limits: limits, file: file, line: line), expected, file: file, line: line)
}

/// Asserts that decoding `bytes` throws exactly `expected`.
func assertDecodeError(_ bytes: [UInt8], limits: RESPLimits = RESPLimits(), _ expected: RESPDecodeError, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(decodeError(ByteBuffer(bytes: bytes), limits: limits, file: file, line: line), expected, file: file, line: line)
}

/// Asserts that the decoder waits for more after `text`: it returns `nil` and consumes nothing.
func assertIncomplete(_ text: String, limits: RESPLimits = RESPLimits(), file: StaticString = #filePath, line: UInt = #line) {
    var decoder = RESPDecoder(limits: limits)
    var buffer = ByteBuffer(string: text)
    do throws(RESPDecodeError) {
        let token = try decoder.decode(buffer: &buffer)
        XCTAssertNil(token, "\"\(escaped(text.utf8))\" is incomplete", file: file, line: line)
        XCTAssertEqual(buffer.readableBytes, text.utf8.count, "an incomplete frame must not be consumed", file: file, line: line)
    } catch {
        XCTFail("\"\(escaped(text.utf8))\" is incomplete but threw: \(error)", file: file, line: line)
    }
}

extension RESPToken {
    /// The elements of an array, set or push; `nil` for any other value.
    var elementTokens: [RESPToken]? {
        switch value {
        case .array(let elements), .set(let elements), .push(let elements): [RESPToken](elements)
        default: nil
        }
    }

    /// The pairs of a map; `nil` for any other value.
    var pairs: [RESPToken.Map.Pair]? {
        if case .map(let pairs) = value { [RESPToken.Map.Pair](pairs) } else { nil }
    }
}

/// One valid frame of every RESP2 and RESP3 type, each with a name for failure messages.
/// Used wherever a test needs "every type": split input, back-to-back frames, fuzz seeds.
let sampleFrames: [(name: String, bytes: [UInt8])] = [
    ("simple string", Array("+OK\r\n".utf8)),
    ("empty simple string", Array("+\r\n".utf8)),
    ("simple error", Array("-ERR unknown command 'foo'\r\n".utf8)),
    ("integer", Array(":1000\r\n".utf8)),
    ("negative integer", Array(":-9223372036854775808\r\n".utf8)),
    ("bulk string", Array("$5\r\nhello\r\n".utf8)),
    ("empty bulk string", Array("$0\r\n\r\n".utf8)),
    ("binary bulk string", Array("$8\r\n".utf8) + [0x00, 0x0D, 0x0A, 0xFF, 0x0D, 0x0D, 0x0A, 0x0A] + Array("\r\n".utf8)),
    ("null bulk string", Array("$-1\r\n".utf8)),
    ("null array", Array("*-1\r\n".utf8)),
    ("null", Array("_\r\n".utf8)),
    ("boolean true", Array("#t\r\n".utf8)),
    ("boolean false", Array("#f\r\n".utf8)),
    ("double", Array(",1.5\r\n".utf8)),
    ("double exponent", Array(",-1.25e-10\r\n".utf8)),
    ("double inf", Array(",-inf\r\n".utf8)),
    ("double nan", Array(",nan\r\n".utf8)),
    ("big number", Array("(3492890328409238509324850943850943825024385\r\n".utf8)),
    ("bulk error", Array("!21\r\nSYNTAX invalid syntax\r\n".utf8)),
    ("verbatim string", Array("=15\r\ntxt:Some string\r\n".utf8)),
    ("array", Array("*2\r\n$3\r\nfoo\r\n:1\r\n".utf8)),
    ("empty array", Array("*0\r\n".utf8)),
    ("nested array", Array("*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n+Hello\r\n-World\r\n".utf8)),
    ("map", Array("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n".utf8)),
    ("empty map", Array("%0\r\n".utf8)),
    ("set", Array("~3\r\n+a\r\n+b\r\n+c\r\n".utf8)),
    ("push", Array(">3\r\n$7\r\nmessage\r\n$7\r\nchannel\r\n$5\r\nhello\r\n".utf8)),
    (
        "attribute",
        Array("|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n".utf8)
    ),
    ("attribute inside an array", Array("*3\r\n:1\r\n:2\r\n|1\r\n+ttl\r\n:3600\r\n:3\r\n".utf8)),
    ("map of aggregates", Array("%1\r\n*1\r\n_\r\n~1\r\n=7\r\nmkd:# a\r\n".utf8)),
]

/// A tiny deterministic pseudo-random generator (xorshift64*): randomised tests see the same
/// input on every run, and a failure names a seed that reproduces it.
struct XorShift: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    /// A number in `0..<bound`.
    mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// One of `elements`.
    mutating func pick<T>(_ elements: [T]) -> T {
        elements[next(below: elements.count)]
    }
}
