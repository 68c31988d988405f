import NIOCore
import LarderRESP
import XCTest

/// What the encoder writes, the decoder reads back: a command is an array of bulk strings
/// holding exactly the argument bytes.
final class RESPRoundTripTests: XCTestCase {
    /// Decodes `buffer` as exactly one array of bulk strings and returns their bytes.
    private func decodeCommand(_ buffer: ByteBuffer, file: StaticString = #filePath, line: UInt = #line) throws -> [[UInt8]] {
        let token = try decodeFrame(buffer, file: file, line: line)
        let elements = try XCTUnwrap(token.elementTokens, "not an array: \(token)", file: file, line: line)
        return try elements.map { element in
            guard case .bulkString(let bytes) = element.value else {
                throw RESPConversionError(expected: "a bulk string", token: element)
            }
            return Array(bytes.readableBytesView)
        }
    }

    func testCommandOfEveryArgumentKindDecodesToItsArgumentBytes() throws {
        var encoder = RESPCommandEncoder()
        let nothing: String? = nil
        encoder.encodeCommand(
            "SET", Substring("key"), "", "日本", 42, Int.min, Int64.max, 1.5, -Double.infinity, ByteBuffer(string: "a\r\nb"),
            RESPBytes([0x00, 0x0D, 0x0A, 0xFF]), nothing, Optional("NX"), ["x", "y"]
        )
        let texts: [String] = ["SET", "key", "", "日本", "42", "-9223372036854775808", "9223372036854775807", "1.5", "-inf", "a\r\nb"]
        var expected = texts.map { Array($0.utf8) }
        expected.append([0x00, 0x0D, 0x0A, 0xFF])
        expected += ["NX", "x", "y"].map { Array($0.utf8) }
        XCTAssertEqual(try decodeCommand(encoder.buffer), expected)
    }

    func testCommandConvertsBackToItsStrings() throws {
        var encoder = RESPCommandEncoder()
        encoder.encodeCommand("HSET", "user:1", "name", "Ada", "visits", 3)
        XCTAssertEqual(try [String](fromRESP: decodeFrame(encoder.buffer)), ["HSET", "user:1", "name", "Ada", "visits", "3"])
    }

    func testPipelinedCommandsDecodeOneAfterAnother() throws {
        var encoder = RESPCommandEncoder()
        encoder.encodeCommand("MULTI")
        encoder.encodeCommand("INCR", "counter")
        encoder.encodeCommand("EXEC")
        var decoder = RESPDecoder()
        var buffer = encoder.buffer
        var commands: [[String]] = []
        while let token = try decoder.decode(buffer: &buffer) { commands.append(try [String](fromRESP: token)) }
        XCTAssertEqual(commands, [["MULTI"], ["INCR", "counter"], ["EXEC"]])
    }

    func testIntegersSurviveTheRoundTrip() throws {
        var random = XorShift(seed: 42)
        var numbers = [0, 1, -1, Int.min, Int.max]
        for _ in 0..<1000 { numbers.append(Int(truncatingIfNeeded: random.next()) >> random.next(below: 64)) }
        var encoder = RESPCommandEncoder()
        for number in numbers {
            encoder.reset()
            encoder.encodeCommand(number)
            let element = try XCTUnwrap(try decodeFrame(encoder.buffer).elementTokens?.first)
            XCTAssertEqual(try Int(fromRESP: element), number)
        }
    }

    func testDoublesSurviveTheRoundTripExactly() throws {
        var random = XorShift(seed: 7)
        var numbers: [Double] = [0, -0.0, 1.5, -2, 0.1, 1e20, 1e-7, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
        for _ in 0..<1000 {
            let number = Double(bitPattern: random.next())
            if number.isFinite { numbers.append(number) }
        }
        var encoder = RESPCommandEncoder()
        for number in numbers {
            encoder.reset()
            encoder.encodeCommand(number)
            let element = try XCTUnwrap(try decodeFrame(encoder.buffer).elementTokens?.first)
            XCTAssertEqual(try Double(fromRESP: element).bitPattern, number.bitPattern, "\(number)")
        }
    }

    func testRandomBinaryCommandsSurviveTheRoundTrip() throws {
        var random = XorShift(seed: 0xB1A5)
        // Bytes that matter to the framing, often, and any byte, sometimes.
        let framingBytes = Array("\r\n$*:+-0123456789".utf8)
        var encoder = RESPCommandEncoder()
        for round in 0..<2000 {
            let arguments: [[UInt8]] = (0..<random.next(below: 12)).map { _ in
                (0..<random.next(below: 40)).map { _ in
                    random.next(below: 2) == 0 ? random.pick(framingBytes) : UInt8(truncatingIfNeeded: random.next())
                }
            }
            encoder.reset()
            encoder.encodeCommand(arguments.map(RESPBytes.init))
            XCTAssertEqual(try decodeCommand(encoder.buffer), arguments, "round \(round)")
        }
    }
}
