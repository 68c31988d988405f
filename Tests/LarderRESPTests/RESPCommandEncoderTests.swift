import NIOCore
import LarderRESP
import XCTest

/// Byte-exact output of `RESPCommandEncoder`: every command is an array of bulk strings.
final class RESPCommandEncoderTests: XCTestCase {
    private func encoded<each Argument: RESPRenderable>(_ arguments: repeat each Argument) -> ByteBuffer {
        var encoder = RESPCommandEncoder()
        encoder.encodeCommand(repeat each arguments)
        return encoder.buffer
    }

    // MARK: Strings

    func testCommandOfStringsIsAnArrayOfBulkStrings() {
        assertBytes(encoded("SET", "my_key", "value"), "*3\r\n$3\r\nSET\r\n$6\r\nmy_key\r\n$5\r\nvalue\r\n")
    }

    func testDocumentedSetExampleIsByteExact() {
        assertBytes(
            encoded("SET", "my_key", "value", "EX", 30),
            "*5\r\n$3\r\nSET\r\n$6\r\nmy_key\r\n$5\r\nvalue\r\n$2\r\nEX\r\n$2\r\n30\r\n"
        )
    }

    func testSingleWordCommandIsAnArrayOfOne() {
        assertBytes(encoded("PING"), "*1\r\n$4\r\nPING\r\n")
    }

