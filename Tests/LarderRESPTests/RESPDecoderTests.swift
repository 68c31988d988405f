import NIOCore
import LarderRESP
import XCTest

/// Decoding every RESP2 and RESP3 type to its exact value.
final class RESPDecoderTests: XCTestCase {
    // MARK: Simple strings and errors

    func testSimpleStringDecodesToItsText() throws {
        let token = try decodeFrame("+OK\r\n")
        XCTAssertEqual(token.type, .simpleString)
        XCTAssertEqual(token.value, .simpleString(ByteBuffer(string: "OK")))
        XCTAssertNil(token.attributes)
    }

    func testEmptySimpleStringDecodesToEmptyText() throws {
        XCTAssertEqual(try decodeFrame("+\r\n").value, .simpleString(ByteBuffer()))
    }

    func testSimpleErrorDecodesToTheWholeLineCodeIncluded() throws {
        let token = try decodeFrame("-ERR unknown command 'foo'\r\n")
        XCTAssertEqual(token.type, .simpleError)
        XCTAssertEqual(token.value, .simpleError(ByteBuffer(string: "ERR unknown command 'foo'")))
    }

    // MARK: Integers

    func testIntegerDecodesToItsValue() throws {
        let token = try decodeFrame(":1000\r\n")
        XCTAssertEqual(token.type, .integer)
        XCTAssertEqual(token.value, .integer(1000))
    }

    func testIntegerZeroAndNegative() throws {
        XCTAssertEqual(try decodeFrame(":0\r\n").value, .integer(0))
        XCTAssertEqual(try decodeFrame(":-42\r\n").value, .integer(-42))
    }

    func testIntegerWithPlusSignIsPositive() throws {
        XCTAssertEqual(try decodeFrame(":+7\r\n").value, .integer(7))
    }

    func testIntegerAtInt64BoundsDecodesExactly() throws {
        XCTAssertEqual(try decodeFrame(":9223372036854775807\r\n").value, .integer(.max))
        XCTAssertEqual(try decodeFrame(":-9223372036854775808\r\n").value, .integer(.min))
    }

    // MARK: Bulk strings

    func testBulkStringDecodesToItsBytes() throws {
        let token = try decodeFrame("$5\r\nhello\r\n")
        XCTAssertEqual(token.type, .bulkString)
        XCTAssertEqual(token.value, .bulkString(ByteBuffer(string: "hello")))
    }

    func testEmptyBulkStringDecodesToNoBytes() throws {
        XCTAssertEqual(try decodeFrame("$0\r\n\r\n").value, .bulkString(ByteBuffer()))
    }

    func testBinaryBulkStringKeepsCRLFAndEveryByteInside() throws {
        let body: [UInt8] = [0x00, 0x0D, 0x0A, 0xFF, 0x0D, 0x0D, 0x0A, 0x0A, 0x24, 0x2A]
        let token = try decodeFrame(Array("$10\r\n".utf8) + body + Array("\r\n".utf8))
        XCTAssertEqual(token.value, .bulkString(ByteBuffer(bytes: body)))
    }

    func testBulkStringThatLooksLikeFramesIsOneString() throws {
        let token = try decodeFrame("$12\r\n*1\r\n$2\r\nab\r\n\r\n")
        XCTAssertEqual(token.value, .bulkString(ByteBuffer(string: "*1\r\n$2\r\nab\r\n")))
    }

    func testBulkStringWithMultibyteUTF8() throws {
        XCTAssertEqual(try decodeFrame("$6\r\n日本\r\n").value, .bulkString(ByteBuffer(string: "日本")))
    }

    // MARK: Nulls

    func testRESP2NullBulkStringIsNull() throws {
        let token = try decodeFrame("$-1\r\n")
        XCTAssertEqual(token.type, .bulkString)
        XCTAssertEqual(token.value, .null)
    }

    func testRESP2NullArrayIsNull() throws {
        let token = try decodeFrame("*-1\r\n")
        XCTAssertEqual(token.type, .array)
        XCTAssertEqual(token.value, .null)
    }

    func testRESP3NullIsNull() throws {
        let token = try decodeFrame("_\r\n")
        XCTAssertEqual(token.type, .null)
        XCTAssertEqual(token.value, .null)
    }

    // MARK: Booleans, doubles, big numbers

    func testBooleanTrueAndFalse() throws {
        XCTAssertEqual(try decodeFrame("#t\r\n").value, .boolean(true))
        XCTAssertEqual(try decodeFrame("#f\r\n").value, .boolean(false))
        XCTAssertEqual(try decodeFrame("#t\r\n").type, .boolean)
    }

