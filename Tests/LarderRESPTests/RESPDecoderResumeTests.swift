import NIOCore
import LarderRESP
import XCTest

/// A large aggregate arriving in many reads is resumed where the last scan stopped (found in
/// review: rescanning from the start made 400,000 elements take 2 s instead of 0.09 s).
final class RESPDecoderResumeTests: XCTestCase {
    func decodeInChunks(_ whole: ByteBuffer, chunk: Int, decoder: inout RESPDecoder) throws -> [RESPToken] {
        var source = whole
        var accumulated = ByteBuffer()
        var tokens: [RESPToken] = []
        while source.readableBytes > 0 {
            var slice = source.readSlice(length: min(chunk, source.readableBytes))!
            accumulated.writeBuffer(&slice)
            while let token = try decoder.decode(buffer: &accumulated) { tokens.append(token) }
        }
        XCTAssertEqual(accumulated.readableBytes, 0)
        return tokens
    }

    func testALargeArrayInSmallReadsDecodesOnceAndWhole() throws {
        var whole = ByteBuffer(string: "*10000\r\n")
        for index in 0..<10_000 { whole.writeString("$\(String(index).count)\r\n\(index)\r\n") }
        whole.writeString("+after\r\n")
        var decoder = RESPDecoder()
        let tokens = try decodeInChunks(whole, chunk: 7, decoder: &decoder)
        XCTAssertEqual(tokens.count, 2)
        let strings = try [String](fromRESP: tokens[0])
        XCTAssertEqual(strings, (0..<10_000).map(String.init))
        XCTAssertEqual(try String(fromRESP: tokens[1]), "after")
    }

    func testAMapSplitInsideAPairResumesOnTheRightElement() throws {
        var whole = ByteBuffer(string: "%3\r\n")
        for index in 0..<3 { whole.writeString("+key\(index)\r\n*2\r\n:\(index)\r\n:\(index * 10)\r\n") }
        for chunk in 1...whole.readableBytes {
            var decoder = RESPDecoder()
            let tokens = try decodeInChunks(whole, chunk: chunk, decoder: &decoder)
            XCTAssertEqual(tokens.count, 1, "chunk \(chunk)")
            let map = try [String: [Int]](fromRESP: tokens[0])
            XCTAssertEqual(map, ["key0": [0, 0], "key1": [1, 10], "key2": [2, 20]], "chunk \(chunk)")
        }
    }

    func testAnErrorAfterAResumedScanIsStillFound() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer(string: "*3\r\n:1\r\n")
        XCTAssertNil(try decoder.decode(buffer: &buffer))
        buffer.writeString(":2\r\n?bad\r\n")
        XCTAssertThrowsError(try decoder.decode(buffer: &buffer)) { error in
            XCTAssertEqual(error as? RESPDecodeError, .unknownType(byte: UInt8(ascii: "?"), offset: 12))
        }
    }

    func testAShorterBufferAfterANilIsScannedFromItsStart() throws {
        var decoder = RESPDecoder()
        var long = ByteBuffer(string: "*2\r\n:1\r\n")
        XCTAssertNil(try decoder.decode(buffer: &long))
        var other = ByteBuffer(string: "+OK\r\n")
        let token = try XCTUnwrap(try decoder.decode(buffer: &other))
        XCTAssertEqual(try String(fromRESP: token), "OK")
    }
}
