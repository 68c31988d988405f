import Foundation
import NIOCore
import LarderRESP
import XCTest

/// Seeded pseudo-random input: valid frames, frames with a few bytes mutated, and noise. The
/// decoder must return a token, return `nil` or throw `RESPDecodeError` (its signature allows
/// nothing else), and never crash; whatever it returns must be walkable all the way down.
/// Every run sees the same bytes, so a failure reproduces.
final class RESPDecoderFuzzTests: XCTestCase {
    // MARK: Generating frames

    /// Bytes that steer the decoder into its branches: type bytes, line ends, signs, digits.
    private static let interestingBytes: [UInt8] = Array("+-:$*_#,(!=%|~>\r\n0123456789.etfinax".utf8) + [0x00, 0x15, 0x7F, 0xFF]
    /// Numbers that sit on a boundary of some check.
    private static let interestingNumbers = [
        "-1", "-2", "0", "1", "3", "4", "64", "65", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999",
    ]

    /// A valid frame of any type, aggregates nesting at most `depth` more levels.
    private func validFrame(_ random: inout XorShift, depth: Int = 3) -> [UInt8] {
        func line(_ text: String) -> [UInt8] { Array(text.utf8) + [0x0D, 0x0A] }
        func text(_ random: inout XorShift) -> String {
            String(decoding: (0..<random.next(below: 12)).map { _ in UInt8(0x20 + random.next(below: 0x5F)) }, as: UTF8.self)
        }
        func body(_ random: inout XorShift) -> [UInt8] {
            (0..<random.next(below: 24)).map { _ in
                random.next(below: 3) == 0 ? random.pick(Self.interestingBytes) : UInt8(truncatingIfNeeded: random.next())
            }
        }
        let kinds = depth > 0 ? 17 : 11
        switch random.next(below: kinds) {
        case 0: return line("+" + text(&random))
        case 1: return line("-ERR " + text(&random))
        case 2: return line(":" + String(Int64(truncatingIfNeeded: random.next()) >> random.next(below: 64)))
        case 3:
            let bytes = body(&random)
            return line("$\(bytes.count)") + bytes + [0x0D, 0x0A]
        case 4: return line(random.pick(["$-1", "*-1", "_"]))
        case 5: return line(random.pick(["#t", "#f"]))
        case 6:
            let number = Double(Int64(truncatingIfNeeded: random.next()) >> random.next(below: 64)) / Double(1 + random.next(below: 10_000))
            return line("," + random.pick(["1.5", "-2", "1e10", "inf", "-inf", "nan", ".5", "+3.25E-2", String(number)]))
        case 7: return line("(" + random.pick(["", "-"]) + String((0..<1 + random.next(below: 50)).map { _ in random.pick(Array("0123456789")) }))
        case 8:
            let bytes = body(&random)
            return line("!\(bytes.count)") + bytes + [0x0D, 0x0A]
        case 9:
            let bytes = Array(random.pick(["txt:", "mkd:"]).utf8) + body(&random)
            return line("=\(bytes.count)") + bytes + [0x0D, 0x0A]
        case 10: return line("+OK")
        default:
            let count = random.next(below: 4)
            let type = random.pick(["*", "~", ">", "%", "|"])
            let elements = (type == "%" || type == "|") ? count * 2 : count
            var frame = line(type + String(count))
            for _ in 0..<elements { frame += validFrame(&random, depth: depth - 1) }
            if type == "|" { frame += validFrame(&random, depth: depth - 1) }
            return frame
        }
    }

