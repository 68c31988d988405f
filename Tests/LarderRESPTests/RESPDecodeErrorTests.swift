import NIOCore
import LarderRESP
import XCTest

/// Every `RESPDecodeError` reads as a sentence saying what arrived, where, and what to do.
/// Each error here comes from decoding real bytes, not from building the case by hand.
final class RESPDecodeErrorTests: XCTestCase {
    private func description(of text: String, limits: RESPLimits = RESPLimits(), file: StaticString = #filePath, line: UInt = #line) -> String? {
        decodeError(ByteBuffer(string: text), limits: limits, file: file, line: line)?.description
    }

    func testUnknownTypeAsksWhetherThePeerIsRedis() {
        XCTAssertEqual(
            description(of: "HTTP/1.1 400 Bad Request\r\n"),
            "not RESP: byte 'H' at offset 0 does not start a Redis reply. Is the peer a Redis server (and not TLS, HTTP or another service)?"
        )
    }

    func testUnknownUnprintableTypeIsShownInHex() {
        let error = decodeError(ByteBuffer(bytes: [0x15, 0x03, 0x01]))
        XCTAssertEqual(
            error?.description,
            "not RESP: byte 0x15 at offset 0 does not start a Redis reply. Is the peer a Redis server (and not TLS, HTTP or another service)?"
        )
    }

    func testMissingCRLFNamesTheOffset() {
        XCTAssertEqual(description(of: "+OK\rX"), "not RESP: a line is not terminated by \\r\\n at offset 3")
    }

    func testLineTooLongSaysWhichLimitToRaise() {
        XCTAssertEqual(
            description(of: "+123456789", limits: RESPLimits(maxLineLength: 8)),
            "a reply line at offset 1 is longer than 8 bytes without \\r\\n; "
                + "the peer is probably not a Redis server (raise RESPLimits.maxLineLength if it is)"
        )
    }

    func testInvalidLengthQuotesTheLength() {
        XCTAssertEqual(description(of: "$abc\r\n"), "not RESP: invalid length 'abc' at offset 1")
    }

    func testBulkTooLongSaysItWasRefusedUnreadAndWhichLimitToRaise() {
        XCTAssertEqual(
            description(of: "$11\r\n", limits: RESPLimits(maxBulkLength: 10)),
            "a reply of 11 bytes at offset 0 exceeds the limit of 10 bytes; "
                + "it was refused before being read (raise RESPLimits.maxBulkLength to accept it)"
        )
    }

    func testAggregateTooLargeSaysWhichLimitToRaise() {
        XCTAssertEqual(
            description(of: "*4\r\n", limits: RESPLimits(maxAggregateCount: 3)),
            "a reply announcing 4 elements at offset 0 exceeds the limit of 3; raise RESPLimits.maxAggregateCount to accept it"
        )
    }

    func testNestedTooDeeplySaysWhichLimitToRaise() {
        XCTAssertEqual(
            description(of: "*1\r\n*1\r\n*1\r\n", limits: RESPLimits(maxDepth: 2)),
            "a reply nests deeper than 2 levels at offset 8; raise RESPLimits.maxDepth to accept it"
        )
    }

    func testInvalidValueNamesTheTypeAsTheSpecDoes() {
        XCTAssertEqual(description(of: ":12a\r\n"), "not RESP: '12a' at offset 1 is not a valid integer")
        XCTAssertEqual(description(of: ",1.2.3\r\n"), "not RESP: '1.2.3' at offset 1 is not a valid double")
        XCTAssertEqual(description(of: "(12a\r\n"), "not RESP: '12a' at offset 1 is not a valid big number")
        XCTAssertEqual(description(of: "=5\r\nhello\r\n"), "not RESP: 'hello' at offset 4 is not a valid verbatim string")
    }

    func testStringInterpolationUsesTheDescription() {
        let error = RESPDecodeError.missingCRLF(offset: 7)
        XCTAssertEqual("\(error)", error.description)
    }
}
