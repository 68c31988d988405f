import NIOCore
import LarderRESP
import XCTest

/// Conversions from reply tokens to Swift types, and the error when a reply has another shape.
final class RESPTokenDecodableTests: XCTestCase {
    private func convert<T: RESPTokenDecodable>(_ frame: String, to type: T.Type = T.self, file: StaticString = #filePath, line: UInt = #line) throws -> T {
        try T(fromRESP: decodeFrame(frame, file: file, line: line))
    }

    /// Asserts that converting `frame` to `type` throws a `RESPConversionError` with `expected`
    /// and `received`, and returns its description.
    @discardableResult
    private func assertConversionFails<T: RESPTokenDecodable>(
        _ frame: String, to type: T.Type, expected: String, received: String, file: StaticString = #filePath, line: UInt = #line
    ) -> String? {
        do {
            let token = try decodeFrame(frame, file: file, line: line)
            do throws(RESPConversionError) {
                let value = try T(fromRESP: token)
                XCTFail("converted \(frame.debugDescription) to \(value)", file: file, line: line)
            } catch {
                XCTAssertEqual(error.expected, expected, file: file, line: line)
                XCTAssertEqual(error.received, received, file: file, line: line)
                return error.description
            }
        } catch {
            XCTFail("\(frame.debugDescription) did not decode: \(error)", file: file, line: line)
        }
        return nil
    }

    // MARK: String

    func testStringFromSimpleAndBulkStrings() throws {
        XCTAssertEqual(try convert("+OK\r\n", to: String.self), "OK")
        XCTAssertEqual(try convert("$5\r\nhello\r\n", to: String.self), "hello")
        XCTAssertEqual(try convert("$0\r\n\r\n", to: String.self), "")
        XCTAssertEqual(try convert("$6\r\n日本\r\n", to: String.self), "日本")
    }

    func testStringFromVerbatimStringIsItsContentWithoutFormat() throws {
        XCTAssertEqual(try convert("=15\r\ntxt:Some string\r\n", to: String.self), "Some string")
    }

    func testStringFromNumbersIsTheirText() throws {
        XCTAssertEqual(try convert(":-42\r\n", to: String.self), "-42")
        XCTAssertEqual(try convert(",1.5\r\n", to: String.self), "1.5")
        XCTAssertEqual(try convert("(123456789012345678901234567890\r\n", to: String.self), "123456789012345678901234567890")
    }

    func testStringFromErrorNullOrArrayFails() {
        assertConversionFails("-ERR no\r\n", to: String.self, expected: "a string", received: "(error) ERR no")
        assertConversionFails("_\r\n", to: String.self, expected: "a string", received: "(nil)")
        assertConversionFails("*1\r\n+a\r\n", to: String.self, expected: "a string", received: "[\"a\"]")
    }

    // MARK: Integers

    func testIntFromIntegerAndFromNumericStrings() throws {
        XCTAssertEqual(try convert(":42\r\n", to: Int.self), 42)
        XCTAssertEqual(try convert("$2\r\n42\r\n", to: Int.self), 42)
        XCTAssertEqual(try convert("+-7\r\n", to: Int.self), -7)
        XCTAssertEqual(try convert(":0\r\n", to: Int.self), 0)
    }

    func testInt64AtItsBoundsFromIntegersAndStrings() throws {
        XCTAssertEqual(try convert(":9223372036854775807\r\n", to: Int64.self), .max)
        XCTAssertEqual(try convert("$20\r\n-9223372036854775808\r\n", to: Int64.self), .min)
        XCTAssertEqual(try convert(":-9223372036854775808\r\n", to: Int.self), .min)
    }

    func testIntFromNonNumericStringFails() {
        assertConversionFails("$3\r\nabc\r\n", to: Int.self, expected: "an integer", received: "\"abc\"")
        assertConversionFails("$0\r\n\r\n", to: Int.self, expected: "an integer", received: "\"\"")
        assertConversionFails("$4\r\n1.50\r\n", to: Int.self, expected: "an integer", received: "\"1.50\"")
    }