    /// `frame` with one to four random edits: a byte replaced, inserted or removed, the end cut
    /// off, a piece repeated, a boundary number inserted, or another frame spliced in.
    private func mutated(_ frame: [UInt8], _ random: inout XorShift) -> [UInt8] {
        var bytes = frame
        for _ in 0..<1 + random.next(below: 4) {
            let position = random.next(below: bytes.count + 1)
            switch random.next(below: 8) {
            case 0 where position < bytes.count: bytes[position] = UInt8(truncatingIfNeeded: random.next())
            case 1 where position < bytes.count: bytes[position] = random.pick(Self.interestingBytes)
            case 2: bytes.insert(random.pick(Self.interestingBytes), at: position)
            case 3 where position < bytes.count: bytes.remove(at: position)
            case 4: bytes.removeLast(bytes.count - position)
            case 5:
                let end = position + random.next(below: bytes.count - position + 1)
                let piece = bytes[position..<end]
                bytes.insert(contentsOf: piece, at: end)
            case 6: bytes.insert(contentsOf: Array(random.pick(Self.interestingNumbers).utf8), at: position)
            default: bytes.insert(contentsOf: validFrame(&random, depth: 2), at: position)
            }
        }
        return bytes
    }

    /// Limits drawn small often, so that every limit check is reached, and sometimes unbounded.
    private func limits(_ random: inout XorShift) -> RESPLimits {
        switch random.next(below: 4) {
        case 0:
            RESPLimits(
                maxBulkLength: random.next(below: 32), maxAggregateCount: random.next(below: 4), maxDepth: random.next(below: 4),
                maxLineLength: random.next(below: 24)
            )
        case 1: RESPLimits(maxBulkLength: .max, maxAggregateCount: .max, maxDepth: .max, maxLineLength: .max)
        default: RESPLimits()
        }
    }

    // MARK: Checking what the decoder does

    private var failures = 0

    private func fail(_ message: String, _ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        failures += 1
        if failures <= 10 { XCTFail("\(message) for \"\(escaped(bytes))\"", file: file, line: line) }
    }

    /// Walks a token all the way down: value, attributes, every element.
    /// Returns how many tokens it visited.
    @discardableResult
    private func walk(_ token: RESPToken) -> Int {
        var visited = 1
        _ = token.type
        if let attributes = token.attributes {
            for pair in attributes { visited += walk(pair.key) + walk(pair.value) }
        }
        switch token.value {
        case .array(let elements), .set(let elements), .push(let elements):
            var count = 0
            for element in elements {
                visited += walk(element)
                count += 1
            }
            if count != elements.count { fail("aggregate count \(elements.count) but \(count) elements", Array(token.base.readableBytesView)) }
        case .map(let pairs):
            var count = 0
            for pair in pairs {
                visited += walk(pair.key) + walk(pair.value)
                count += 1
            }
            if count != pairs.count { fail("map count \(pairs.count) but \(count) pairs", Array(token.base.readableBytesView)) }
        case .verbatimString(let format, _):
            if format.unicodeScalars.count != 3 { fail("verbatim format \(format)", Array(token.base.readableBytesView)) }
        default:
            break
        }
        return visited
    }

    /// Tries every conversion on `token` (each failure renders the token for its message).
    private func convert(_ token: RESPToken) {
        _ = try? String(fromRESP: token)
        _ = try? Int(fromRESP: token)
        _ = try? Double(fromRESP: token)
        _ = try? Bool(fromRESP: token)
        _ = try? ByteBuffer(fromRESP: token)
        _ = try? [String?](fromRESP: token)
        _ = try? [RESPToken: RESPToken](fromRESP: token)
    }

