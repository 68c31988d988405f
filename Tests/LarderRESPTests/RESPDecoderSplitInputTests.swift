import NIOCore
import LarderRESP
import XCTest

/// Input arriving in pieces: the decoder waits, consuming nothing, until a frame is complete,
/// and then hands out exactly that frame, whatever the split.
final class RESPDecoderSplitInputTests: XCTestCase {
    /// Appends `chunk` to `buffer` and decodes every frame now complete.
    private func feed(_ chunk: some Collection<UInt8>, into buffer: inout ByteBuffer, decoder: inout RESPDecoder) throws -> [RESPToken] {
        buffer.writeBytes(chunk)
        var tokens: [RESPToken] = []
        while let token = try decoder.decode(buffer: &buffer) { tokens.append(token) }
        return tokens
    }

    private var allSamples: [UInt8] { sampleFrames.flatMap(\.bytes) }

    func testEveryTypeFedOneByteAtATimeWaitsThenYieldsTheExactFrame() throws {
        for (name, frame) in sampleFrames {
            var decoder = RESPDecoder()
            var buffer = ByteBuffer()
            for (index, byte) in frame.enumerated() {
                buffer.writeInteger(byte)
                let token = try decoder.decode(buffer: &buffer)
                if index < frame.count - 1 {
                    XCTAssertNil(token, "\(name): complete after only \(index + 1) of \(frame.count) bytes")
                    XCTAssertEqual(buffer.readableBytes, index + 1, "\(name): consumed bytes of an incomplete frame")
                } else {
                    XCTAssertEqual(token?.base, ByteBuffer(bytes: frame), "\(name): not the exact frame")
                    XCTAssertEqual(buffer.readableBytes, 0, "\(name): bytes left after the frame")
                }
            }
        }
    }

    func testEveryProperPrefixOfEveryTypeIsIncompleteInAFreshBuffer() throws {
        for (name, frame) in sampleFrames {
            for length in 0..<frame.count {
                var decoder = RESPDecoder()
                var buffer = ByteBuffer(bytes: frame[..<length])
                XCTAssertNil(try decoder.decode(buffer: &buffer), "\(name): prefix of \(length) bytes decoded")
                XCTAssertEqual(buffer.readableBytes, length, "\(name): prefix of \(length) bytes consumed")
            }
        }
    }

    func testSplitFrameDecodesToTheSameValueAsWhole() throws {
        for (name, frame) in sampleFrames {
            let whole = try decodeFrame(frame)
            var decoder = RESPDecoder()
            var buffer = ByteBuffer()
            let split = frame.count / 2
            XCTAssertEqual(try feed(frame[..<split], into: &buffer, decoder: &decoder), [], name)
            let tokens = try feed(frame[split...], into: &buffer, decoder: &decoder)
            XCTAssertEqual(tokens, [whole], name)
            XCTAssertEqual(tokens.first?.description, whole.description, name)
        }
    }

    func testSeveralFramesInOneBufferDecodeOneAfterAnother() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer(bytes: allSamples)
        for (name, frame) in sampleFrames {
            let token = try XCTUnwrap(try decoder.decode(buffer: &buffer), name)
            XCTAssertEqual(token.base, ByteBuffer(bytes: frame), name)
        }
        XCTAssertNil(try decoder.decode(buffer: &buffer))
        XCTAssertEqual(buffer.readableBytes, 0)
    }

    func testEverySplitPointOfAMultiFrameBufferYieldsTheSameFrames() throws {
        let bytes = allSamples
        let expected = sampleFrames.map { ByteBuffer(bytes: $0.bytes) }
        for split in 0...bytes.count {
            var decoder = RESPDecoder()
            var buffer = ByteBuffer()
            var tokens = try feed(bytes[..<split], into: &buffer, decoder: &decoder)
            tokens += try feed(bytes[split...], into: &buffer, decoder: &decoder)
            XCTAssertEqual(tokens.map(\.base), expected, "split at byte \(split)")
            XCTAssertEqual(buffer.readableBytes, 0, "split at byte \(split)")
        }
    }

    func testMultiFrameBufferFedOneByteAtATimeYieldsEachFrameOnItsLastByte() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer()
        var tokens: [RESPToken] = []
        var frameEnds: [Int] = []
        for (index, byte) in allSamples.enumerated() {
            let decoded = try feed([byte], into: &buffer, decoder: &decoder)
            if !decoded.isEmpty { frameEnds.append(index + 1) }
            tokens += decoded
        }
        XCTAssertEqual(tokens.map(\.base), sampleFrames.map { ByteBuffer(bytes: $0.bytes) })
        var end = 0
        XCTAssertEqual(frameEnds, sampleFrames.map { sample in
            end += sample.bytes.count
            return end
        })
    }

    func testRandomChunkSizesYieldTheSameFrames() throws {
        var random = XorShift(seed: 0x5EED_CAFE)
        let bytes = allSamples
        let expected = sampleFrames.map { ByteBuffer(bytes: $0.bytes) }
        for round in 0..<500 {
            var decoder = RESPDecoder()
            var buffer = ByteBuffer()
            var tokens: [RESPToken] = []
            var position = 0
            while position < bytes.count {
                let size = min(bytes.count - position, 1 + random.next(below: 40))
                tokens += try feed(bytes[position..<position + size], into: &buffer, decoder: &decoder)
                position += size
            }
            XCTAssertEqual(tokens.map(\.base), expected, "round \(round)")
        }
    }

    func testBulkStringSplitRightAfterACarriageReturnInsideItsBody() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer()
        XCTAssertEqual(try feed(Array("$4\r\na\r".utf8), into: &buffer, decoder: &decoder), [])
        XCTAssertEqual(try feed(Array("\nb\r".utf8), into: &buffer, decoder: &decoder), [])
        let tokens = try feed(Array("\n".utf8), into: &buffer, decoder: &decoder)
        XCTAssertEqual(tokens.map(\.value), [.bulkString(ByteBuffer(string: "a\r\nb"))])
    }

    func testLargeBulkStringArrivingInChunksIsDecodedOnceComplete() throws {
        let body = [UInt8]((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let frame = Array("$100000\r\n".utf8) + body + Array("\r\n".utf8)
        var decoder = RESPDecoder()
        var buffer = ByteBuffer()
        var tokens: [RESPToken] = []
        for start in stride(from: 0, to: frame.count, by: 4096) {
            XCTAssertEqual(tokens, [], "decoded before the last chunk")
            tokens += try feed(frame[start..<min(start + 4096, frame.count)], into: &buffer, decoder: &decoder)
        }
        XCTAssertEqual(tokens.map(\.value), [.bulkString(ByteBuffer(bytes: body))])
    }

    func testChunkCompletingOneFrameAndStartingTheNextKeepsTheRest() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer()
        XCTAssertEqual(try feed(Array("+PO".utf8), into: &buffer, decoder: &decoder), [])
        let tokens = try feed(Array("NG\r\n:4".utf8), into: &buffer, decoder: &decoder)
        XCTAssertEqual(tokens.map(\.value), [.simpleString(ByteBuffer(string: "PONG"))])
        XCTAssertEqual(String(buffer: buffer), ":4")
        XCTAssertEqual(try feed(Array("2\r\n".utf8), into: &buffer, decoder: &decoder).map(\.value), [.integer(42)])
    }
}