    func testDoubleDecodesToItsValue() throws {
        XCTAssertEqual(try decodeFrame(",1.5\r\n").value, .double(1.5))
        XCTAssertEqual(try decodeFrame(",1.5\r\n").type, .double)
    }

    func testDoubleWithoutFractionIsAccepted() throws {
        XCTAssertEqual(try decodeFrame(",-2\r\n").value, .double(-2))
        XCTAssertEqual(try decodeFrame(",0\r\n").value, .double(0))
    }

    func testDoubleWithExponent() throws {
        XCTAssertEqual(try decodeFrame(",1e10\r\n").value, .double(1e10))
        XCTAssertEqual(try decodeFrame(",1.25E-3\r\n").value, .double(1.25e-3))
        XCTAssertEqual(try decodeFrame(",-3.5e+2\r\n").value, .double(-350))
    }

    func testDoubleOutOfRangeRoundsToInfinityOrZero() throws {
        XCTAssertEqual(try decodeFrame(",1e400\r\n").value, .double(.infinity))
        XCTAssertEqual(try decodeFrame(",-1e400\r\n").value, .double(-.infinity))
        XCTAssertEqual(try decodeFrame(",1e-400\r\n").value, .double(0))
    }

    func testDoubleInfinities() throws {
        XCTAssertEqual(try decodeFrame(",inf\r\n").value, .double(.infinity))
        XCTAssertEqual(try decodeFrame(",-inf\r\n").value, .double(-.infinity))
    }

    func testDoubleNaN() throws {
        guard case .double(let number) = try decodeFrame(",nan\r\n").value else { return XCTFail("not a double") }
        XCTAssertTrue(number.isNaN)
    }

    func testBigNumberKeepsAllItsDigitsAsText() throws {
        let digits = "3492890328409238509324850943850943825024385"
        let token = try decodeFrame("(\(digits)\r\n")
        XCTAssertEqual(token.type, .bigNumber)
        XCTAssertEqual(token.value, .bigNumber(ByteBuffer(string: digits)))
        XCTAssertEqual(try decodeFrame("(-12\r\n").value, .bigNumber(ByteBuffer(string: "-12")))
    }

    // MARK: Bulk errors and verbatim strings

    func testBulkErrorDecodesToItsBytes() throws {
        let token = try decodeFrame("!21\r\nSYNTAX invalid syntax\r\n")
        XCTAssertEqual(token.type, .bulkError)
        XCTAssertEqual(token.value, .bulkError(ByteBuffer(string: "SYNTAX invalid syntax")))
    }

    func testVerbatimStringSplitsFormatFromContent() throws {
        let token = try decodeFrame("=15\r\ntxt:Some string\r\n")
        XCTAssertEqual(token.type, .verbatimString)
        XCTAssertEqual(token.value, .verbatimString(format: "txt", content: ByteBuffer(string: "Some string")))
    }

    func testVerbatimStringWithEmptyContent() throws {
        XCTAssertEqual(try decodeFrame("=4\r\nmkd:\r\n").value, .verbatimString(format: "mkd", content: ByteBuffer()))
    }

    func testVerbatimStringContentMayHoldCRLF() throws {
        XCTAssertEqual(try decodeFrame("=8\r\ntxt:a\r\nb\r\n").value, .verbatimString(format: "txt", content: ByteBuffer(string: "a\r\nb")))
    }

    // MARK: Aggregates

    func testArrayDecodesEachElement() throws {
        let token = try decodeFrame("*3\r\n$3\r\nfoo\r\n:1\r\n_\r\n")
        XCTAssertEqual(token.type, .array)
        let elements = try XCTUnwrap(token.elementTokens)
        XCTAssertEqual(elements.map(\.value), [.bulkString(ByteBuffer(string: "foo")), .integer(1), .null])
        XCTAssertEqual(elements.map(\.base), [ByteBuffer(string: "$3\r\nfoo\r\n"), ByteBuffer(string: ":1\r\n"), ByteBuffer(string: "_\r\n")])
    }

    func testArrayReportsItsCountAndCanBeIteratedTwice() throws {
        guard case .array(let elements) = try decodeFrame("*2\r\n:1\r\n:2\r\n").value else { return XCTFail("not an array") }
        XCTAssertEqual(elements.count, 2)
        XCTAssertEqual(elements.underestimatedCount, 2)
        XCTAssertEqual(elements.map(\.value), [.integer(1), .integer(2)])
        XCTAssertEqual(elements.map(\.value), [.integer(1), .integer(2)])
    }