    /// Decodes frames off `bytes` until the decoder waits or throws, checking each outcome.
    /// Returns the tokens decoded.
    @discardableResult
    private func exercise(_ bytes: [UInt8], limits: RESPLimits, random: inout XorShift) -> [RESPToken] {
        var decoder = RESPDecoder(limits: limits)
        var buffer = ByteBuffer(bytes: bytes)
        var tokens: [RESPToken] = []
        while true {
            let before = buffer
            do throws(RESPDecodeError) {
                guard let token = try decoder.decode(buffer: &buffer) else {
                    if buffer != before { fail("nil but bytes consumed", bytes) }
                    return tokens
                }
                let length = token.base.readableBytes
                if length == 0 || before.readableBytes - buffer.readableBytes != length
                    || token.base != before.getSlice(at: before.readerIndex, length: length)
                {
                    fail("the token is not the bytes consumed", bytes)
                }
                _ = token.description
                _ = token.shortDescription
                walk(token)
                convert(token)
                if (try? RESPToken(validating: token.base, limits: limits)) != token { fail("a token's own bytes do not validate", bytes) }
                // A frame that decodes whole must make every shorter prefix wait, not throw.
                var prefix = before.getSlice(at: before.readerIndex, length: random.next(below: length))!
                var prefixDecoder = RESPDecoder(limits: limits)
                do throws(RESPDecodeError) {
                    if try prefixDecoder.decode(buffer: &prefix) != nil { fail("a prefix of a valid frame decoded", bytes) }
                } catch {
                    fail("a prefix of a valid frame threw \(error)", bytes)
                }
                tokens.append(token)
            } catch {
                if buffer != before { fail("error but bytes consumed", bytes) }
                if error.description.isEmpty { fail("empty error description", bytes) }
                return tokens
            }
        }
    }

    // MARK: Tests

    func testGeneratedValidFramesDecodeWholeAndWalk() {
        var random = XorShift(seed: 0x0DEC_0DE5)
        for _ in 0..<10_000 {
            let frame = validFrame(&random)
            let tokens = exercise(frame, limits: RESPLimits(), random: &random)
            if tokens.map(\.base) != [ByteBuffer(bytes: frame)] { fail("a valid frame did not decode as itself", frame) }
        }
        XCTAssertEqual(failures, 0)
    }

    func testGeneratedValidFramesFedOneByteAtATimeDecodeOnTheirLastByte() throws {
        var random = XorShift(seed: 0xB17E)
        for _ in 0..<1_000 {
            let frame = validFrame(&random)
            var decoder = RESPDecoder()
            var buffer = ByteBuffer()
            for (index, byte) in frame.enumerated() {
                buffer.writeInteger(byte)
                let token = try decoder.decode(buffer: &buffer)
                if (token != nil) != (index == frame.count - 1) { fail("decoded at byte \(index + 1) of \(frame.count)", frame) }
            }
        }
        XCTAssertEqual(failures, 0)
    }

    func testMutatedFramesNeverCrashTheDecoder() {
        var random = XorShift(seed: 0xF0_22ED)
        let seeds = sampleFrames.map(\.bytes)
        for _ in 0..<200_000 {
            let original = random.next(below: 2) == 0 ? random.pick(seeds) : validFrame(&random)
            exercise(mutated(original, &random), limits: limits(&random), random: &random)
        }
        XCTAssertEqual(failures, 0)
    }

    func testRandomBytesNeverCrashTheDecoder() {
        var random = XorShift(seed: 0x4A4D)
        for _ in 0..<100_000 {
            var bytes: [UInt8] = (0..<random.next(below: 48)).map { _ in
                random.next(below: 4) == 0 ? UInt8(truncatingIfNeeded: random.next()) : random.pick(Self.interestingBytes)
            }
            // Mostly start like a frame, so that the noise gets past the type byte.
            if !bytes.isEmpty, random.next(below: 4) != 0 { bytes[0] = random.pick(RESPTypeIdentifier.allCases).rawValue }
            exercise(bytes, limits: limits(&random), random: &random)
        }
        XCTAssertEqual(failures, 0)
    }

    /// The corpus libFuzzer grew (scripts/fuzz.sh) replays through the same checks, so every
    /// input it found interesting, and any crash it found, stays a regression test.
    func testTheLibFuzzerCorpusReplaysWithoutFailures() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzCorpus")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        XCTAssertGreaterThan(files.count, 10, "the committed corpus in \(folder.path) is missing or nearly empty")
        var random = XorShift(seed: 0xF022)
        let limits = RESPLimits(maxBulkLength: 1 << 16, maxAggregateCount: 1 << 12, maxDepth: 16, maxLineLength: 1 << 12)
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            exercise(bytes, limits: limits, random: &random)
            exercise(bytes, limits: RESPLimits(), random: &random)
        }
    }
}
