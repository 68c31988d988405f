import NIOCore
import LarderRESP
import XCTest

/// Every bound in `RESPLimits`: exactly at the limit passes, one more is refused, and refused
/// as soon as the header that exceeds it arrives (so nothing is buffered or walked first).
final class RESPDecoderLimitsTests: XCTestCase {
    func testDefaultsFollowRedis() {
        let limits = RESPLimits()
        XCTAssertEqual(limits.maxBulkLength, 512 * 1024 * 1024)
        XCTAssertEqual(limits.maxAggregateCount, 1 << 26)
        XCTAssertEqual(limits.maxDepth, 64)
        XCTAssertEqual(limits.maxLineLength, 1024 * 1024)
    }

    // MARK: maxBulkLength

    func testBulkStringAtTheLimitIsAccepted() throws {
        let token = try decodeFrame("$10\r\n0123456789\r\n", limits: RESPLimits(maxBulkLength: 10))
        XCTAssertEqual(token.value, .bulkString(ByteBuffer(string: "0123456789")))
    }

    func testBulkStringOverLimitIsRefusedBeforeItsBodyArrives() {
        // Only the header is in the buffer: the decoder refuses instead of waiting for 11 bytes.
        assertDecodeError("$11\r\n", limits: RESPLimits(maxBulkLength: 10), .bulkTooLong(length: 11, limit: 10, offset: 0))
    }

    func testBulkErrorAndVerbatimStringOverLimitAreRefusedBeforeTheirBodyArrives() {
        let limits = RESPLimits(maxBulkLength: 10)
        assertDecodeError("!11\r\n", limits: limits, .bulkTooLong(length: 11, limit: 10, offset: 0))
        assertDecodeError("=11\r\n", limits: limits, .bulkTooLong(length: 11, limit: 10, offset: 0))
    }

    func testBulkStringOverLimitInsideAnArrayIsRefusedAtItsOwnOffset() {
        assertDecodeError("*2\r\n:1\r\n$11\r\n", limits: RESPLimits(maxBulkLength: 10), .bulkTooLong(length: 11, limit: 10, offset: 8))
    }

    func testDefaultLimitRefusesAGigabyteBulkStringFromItsHeaderAlone() {
        assertDecodeError("$1073741824\r\n", .bulkTooLong(length: 1 << 30, limit: 512 * 1024 * 1024, offset: 0))
        assertDecodeError("$536870913\r\n", .bulkTooLong(length: 536_870_913, limit: 536_870_912, offset: 0))
    }

    func testBulkStringAtTheDefaultLimitWaitsForItsBody() {
        assertIncomplete("$536870912\r\n")
    }

    func testNullAndEmptyBulkStringsPassAZeroLimit() throws {
        let limits = RESPLimits(maxBulkLength: 0)
        XCTAssertEqual(try decodeFrame("$-1\r\n", limits: limits).value, .null)
        XCTAssertEqual(try decodeFrame("$0\r\n\r\n", limits: limits).value, .bulkString(ByteBuffer()))
    }

    // MARK: maxAggregateCount

    func testArrayAtTheCountLimitIsAccepted() throws {
        let token = try decodeFrame("*3\r\n:1\r\n:2\r\n:3\r\n", limits: RESPLimits(maxAggregateCount: 3))
        XCTAssertEqual(token.elementTokens?.count, 3)
    }

    func testArrayOverTheCountLimitIsRefusedFromItsHeaderAlone() {
        assertDecodeError("*4\r\n", limits: RESPLimits(maxAggregateCount: 3), .aggregateTooLarge(count: 4, limit: 3, offset: 0))
    }

    func testMapCountLimitCountsPairs() throws {
        let limits = RESPLimits(maxAggregateCount: 3)
        let token = try decodeFrame("%3\r\n:1\r\n:1\r\n:2\r\n:2\r\n:3\r\n:3\r\n", limits: limits)
        XCTAssertEqual(token.pairs?.count, 3)
        assertDecodeError("%4\r\n", limits: limits, .aggregateTooLarge(count: 4, limit: 3, offset: 0))
    }