    func testNestedArraysDecodeLevelByLevel() throws {
        let token = try decodeFrame("*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n+Hello\r\n-World\r\n")
        let outer = try XCTUnwrap(token.elementTokens)
        XCTAssertEqual(outer.count, 2)
        XCTAssertEqual(try XCTUnwrap(outer[0].elementTokens).map(\.value), [.integer(1), .integer(2), .integer(3)])
        XCTAssertEqual(
            try XCTUnwrap(outer[1].elementTokens).map(\.value),
            [.simpleString(ByteBuffer(string: "Hello")), .simpleError(ByteBuffer(string: "World"))]
        )
    }

    func testMapDecodesPairsInOrder() throws {
        let token = try decodeFrame("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n")
        XCTAssertEqual(token.type, .map)
        guard case .map(let map) = token.value else { return XCTFail("not a map") }
        XCTAssertEqual(map.count, 2)
        let pairs = [RESPToken.Map.Pair](map)
        XCTAssertEqual(pairs.map(\.key.value), [.simpleString(ByteBuffer(string: "first")), .simpleString(ByteBuffer(string: "second"))])
        XCTAssertEqual(pairs.map(\.value.value), [.integer(1), .integer(2)])
    }

    func testMapWithAggregateKeysAndValues() throws {
        let token = try decodeFrame("%1\r\n*2\r\n:1\r\n:2\r\n%1\r\n+a\r\n#t\r\n")
        let pair = try XCTUnwrap(token.pairs?.first)
        XCTAssertEqual(try XCTUnwrap(pair.key.elementTokens).map(\.value), [.integer(1), .integer(2)])
        let inner = try XCTUnwrap(pair.value.pairs)
        XCTAssertEqual(inner.map(\.key.value), [.simpleString(ByteBuffer(string: "a"))])
        XCTAssertEqual(inner.map(\.value.value), [.boolean(true)])
    }

    func testSetDecodesEachElement() throws {
        let token = try decodeFrame("~3\r\n+a\r\n+b\r\n:3\r\n")
        XCTAssertEqual(token.type, .set)
        guard case .set(let elements) = token.value else { return XCTFail("not a set") }
        XCTAssertEqual(elements.map(\.value), [.simpleString(ByteBuffer(string: "a")), .simpleString(ByteBuffer(string: "b")), .integer(3)])
    }

    func testPushDecodesEachElement() throws {
        let token = try decodeFrame(">3\r\n$7\r\nmessage\r\n$7\r\nchannel\r\n$5\r\nhello\r\n")
        XCTAssertEqual(token.type, .push)
        guard case .push(let elements) = token.value else { return XCTFail("not a push") }
        XCTAssertEqual(elements.map(\.value), ["message", "channel", "hello"].map { .bulkString(ByteBuffer(string: $0)) })
    }

    func testEmptyAggregatesHaveNoElements() throws {
        guard case .array(let array) = try decodeFrame("*0\r\n").value else { return XCTFail("not an array") }
        XCTAssertEqual(array.count, 0)
        XCTAssertEqual([RESPToken](array), [])
        guard case .map(let map) = try decodeFrame("%0\r\n").value else { return XCTFail("not a map") }
        XCTAssertEqual(map.count, 0)
        XCTAssertEqual([RESPToken.Map.Pair](map), [])
        guard case .set(let set) = try decodeFrame("~0\r\n").value else { return XCTFail("not a set") }
        XCTAssertEqual([RESPToken](set), [])
        guard case .push(let push) = try decodeFrame(">0\r\n").value else { return XCTFail("not a push") }
        XCTAssertEqual([RESPToken](push), [])
    }

    // MARK: Attributes

    func testAttributeIsExposedBesideTheValueItAnnotates() throws {
        let token = try decodeFrame(
            "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n"
        )
        XCTAssertEqual(token.type, .array, "the type is the annotated value's")
        XCTAssertEqual(try XCTUnwrap(token.elementTokens).map(\.value), [.integer(2039123), .integer(9543892)])

        let attributes = try XCTUnwrap(token.attributes)
        XCTAssertEqual(attributes.count, 1)
        let attribute = try XCTUnwrap(attributes.first { _ in true })
        XCTAssertEqual(attribute.key.value, .simpleString(ByteBuffer(string: "key-popularity")))
        let popularity = try XCTUnwrap(attribute.value.pairs)
        XCTAssertEqual(popularity.map(\.key.value), [.bulkString(ByteBuffer(string: "a")), .bulkString(ByteBuffer(string: "b"))])
        XCTAssertEqual(popularity.map(\.value.value), [.double(0.1923), .double(0.0012)])
    }