    func testIntFromStringOverflowingInt64Fails() {
        assertConversionFails("$19\r\n9223372036854775808\r\n", to: Int64.self, expected: "an integer", received: "\"9223372036854775808\"")
    }

    func testIntFromDoubleBooleanOrNullFails() {
        assertConversionFails(",1.5\r\n", to: Int.self, expected: "an integer", received: "(double) 1.5")
        assertConversionFails("#t\r\n", to: Int.self, expected: "an integer", received: "(boolean) true")
        assertConversionFails("$-1\r\n", to: Int.self, expected: "an integer", received: "(nil)")
    }

    // MARK: Double

    func testDoubleFromDoubleIntegerAndString() throws {
        XCTAssertEqual(try convert(",3.25\r\n", to: Double.self), 3.25)
        XCTAssertEqual(try convert(":-4\r\n", to: Double.self), -4)
        XCTAssertEqual(try convert("$4\r\n3.14\r\n", to: Double.self), 3.14)
        XCTAssertEqual(try convert("+1e3\r\n", to: Double.self), 1000)
    }

    func testDoubleFromInfinitiesAndNaN() throws {
        XCTAssertEqual(try convert(",inf\r\n", to: Double.self), .infinity)
        XCTAssertEqual(try convert(",-inf\r\n", to: Double.self), -.infinity)
        XCTAssertEqual(try convert("$4\r\n-inf\r\n", to: Double.self), -.infinity)
        XCTAssertTrue(try convert(",nan\r\n", to: Double.self).isNaN)
    }

    func testDoubleFromNonNumericStringFails() {
        assertConversionFails("$3\r\nabc\r\n", to: Double.self, expected: "a number", received: "\"abc\"")
        assertConversionFails("#f\r\n", to: Double.self, expected: "a number", received: "(boolean) false")
    }

    // MARK: Bool

    func testBoolFromRESP3Boolean() throws {
        XCTAssertEqual(try convert("#t\r\n", to: Bool.self), true)
        XCTAssertEqual(try convert("#f\r\n", to: Bool.self), false)
    }

    func testBoolFromRESP2IntegerOneOrZero() throws {
        XCTAssertEqual(try convert(":1\r\n", to: Bool.self), true)
        XCTAssertEqual(try convert(":0\r\n", to: Bool.self), false)
    }

    func testBoolFromOtherIntegersOrStringsFails() {
        assertConversionFails(":2\r\n", to: Bool.self, expected: "a boolean", received: "(integer) 2")
        assertConversionFails("$1\r\n1\r\n", to: Bool.self, expected: "a boolean", received: "\"1\"")
    }

    // MARK: ByteBuffer

    func testByteBufferFromBinaryBulkStringKeepsEveryByte() throws {
        let body: [UInt8] = [0x00, 0x0D, 0x0A, 0xFF]
        let token = try decodeFrame(Array("$4\r\n".utf8) + body + Array("\r\n".utf8))
        XCTAssertEqual(try ByteBuffer(fromRESP: token), ByteBuffer(bytes: body))
    }

    func testByteBufferFromSimpleVerbatimAndBigNumber() throws {
        XCTAssertEqual(try convert("+OK\r\n", to: ByteBuffer.self), ByteBuffer(string: "OK"))
        XCTAssertEqual(try convert("=7\r\nmkd:# a\r\n", to: ByteBuffer.self), ByteBuffer(string: "# a"))
        XCTAssertEqual(try convert("(-99\r\n", to: ByteBuffer.self), ByteBuffer(string: "-99"))
    }

    func testByteBufferFromIntegerFails() {
        assertConversionFails(":1\r\n", to: ByteBuffer.self, expected: "a string", received: "(integer) 1")
        assertConversionFails("!3\r\nERR\r\n", to: ByteBuffer.self, expected: "a string", received: "(error) ERR")
    }

    // MARK: Optional

    func testOptionalIsNilForEveryNull() throws {
        XCTAssertNil(try convert("_\r\n", to: String?.self))
        XCTAssertNil(try convert("$-1\r\n", to: String?.self))
        XCTAssertNil(try convert("*-1\r\n", to: [String]?.self))
    }

