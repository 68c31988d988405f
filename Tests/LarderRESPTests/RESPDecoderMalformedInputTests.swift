import NIOCore
import LarderRESP
import XCTest

/// Bytes that are not RESP are a typed error naming what is wrong and where, never a crash.
/// Offsets count from the first byte of the frame being decoded.
final class RESPDecoderMalformedInputTests: XCTestCase {
    // MARK: Not RESP at all

    func testHTTPResponseIsAnUnknownType() {
        let error = decodeError(ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
        XCTAssertEqual(error, .unknownType(byte: UInt8(ascii: "H"), offset: 0))
        XCTAssertEqual(
            error?.description,
            "not RESP: byte 'H' at offset 0 does not start a Redis reply. Is the peer a Redis server (and not TLS, HTTP or another service)?"
        )
    }

    func testTLSAlertIsAnUnknownTypeShownInHex() {
        // A TLS server answering plain text: alert record, TLS 1.2, length 2, fatal, protocol_version.
        let error = decodeError(ByteBuffer(bytes: [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]))
        XCTAssertEqual(error, .unknownType(byte: 0x15, offset: 0))
        XCTAssertEqual(error?.description.hasPrefix("not RESP: byte 0x15 at offset 0 does not start a Redis reply."), true)
    }

    func testUnknownTypeIsRefusedFromItsFirstByte() {
        assertDecodeError("H", .unknownType(byte: UInt8(ascii: "H"), offset: 0))
    }

    func testUnknownTypeInsideAnArrayIsReportedAtItsOffset() {
        assertDecodeError("*2\r\n:1\r\nX\r\n", .unknownType(byte: UInt8(ascii: "X"), offset: 8))
    }

    func testLineFeedAloneIsAnUnknownType() {
        assertDecodeError("\n", .unknownType(byte: 0x0A, offset: 0))
        assertDecodeError("\r\n", .unknownType(byte: 0x0D, offset: 0))
    }

    // MARK: Line endings

    func testCarriageReturnNotFollowedByLineFeedIsMissingCRLF() {
        assertDecodeError("+OK\rX", .missingCRLF(offset: 3))
    }

    func testCarriageReturnInsideASimpleStringIsMissingCRLF() {
        assertDecodeError("+a\rb\r\n", .missingCRLF(offset: 2))
    }

    func testLengthHeaderWithBareCarriageReturnIsMissingCRLF() {
        assertDecodeError("$3\r$abc\r\n", .missingCRLF(offset: 2))
    }

    func testBulkBodyNotFollowedByCRLFIsMissingCRLF() {
        assertDecodeError("$3\r\nabcde", .missingCRLF(offset: 7))
        assertDecodeError("$3\r\nabc\rX", .missingCRLF(offset: 7))
        assertDecodeError("$3\r\nabc\n\r", .missingCRLF(offset: 7))
    }

    func testBulkBodyAnnouncedTooShortIsMissingCRLF() {
        // The peer announced 2 bytes but sent 5: the bytes after the body must be \r\n.
        assertDecodeError("$2\r\nhello\r\n", .missingCRLF(offset: 6))
    }

    func testBulkErrorAndVerbatimBodiesNeedCRLFToo() {
        assertDecodeError("!3\r\nERRxx", .missingCRLF(offset: 7))
        assertDecodeError("=7\r\ntxt:abcxx", .missingCRLF(offset: 11))
    }

    // MARK: Lengths and counts

    func testNonNumericLengthIsInvalid() {
        assertDecodeError("$abc\r\n", .invalidLength("abc", offset: 1))
        assertDecodeError("*x\r\n", .invalidLength("x", offset: 1))
    }

    func testEmptyLengthIsInvalid() {
        assertDecodeError("$\r\n", .invalidLength("", offset: 1))
        assertDecodeError("*\r\n", .invalidLength("", offset: 1))
        assertDecodeError("$-\r\n", .invalidLength("-", offset: 1))
    }

    func testLengthWithSpacesIsInvalid() {
        assertDecodeError("$ 3\r\n", .invalidLength(" 3", offset: 1))
        assertDecodeError("$3 \r\n", .invalidLength("3 ", offset: 1))
    }

    func testNegativeBulkLengthOtherThanMinusOneIsInvalid() {
        assertDecodeError("$-2\r\n", .invalidLength("-2", offset: 1))
    }

    func testNegativeArrayCountOtherThanMinusOneIsInvalid() {
        assertDecodeError("*-5\r\n", .invalidLength("-5", offset: 1))
        assertDecodeError("*-9223372036854775808\r\n", .invalidLength("-9223372036854775808", offset: 1))
    }

    func testRESP3AggregatesHaveNoMinusOneNull() {
        assertDecodeError("%-1\r\n", .invalidLength("-1", offset: 1))
        assertDecodeError("~-1\r\n", .invalidLength("-1", offset: 1))
        assertDecodeError(">-1\r\n", .invalidLength("-1", offset: 1))
        assertDecodeError("|-1\r\n", .invalidLength("-1", offset: 1))
    }

    func testBulkErrorAndVerbatimStringHaveNoMinusOneNull() {
        assertDecodeError("!-1\r\n", .invalidLength("-1", offset: 1))
        assertDecodeError("=-1\r\n", .invalidLength("-1", offset: 1))
    }

    func testLengthOverflowingInt64IsInvalid() {
        assertDecodeError("$9223372036854775808\r\n", .invalidLength("9223372036854775808", offset: 1))
        assertDecodeError("*99999999999999999999999\r\n", .invalidLength("99999999999999999999999", offset: 1))
    }

    func testBadLengthInsideAnArrayIsReportedAtItsOffset() {
        assertDecodeError("*2\r\n$1\r\na\r\n$x\r\n", .invalidLength("x", offset: 12))
    }

    // MARK: Values that do not match their type

    func testIntegerWithTrailingLetterIsInvalid() {
        assertDecodeError(":12a\r\n", .invalidValue(type: .integer, text: "12a", offset: 1))
    }

    func testEmptyIntegerIsInvalid() {
        assertDecodeError(":\r\n", .invalidValue(type: .integer, text: "", offset: 1))
        assertDecodeError(":-\r\n", .invalidValue(type: .integer, text: "-", offset: 1))
        assertDecodeError(":+\r\n", .invalidValue(type: .integer, text: "+", offset: 1))
    }

    func testIntegerOverflowingInt64IsInvalid() {
        assertDecodeError(":9223372036854775808\r\n", .invalidValue(type: .integer, text: "9223372036854775808", offset: 1))
        assertDecodeError(":-9223372036854775809\r\n", .invalidValue(type: .integer, text: "-9223372036854775809", offset: 1))
    }

    func testIntegerWithFractionIsInvalid() {
        assertDecodeError(":1.5\r\n", .invalidValue(type: .integer, text: "1.5", offset: 1))
    }

    func testBooleanOtherThanTOrFIsInvalid() {
        assertDecodeError("#x\r\n", .invalidValue(type: .boolean, text: "x", offset: 1))
        assertDecodeError("#\r\n", .invalidValue(type: .boolean, text: "", offset: 1))
        assertDecodeError("#tt\r\n", .invalidValue(type: .boolean, text: "tt", offset: 1))
        assertDecodeError("#T\r\n", .invalidValue(type: .boolean, text: "T", offset: 1))
    }

    func testDoubleWithTwoDecimalPointsIsInvalid() {
        assertDecodeError(",1.2.3\r\n", .invalidValue(type: .double, text: "1.2.3", offset: 1))
    }

    func testEmptyDoubleIsInvalid() {
        assertDecodeError(",\r\n", .invalidValue(type: .double, text: "", offset: 1))
    }

    func testMalformedDoublesAreInvalid() {
        for text in ["abc", ".", "-", "1e", "1e+", "e5", "1.5x", "infinity", "NaN", "0x10", " 1"] {
            assertDecodeError(",\(text)\r\n", .invalidValue(type: .double, text: text, offset: 1))
        }
    }

    func testBigNumberWithALetterIsInvalid() {
        assertDecodeError("(12a\r\n", .invalidValue(type: .bigNumber, text: "12a", offset: 1))
        assertDecodeError("(\r\n", .invalidValue(type: .bigNumber, text: "", offset: 1))
        assertDecodeError("(-\r\n", .invalidValue(type: .bigNumber, text: "-", offset: 1))
    }

    func testNullWithABodyIsInvalid() {
        assertDecodeError("_x\r\n", .invalidValue(type: .null, text: "x", offset: 1))
    }

    func testVerbatimStringWithoutFormatIsInvalid() {
        assertDecodeError("=5\r\nhello\r\n", .invalidValue(type: .verbatimString, text: "hello", offset: 4))
    }

    func testVerbatimStringShorterThanItsFormatIsInvalid() {
        assertDecodeError("=3\r\ntxt\r\n", .invalidValue(type: .verbatimString, text: "txt", offset: 4))
        assertDecodeError("=0\r\n\r\n", .invalidValue(type: .verbatimString, text: "", offset: 4))
    }

    func testVerbatimStringErrorShowsOnlyItsFirstBytes() {
        assertDecodeError("=15\r\ntxt_some string\r\n", .invalidValue(type: .verbatimString, text: "txt_some", offset: 5))
    }

    func testInvalidValueInsideAMapIsReportedAtItsOffset() {
        assertDecodeError("%1\r\n+k\r\n#maybe\r\n", .invalidValue(type: .boolean, text: "maybe", offset: 9))
    }

    func testErrorTextEscapesUnprintableBytes() {
        assertDecodeError([UInt8(ascii: ":"), 0x01, 0xFF, UInt8(ascii: "\t"), 0x0D, 0x0A], .invalidValue(type: .integer, text: "\\x01\\xff\\x09", offset: 1))
    }

    func testErrorTextIsCutAfterFortyBytes() {
        let line = String(repeating: "9", count: 30) + String(repeating: "x", count: 30)
        let shown = String(repeating: "9", count: 30) + String(repeating: "x", count: 10) + "…"
        assertDecodeError(":\(line)\r\n", .invalidValue(type: .integer, text: shown, offset: 1))
    }

    // MARK: The stream after a good frame

    func testOffsetsCountFromTheFrameNotFromTheStream() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer(string: "+OK\r\n:12a\r\n")
        XCTAssertEqual(try decoder.decode(buffer: &buffer)?.value, .simpleString(ByteBuffer(string: "OK")))
        XCTAssertThrowsError(try decoder.decode(buffer: &buffer)) { error in
            XCTAssertEqual(error as? RESPDecodeError, .invalidValue(type: .integer, text: "12a", offset: 1))
        }
        XCTAssertEqual(String(buffer: buffer), ":12a\r\n", "the bad frame is left in the buffer")
    }

    func testErrorIsThrownAgainOnEveryCall() {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer(string: "#x\r\n")
        for _ in 0..<3 {
            XCTAssertThrowsError(try decoder.decode(buffer: &buffer)) { error in
                XCTAssertEqual(error as? RESPDecodeError, .invalidValue(type: .boolean, text: "x", offset: 1))
            }
        }
    }
}