    func testAttributeInsideAnArrayBelongsToTheElementAfterIt() throws {
        let token = try decodeFrame("*3\r\n:1\r\n:2\r\n|1\r\n+ttl\r\n:3600\r\n:3\r\n")
        XCTAssertNil(token.attributes)
        let elements = try XCTUnwrap(token.elementTokens)
        XCTAssertEqual(elements.count, 3)
        XCTAssertEqual(elements.map(\.value), [.integer(1), .integer(2), .integer(3)])
        XCTAssertNil(elements[0].attributes)
        XCTAssertNil(elements[1].attributes)
        XCTAssertEqual(elements[2].base, ByteBuffer(string: "|1\r\n+ttl\r\n:3600\r\n:3\r\n"))
        let ttl = try XCTUnwrap(elements[2].attributes)
        XCTAssertEqual(ttl.map(\.key.value), [.simpleString(ByteBuffer(string: "ttl"))])
        XCTAssertEqual(ttl.map(\.value.value), [.integer(3600)])
    }

    func testAttributeInsideAMapValue() throws {
        let token = try decodeFrame("%1\r\n+k\r\n|1\r\n+meta\r\n#t\r\n+v\r\n")
        let pair = try XCTUnwrap(token.pairs?.first)
        XCTAssertEqual(pair.value.value, .simpleString(ByteBuffer(string: "v")))
        XCTAssertEqual(try XCTUnwrap(pair.value.attributes).map(\.value.value), [.boolean(true)])
    }

    func testEmptyAttributeIsAnEmptyMap() throws {
        let token = try decodeFrame("|0\r\n:5\r\n")
        XCTAssertEqual(token.value, .integer(5))
        XCTAssertEqual(try XCTUnwrap(token.attributes).count, 0)
    }

    func testConsecutiveAttributesAllPrecedeOneValue() throws {
        let token = try decodeFrame("|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n:2\r\n+value\r\n")
        XCTAssertEqual(token.value, .simpleString(ByteBuffer(string: "value")))
        XCTAssertEqual(try XCTUnwrap(token.attributes).map(\.key.value), [.simpleString(ByteBuffer(string: "a"))])
    }

    func testAttributeWaitsForTheValueItAnnotates() {
        assertIncomplete("|1\r\n+ttl\r\n:3600\r\n")
    }

    // MARK: The decoder and its buffer

    func testEmptyBufferDecodesToNothing() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer()
        XCTAssertNil(try decoder.decode(buffer: &buffer))
    }

    func testDecodingConsumesOnlyTheFirstFrame() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer(string: "+OK\r\n:1")
        let token = try XCTUnwrap(try decoder.decode(buffer: &buffer))
        XCTAssertEqual(token.base, ByteBuffer(string: "+OK\r\n"))
        XCTAssertEqual(String(buffer: buffer), ":1")
    }

    func testValidatingInitializerAcceptsExactlyOneFrame() throws {
        let token = try RESPToken(validating: ByteBuffer(string: ":42\r\n"))
        XCTAssertEqual(token.value, .integer(42))
    }

    func testValidatingInitializerRefusesBytesAfterTheFrame() {
        XCTAssertThrowsError(try RESPToken(validating: ByteBuffer(string: ":42\r\n+x\r\n"))) { error in
            XCTAssertEqual(error as? RESPDecodeError, .invalidValue(type: .integer, text: "4 bytes after the frame", offset: 5))
        }
    }

    func testValidatingInitializerRefusesAnIncompleteFrame() {
        XCTAssertThrowsError(try RESPToken(validating: ByteBuffer(string: "$5\r\nhel"))) { error in
            XCTAssertEqual(error as? RESPDecodeError, .invalidLength("incomplete frame (7 bytes)", offset: 7))
        }
    }

    func testTokensOfTheSameBytesAreEqual() throws {
        XCTAssertEqual(try decodeFrame("*1\r\n:1\r\n"), try decodeFrame("*1\r\n:1\r\n"))
        XCTAssertNotEqual(try decodeFrame("*1\r\n:1\r\n"), try decodeFrame("*1\r\n:2\r\n"))
    }

    func testEveryTypeIdentifierHasTheSpecName() {
        let names = RESPTypeIdentifier.allCases.map { "\(UnicodeScalar($0.rawValue)) \($0.name)" }
        XCTAssertEqual(names, [
            "+ simple string", "- simple error", ": integer", "$ bulk string", "* array", "_ null", "# boolean", ", double",
            "( big number", "! bulk error", "= verbatim string", "% map", "| attribute", "~ set", "> push",
        ])
    }
}