    func testOptionalWrapsANonNullValue() throws {
        XCTAssertEqual(try convert("$1\r\na\r\n", to: String?.self), "a")
        XCTAssertEqual(try convert(":5\r\n", to: Int?.self), 5)
    }

    func testOptionalOfAMismatchedValueStillFails() {
        assertConversionFails("$3\r\nabc\r\n", to: Int?.self, expected: "an integer", received: "\"abc\"")
    }

    // MARK: Array

    func testArrayFromArraySetAndPush() throws {
        XCTAssertEqual(try convert("*2\r\n$1\r\na\r\n+b\r\n", to: [String].self), ["a", "b"])
        XCTAssertEqual(try convert("~2\r\n+x\r\n+y\r\n", to: [String].self), ["x", "y"])
        XCTAssertEqual(try convert(">2\r\n$7\r\nmessage\r\n$2\r\nhi\r\n", to: [String].self), ["message", "hi"])
        XCTAssertEqual(try convert("*0\r\n", to: [String].self), [])
    }

    func testArrayConvertsEachElement() throws {
        XCTAssertEqual(try convert("*3\r\n:1\r\n$2\r\n42\r\n+-7\r\n", to: [Int].self), [1, 42, -7])
        XCTAssertEqual(try convert("*3\r\n$1\r\na\r\n$-1\r\n_\r\n", to: [String?].self), ["a", nil, nil])
        XCTAssertEqual(try convert("*2\r\n*2\r\n:1\r\n:2\r\n*0\r\n", to: [[Int]].self), [[1, 2], []])
    }

    func testArrayOfTokensHandsOutTheElementsThemselves() throws {
        let tokens = try convert("*2\r\n:1\r\n+a\r\n", to: [RESPToken].self)
        XCTAssertEqual(tokens.map(\.base), [ByteBuffer(string: ":1\r\n"), ByteBuffer(string: "+a\r\n")])
    }

    func testArrayFailsOnItsFirstBadElement() {
        assertConversionFails("*3\r\n:1\r\n+x\r\n+y\r\n", to: [Int].self, expected: "an integer", received: "\"x\"")
    }

    func testArrayFromMapOrScalarFails() {
        assertConversionFails("%1\r\n+a\r\n:1\r\n", to: [String].self, expected: "an array", received: "{\"a\": (integer) 1}")
        assertConversionFails("+a\r\n", to: [String].self, expected: "an array", received: "\"a\"")
    }

    // MARK: Dictionary

    func testDictionaryFromRESP3Map() throws {
        XCTAssertEqual(try convert("%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n", to: [String: Int].self), ["a": 1, "b": 2])
        XCTAssertEqual(try convert("%0\r\n", to: [String: Int].self), [:])
    }

    func testDictionaryFromRESP2FlatArray() throws {
        // What HGETALL and CONFIG GET answer over RESP2: key, value, key, value.
        let frame = "*4\r\n$5\r\nfield\r\n$5\r\nvalue\r\n$5\r\ncount\r\n$2\r\n10\r\n"
        XCTAssertEqual(try convert(frame, to: [String: String].self), ["field": "value", "count": "10"])
        XCTAssertEqual(try convert("*2\r\n$1\r\nn\r\n$2\r\n10\r\n", to: [String: Int].self), ["n": 10])
        XCTAssertEqual(try convert("*0\r\n", to: [String: String].self), [:])
    }

    func testDictionaryWithIntegerKeysAndAggregateValues() throws {
        XCTAssertEqual(try convert("%2\r\n:1\r\n*1\r\n+a\r\n:2\r\n*0\r\n", to: [Int: [String]].self), [1: ["a"], 2: []])
    }

    func testDictionaryWithNullValues() throws {
        let expected: [String: String?] = ["a": "x", "b": nil]
        XCTAssertEqual(try convert("%2\r\n+a\r\n+x\r\n+b\r\n_\r\n", to: [String: String?].self), expected)
    }