    func testEmptyStringIsAZeroLengthBulkString() {
        assertBytes(encoded("SET", "k", ""), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n")
    }

    func testSubstringWritesOnlyItsOwnBytes() {
        let line = "GET user:42 now"
        let key = line.split(separator: " ")[1]
        assertBytes(encoded("GET", key), "*2\r\n$3\r\nGET\r\n$7\r\nuser:42\r\n")
    }

    func testMultibyteUTF8LengthCountsBytesNotCharacters() {
        // "é" is 2 bytes, "日本" 6, "👍" 4: the header announces bytes.
        assertBytes(encoded("héllo", "日本", "👍"), "*3\r\n$6\r\nhéllo\r\n$6\r\n日本\r\n$4\r\n👍\r\n")
    }

    func testMultibyteSubstringLengthCountsBytes() {
        let word = "añb"
        assertBytes(encoded(word.dropFirst()), "*1\r\n$3\r\nñb\r\n")
    }

    func testStringWithCRLFInsideIsSentVerbatim() {
        assertBytes(encoded("a\r\nb"), "*1\r\n$4\r\na\r\nb\r\n")
    }

    // MARK: Integers

    func testZeroIsOneDigit() {
        assertBytes(encoded(0), "*1\r\n$1\r\n0\r\n")
    }

    func testNegativeIntegerIncludesItsSign() {
        assertBytes(encoded(-42), "*1\r\n$3\r\n-42\r\n")
    }

    func testIntMinIsWrittenInFull() {
        assertBytes(encoded(Int.min), "*1\r\n$20\r\n-9223372036854775808\r\n")
    }

    func testIntMaxIsWrittenInFull() {
        assertBytes(encoded(Int.max), "*1\r\n$19\r\n9223372036854775807\r\n")
    }

    func testIntegersMatchTheirDecimalTextAtEveryDigitBoundary() {
        var numbers: [Int] = [0, Int.max, Int.min, Int.max - 1, Int.min + 1]
        var power = 1
        for _ in 0..<18 {
            power *= 10
            numbers += [power - 1, power, power + 1, -(power - 1), -power, -(power + 1)]
        }
        for number in numbers {
            let text = String(number)
            assertBytes(encoded(number), "*1\r\n$\(text.utf8.count)\r\n\(text)\r\n")
        }
    }

    func testInt64IsWrittenLikeInt() {
        assertBytes(encoded(Int64.min, Int64(7)), "*2\r\n$20\r\n-9223372036854775808\r\n$1\r\n7\r\n")
    }

    // MARK: Doubles

    func testDoubleUsesShortestDecimalText() {
        assertBytes(encoded(1.5, -2.0, 0.1), "*3\r\n$3\r\n1.5\r\n$4\r\n-2.0\r\n$3\r\n0.1\r\n")
    }

    func testLargeAndSmallDoublesUseExponentNotationRedisParses() {
        assertBytes(encoded(1e20, 1e-7), "*2\r\n$5\r\n1e+20\r\n$5\r\n1e-07\r\n")
    }

    func testInfiniteDoublesAreWrittenAsRedisSpellsThem() {
        assertBytes(encoded(Double.infinity, -Double.infinity), "*2\r\n$3\r\ninf\r\n$4\r\n-inf\r\n")
    }

    // MARK: Bytes

    func testByteBufferIsSentByteForByte() {
        let bytes = ByteBuffer(bytes: [0x00, 0x0D, 0x0A, 0xFF])
        assertBytes(encoded("SET", "k", bytes), Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\n".utf8) + [0x00, 0x0D, 0x0A, 0xFF, 0x0D, 0x0A])
    }

    func testByteBufferSendsOnlyItsReadableBytesAndIsNotConsumed() {
        var bytes = ByteBuffer(string: "skipped:value")
        bytes.moveReaderIndex(forwardBy: 8)
        var encoder = RESPCommandEncoder()
        encoder.encodeCommand(bytes)
        assertBytes(encoder.buffer, "*1\r\n$5\r\nvalue\r\n")
        XCTAssertEqual(String(buffer: bytes), "value")
    }

    func testRESPBytesAreSentByteForByteIncludingCRLF() {
        let bytes = RESPBytes([0x0D, 0x0A, 0x00, 0x80, 0xFF, 0x24, 0x2A])
        assertBytes(encoded(bytes), Array("*1\r\n$7\r\n".utf8) + [0x0D, 0x0A, 0x00, 0x80, 0xFF, 0x24, 0x2A, 0x0D, 0x0A])
    }

    func testEmptyRESPBytesIsAZeroLengthBulkString() {
        assertBytes(encoded(RESPBytes([])), "*1\r\n$0\r\n\r\n")
    }

    // MARK: Optionals and arrays

    func testNilOptionalContributesNoArgument() {
        let option: String? = nil
        assertBytes(encoded("SET", "k", "v", option), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
    }

    func testNonNilOptionalContributesItsValue() {
        let option: String? = "NX"
        let seconds: Int? = 10
        assertBytes(encoded("SET", "k", "v", option, seconds), "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nNX\r\n$2\r\n10\r\n")
    }

    func testArrayContributesOneArgumentPerElement() {
        assertBytes(encoded("DEL", ["a", "bb", "ccc"]), "*4\r\n$3\r\nDEL\r\n$1\r\na\r\n$2\r\nbb\r\n$3\r\nccc\r\n")
    }

    func testEmptyArrayContributesNothing() {
        assertBytes(encoded("DEL", [String]()), "*1\r\n$3\r\nDEL\r\n")
    }

    func testArrayOfOptionalsSkipsItsNils() {
        let keys: [String?] = ["a", nil, "b", nil]
        assertBytes(encoded("MGET", keys), "*3\r\n$4\r\nMGET\r\n$1\r\na\r\n$1\r\nb\r\n")
    }

    func testNestedArraysAreFlattened() {
        assertBytes(encoded("MSET", [["k1", "v1"], ["k2", "v2"]]), "*5\r\n$4\r\nMSET\r\n$2\r\nk1\r\n$2\r\nv1\r\n$2\r\nk2\r\n$2\r\nv2\r\n")
    }

    func testCustomRenderableCountsAllTheArgumentsItWrites() {
        struct Expiry: RESPRenderable {
            var seconds: Int
            var respEntries: Int { 2 }
            func encode(into encoder: inout RESPCommandEncoder) {
                encoder.encodeBulkString("EX")
                encoder.encodeBulkString(seconds)
            }
        }
        assertBytes(encoded("SET", "k", "v", Expiry(seconds: 30)), "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nEX\r\n$2\r\n30\r\n")
    }

    func testCommandWithNoArgumentsIsAnEmptyArray() {
        assertBytes(encoded(), "*0\r\n")
    }

    // MARK: Lower-level writes

    func testArrayHeaderAndBulkStringsCanBeWrittenByHand() {
        var encoder = RESPCommandEncoder()
        encoder.encodeArrayHeader(count: 3)
        encoder.encodeBulkString("GET")
        encoder.encodeBulkString([UInt8]("k".utf8))
        encoder.encodeBulkString(-1)
        assertBytes(encoder.buffer, "*3\r\n$3\r\nGET\r\n$1\r\nk\r\n$2\r\n-1\r\n")
    }

    func testCommandHeadWritesTheSameBytesAsTheGenericEncoding() {
        func assertSame(_ name: StaticString, _ arguments: [String], line: UInt = #line) {
            var byHand = RESPCommandEncoder()
            byHand.encodeCommandHead(name, count: 1 + arguments.count)
            for argument in arguments { byHand.encodeBulkString(argument) }
            var generic = RESPCommandEncoder()
            generic.encodeCommand(name.description, arguments)
            assertBytes(byHand.buffer, Array(generic.buffer.readableBytesView), line: line)
        }
        assertSame("GET", ["k"])
        assertSame("SET", ["key", "", "EX", "30"])
        assertSame("PING", [])
        assertSame("GETEX", Array(repeating: "x", count: 10))  // a two-digit count
    }

    func testBulkStringsOfEveryKindOfStorageWriteTheSameBytes() {
        let text = "caf\u{E9} \r\n 12"
        let expected = "$\(text.utf8.count)\r\n\(text)\r\n"
        var native = RESPCommandEncoder()
        native.encodeBulkString(text)
        assertBytes(native.buffer, expected)
        var substring = RESPCommandEncoder()
        substring.encodeBulkString(("<" + text + ">").dropFirst().dropLast())
        assertBytes(substring.buffer, expected)
        var bytes = RESPCommandEncoder()
        bytes.encodeBulkString(Array(text.utf8))
        assertBytes(bytes.buffer, expected)
        // A collection without contiguous storage: the encoder's fallback, byte by byte.
        var nonContiguous = RESPCommandEncoder()
        nonContiguous.encodeBulkString(text.utf8.lazy.map { $0 })
        assertBytes(nonContiguous.buffer, expected)
        var buffer = RESPCommandEncoder()
        buffer.encodeBulkString(ByteBuffer(string: text))
        assertBytes(buffer.buffer, expected)
    }

    // MARK: Several commands and reuse

    func testSeveralCommandsAreWrittenBackToBackInOneBuffer() {
        var encoder = RESPCommandEncoder()
        encoder.encodeCommand("MULTI")
        encoder.encodeCommand("INCR", "counter")
        encoder.encodeCommand("EXEC")
        assertBytes(encoder.buffer, "*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n*1\r\n$4\r\nEXEC\r\n")
    }

    func testInitialBufferContentsAreKeptAndAppendedTo() {
        var encoder = RESPCommandEncoder(buffer: ByteBuffer(string: "*1\r\n$4\r\nPING\r\n"))
        encoder.encodeCommand("ECHO", "hi")
        assertBytes(encoder.buffer, "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n")
    }

    func testResetEmptiesTheBufferAndEncodingKeepsWorking() {
        var encoder = RESPCommandEncoder()
        encoder.encodeCommand("SET", "key", String(repeating: "x", count: 1000))
        let capacity = encoder.buffer.capacity
        encoder.reset()
        XCTAssertEqual(encoder.buffer.readableBytes, 0)
        XCTAssertGreaterThanOrEqual(encoder.buffer.capacity, capacity, "reset keeps the capacity for the next command")
        encoder.encodeCommand("GET", "key")
        assertBytes(encoder.buffer, "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n")
        encoder.reset()
        encoder.encodeCommand(0)
        assertBytes(encoder.buffer, "*1\r\n$1\r\n0\r\n")
    }
}