    func testSetPushAndAttributeOverTheCountLimitAreRefused() {
        let limits = RESPLimits(maxAggregateCount: 3)
        assertDecodeError("~4\r\n", limits: limits, .aggregateTooLarge(count: 4, limit: 3, offset: 0))
        assertDecodeError(">4\r\n", limits: limits, .aggregateTooLarge(count: 4, limit: 3, offset: 0))
        assertDecodeError("|4\r\n", limits: limits, .aggregateTooLarge(count: 4, limit: 3, offset: 0))
    }

    func testNestedAggregateOverTheCountLimitIsRefusedAtItsOwnOffset() {
        assertDecodeError("*1\r\n*4\r\n", limits: RESPLimits(maxAggregateCount: 3), .aggregateTooLarge(count: 4, limit: 3, offset: 4))
    }

    func testDefaultCountLimitRefusesAHugeArrayFromItsHeaderAlone() {
        assertDecodeError("*67108865\r\n", .aggregateTooLarge(count: 67_108_865, limit: 1 << 26, offset: 0))
        assertIncomplete("*67108864\r\n")
    }

    func testNullArrayPassesAZeroCountLimit() throws {
        XCTAssertEqual(try decodeFrame("*-1\r\n", limits: RESPLimits(maxAggregateCount: 0)).value, .null)
        XCTAssertEqual(try decodeFrame("*0\r\n", limits: RESPLimits(maxAggregateCount: 0)).elementTokens, [])
    }

    // MARK: maxDepth

    private func nestedArrays(_ levels: Int) -> String {
        String(repeating: "*1\r\n", count: levels) + ":1\r\n"
    }

    func testNestingExactlyAtTheDepthLimitIsAccepted() throws {
        var token = try decodeFrame(nestedArrays(3), limits: RESPLimits(maxDepth: 3))
        for _ in 0..<3 { token = try XCTUnwrap(token.elementTokens?.first) }
        XCTAssertEqual(token.value, .integer(1))
    }

    func testNestingOneLevelPastTheDepthLimitIsRefused() {
        assertDecodeError(nestedArrays(4), limits: RESPLimits(maxDepth: 3), .nestedTooDeeply(limit: 3, offset: 12))
    }

    func testTooDeepNestingIsRefusedBeforeTheInnerElementsArrive() {
        assertDecodeError(String(repeating: "*1\r\n", count: 4), limits: RESPLimits(maxDepth: 3), .nestedTooDeeply(limit: 3, offset: 12))
    }

    func testDefaultDepthLimitAcceptsSixtyFourLevelsAndRefusesSixtyFive() throws {
        XCTAssertNoThrow(try decodeFrame(nestedArrays(64)))
        assertDecodeError(nestedArrays(65), .nestedTooDeeply(limit: 64, offset: 256))
    }

    func testMapsSetsAndPushesCountTowardsDepth() throws {
        let limits = RESPLimits(maxDepth: 3)
        XCTAssertNoThrow(try decodeFrame("%1\r\n+k\r\n~1\r\n>1\r\n:1\r\n", limits: limits))
        assertDecodeError("%1\r\n+k\r\n~1\r\n>1\r\n*0\r\n", limits: limits, .nestedTooDeeply(limit: 3, offset: 16))
    }

    func testZeroDepthAcceptsScalarsButNoAggregate() throws {
        let limits = RESPLimits(maxDepth: 0)
        XCTAssertEqual(try decodeFrame(":1\r\n", limits: limits).value, .integer(1))
        assertDecodeError("*0\r\n", limits: limits, .nestedTooDeeply(limit: 0, offset: 0))
    }

    func testAttributePairsAreOneLevelDeeperThanTheAttribute() throws {
        let limits = RESPLimits(maxDepth: 1)
        XCTAssertNoThrow(try decodeFrame("|1\r\n+a\r\n:1\r\n*1\r\n:2\r\n", limits: limits))
        assertDecodeError("|1\r\n+a\r\n*0\r\n:1\r\n", limits: limits, .nestedTooDeeply(limit: 1, offset: 8))
    }

    // MARK: maxLineLength

    func testLineExactlyAtTheLengthLimitIsAccepted() throws {
        let token = try decodeFrame("+12345678\r\n", limits: RESPLimits(maxLineLength: 8))
        XCTAssertEqual(token.value, .simpleString(ByteBuffer(string: "12345678")))
    }

