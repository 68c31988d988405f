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

    // MARK: Codes and accessors

    func testEachCodeHasItsOwnNameAndTheAccessorsReturnWhatWasFound() {
        let errors: [RESPDecodeError] = [
            .unknownType(byte: 0x48, offset: 1), .missingCRLF(offset: 2), .lineTooLong(limit: 8, offset: 3),
            .invalidLength("abc", offset: 4), .bulkTooLong(length: 11, limit: 10, offset: 5),
            .aggregateTooLarge(count: 4, limit: 3, offset: 6), .nestedTooDeeply(limit: 2, offset: 7),
            .invalidValue(type: .double, text: "1.2.3", offset: 8),
        ]
        XCTAssertEqual(Set(errors.map(\.code)).count, errors.count, "two errors share a code")
        XCTAssertEqual(
            errors.map(\.code.description),
            ["unknownType", "missingCRLF", "lineTooLong", "invalidLength", "bulkTooLong", "aggregateTooLarge", "nestedTooDeeply", "invalidValue"])
        XCTAssertEqual(errors.map(\.offset), Array(1...8))
        XCTAssertEqual(errors.map(\.byte), [0x48, nil, nil, nil, nil, nil, nil, nil])
        XCTAssertEqual(errors.map(\.limit), [nil, nil, 8, nil, 10, 3, 2, nil])
        XCTAssertEqual(errors.map(\.length), [nil, nil, nil, nil, 11, nil, nil, nil])
        XCTAssertEqual(errors.map(\.count), [nil, nil, nil, nil, nil, 4, nil, nil])
        XCTAssertEqual(errors.map(\.text), [nil, nil, nil, "abc", nil, nil, nil, "1.2.3"])
        XCTAssertEqual(errors.map(\.type), [nil, nil, nil, nil, nil, nil, nil, .double])
    }

    func testErrorsAreEqualWhenCodeAndPayloadAre() {
        XCTAssertEqual(RESPDecodeError.bulkTooLong(length: 11, limit: 10, offset: 0), .bulkTooLong(length: 11, limit: 10, offset: 0))
        XCTAssertNotEqual(RESPDecodeError.bulkTooLong(length: 11, limit: 10, offset: 0), .bulkTooLong(length: 12, limit: 10, offset: 0))
        XCTAssertNotEqual(RESPDecodeError.lineTooLong(limit: 8, offset: 0), .nestedTooDeeply(limit: 8, offset: 0))
        XCTAssertEqual(Set([RESPDecodeError.missingCRLF(offset: 1), .missingCRLF(offset: 1), .missingCRLF(offset: 2)]).count, 2)
    }

    func testStringInterpolationUsesTheDescription() {
        let error = RESPDecodeError.missingCRLF(offset: 7)
        XCTAssertEqual("\(error)", error.description)
    }
}