    func testDictionaryFromOddLengthArrayFails() {
        assertConversionFails("*3\r\n+a\r\n+b\r\n+c\r\n", to: [String: String].self, expected: "a map", received: "[\"a\", \"b\", \"c\"]")
    }

    func testDictionaryFromSetOrScalarFails() {
        assertConversionFails("~2\r\n+a\r\n+b\r\n", to: [String: String].self, expected: "a map", received: "(set) [\"a\", \"b\"]")
        assertConversionFails(":1\r\n", to: [String: String].self, expected: "a map", received: "(integer) 1")
    }

    func testDictionaryFailsOnABadValue() {
        assertConversionFails("%1\r\n+a\r\n+x\r\n", to: [String: Int].self, expected: "an integer", received: "\"x\"")
    }

    // MARK: Tokens, attributes and the error

    func testTokenConvertsToItself() throws {
        let token = try decodeFrame("%1\r\n+a\r\n:1\r\n")
        XCTAssertEqual(RESPToken(fromRESP: token), token)
    }

    func testConversionReadsTheValueAfterAttributes() throws {
        XCTAssertEqual(try convert("|1\r\n+ttl\r\n:3600\r\n:3\r\n", to: Int.self), 3)
        XCTAssertEqual(try convert("*2\r\n|1\r\n+a\r\n+b\r\n+x\r\n+y\r\n", to: [String].self), ["x", "y"])
    }

    func testBulkStringBytesReadsABulkStringInPlaceAndNothingElse() throws {
        XCTAssertEqual(try decodeFrame("$3\r\nabc\r\n").bulkStringBytes, ByteBuffer(string: "abc"))
        XCTAssertEqual(try decodeFrame("$0\r\n\r\n").bulkStringBytes, ByteBuffer())
        let long = String(repeating: "\r\n", count: 600)
        XCTAssertEqual(try decodeFrame("$1200\r\n\(long)\r\n").bulkStringBytes, ByteBuffer(string: long))
        for other in ["$-1\r\n", "_\r\n", "+abc\r\n", ":3\r\n", "=7\r\ntxt:abc\r\n", "*1\r\n$1\r\na\r\n", "|1\r\n+a\r\n+b\r\n$1\r\nx\r\n"] {
            XCTAssertNil(try decodeFrame(other).bulkStringBytes, other.debugDescription)
        }
        // A signed length (the decoder accepts `$+3`) is left to the full conversion.
        let signed = try decodeFrame("$+3\r\nabc\r\n")
        XCTAssertNil(signed.bulkStringBytes)
        XCTAssertEqual(try ByteBuffer(fromRESP: signed), ByteBuffer(string: "abc"))
        // What it returns is what the full conversion returns, attributes or not.
        XCTAssertEqual(try convert("|1\r\n+a\r\n+b\r\n$1\r\nx\r\n", to: ByteBuffer.self), ByteBuffer(string: "x"))
        XCTAssertEqual(try convert("$5\r\nhello\r\n", to: ByteBuffer.self), ByteBuffer(string: "hello"))
    }

    func testConversionErrorDescriptionSaysWhatWasExpectedAndWhatArrived() {
        let description = assertConversionFails("$3\r\nabc\r\n", to: Int.self, expected: "an integer", received: "\"abc\"")
        XCTAssertEqual(description, "expected an integer in the reply, received \"abc\"")
    }

    func testConversionErrorShortensALongReply() {
        let body = String(repeating: "x", count: 100)
        let description = assertConversionFails(
            "$100\r\n\(body)\r\n", to: Int.self, expected: "an integer", received: "\"\(String(repeating: "x", count: 60))\"… (100 bytes)"
        )
        XCTAssertEqual(description, "expected an integer in the reply, received \"\(String(repeating: "x", count: 60))\"… (100 bytes)")
    }

    func testConversionErrorCanBeBuiltForAToken() throws {
        let error = RESPConversionError(expected: "a session", token: try decodeFrame("#f\r\n"))
        XCTAssertEqual(error.expected, "a session")
        XCTAssertEqual(error.received, "(boolean) false")
        XCTAssertEqual(error.description, "expected a session in the reply, received (boolean) false")
    }
}