    func testLineWithoutCRLFUpToTheLimitWaits() {
        assertIncomplete("+12345678", limits: RESPLimits(maxLineLength: 8))
        assertIncomplete("+12345678\r", limits: RESPLimits(maxLineLength: 8))
    }

    func testLineWithoutCRLFLongerThanTheLimitIsRefused() {
        assertDecodeError("+123456789", limits: RESPLimits(maxLineLength: 8), .lineTooLong(limit: 8, offset: 1))
    }

    func testCompleteLineLongerThanTheLimitIsRefused() {
        assertDecodeError("-123456789\r\n", limits: RESPLimits(maxLineLength: 8), .lineTooLong(limit: 8, offset: 1))
    }

    func testLengthHeaderLineIsBoundedToo() {
        assertDecodeError("$000000000", limits: RESPLimits(maxLineLength: 8), .lineTooLong(limit: 8, offset: 1))
    }

    func testOverlongLineInsideAnArrayIsRefusedAtItsOwnOffset() {
        assertDecodeError("*1\r\n+123456789", limits: RESPLimits(maxLineLength: 8), .lineTooLong(limit: 8, offset: 5))
    }

    func testLineLimitDoesNotApplyToBulkBodies() throws {
        let body = String(repeating: "b", count: 100)
        let token = try decodeFrame("$100\r\n\(body)\r\n", limits: RESPLimits(maxLineLength: 8))
        XCTAssertEqual(token.value, .bulkString(ByteBuffer(string: body)))
    }

    func testDefaultLineLimitRefusesAMegabyteLineWithoutCRLF() {
        assertIncomplete("+" + String(repeating: "a", count: 1024 * 1024))
        assertDecodeError("+" + String(repeating: "a", count: 1024 * 1024 + 1), .lineTooLong(limit: 1024 * 1024, offset: 1))
    }

    // MARK: Unbounded limits and hostile input

    func testIntMaxLimitsDecodeEveryTypeAndWaitForHugeHeadersWithoutOverflowing() throws {
        let limits = RESPLimits(maxBulkLength: .max, maxAggregateCount: .max, maxDepth: .max, maxLineLength: .max)
        for (name, frame) in sampleFrames {
            XCTAssertEqual(try decodeFrame(frame, limits: limits).base, ByteBuffer(bytes: frame), name)
        }
        for header in ["$9223372036854775807\r\n", "=9223372036854775807\r\n", "*9223372036854775807\r\n", "%9223372036854775807\r\n",
                       "|9223372036854775807\r\n", "+no end of line yet"] {
            assertIncomplete(header, limits: limits)
        }
    }

    func testLongRunOfAttributesDoesNotExhaustTheStack() throws {
        // No limit counts attributes that follow one another, so the decoder must not recurse
        // once per attribute: a megabyte of `|0\r\n` used to overflow the stack.
        let token = try decodeFrame(String(repeating: "|0\r\n", count: 250_000) + ":1\r\n")
        XCTAssertEqual(token.value, .integer(1))
        XCTAssertEqual(token.attributes?.count, 0)
    }

    func testLimitsCanBeChangedOnADecoder() throws {
        var decoder = RESPDecoder()
        decoder.limits.maxBulkLength = 2
        var buffer = ByteBuffer(string: "$3\r\nabc\r\n")
        XCTAssertThrowsError(try decoder.decode(buffer: &buffer)) { error in
            XCTAssertEqual(error as? RESPDecodeError, .bulkTooLong(length: 3, limit: 2, offset: 0))
        }
        decoder.limits = RESPLimits()
        XCTAssertEqual(try decoder.decode(buffer: &buffer)?.value, .bulkString(ByteBuffer(string: "abc")))
    }

    func testValidatingInitializerEnforcesTheGivenLimits() {
        XCTAssertThrowsError(try RESPToken(validating: ByteBuffer(string: "*2\r\n:1\r\n:2\r\n"), limits: RESPLimits(maxAggregateCount: 1))) { error in
            XCTAssertEqual(error as? RESPDecodeError, .aggregateTooLarge(count: 2, limit: 1, offset: 0))
        }
    }
}
