import Foundation
import LarderZlib
import NIOCore
import RedisTestSupport
import XCTest

/// ``Zlib`` against Python's own `zlib` module: the same bytes out, each one's output read by
/// the other, and the limits a zip bomb meets.
final class ZlibTests: XCTestCase {
    /// Data of every kind: compressible text, random bytes, empty, one byte.
    func samples() -> [[UInt8]] {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<5_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = Array(String(repeating: "{\"cart\":[\"book\",\"pen\"],\"total\":12.5} ", count: 200).utf8)
        let mixed = (0..<3_000).map { index in index % 7 == 0 ? UInt8.random(in: 0...255, using: &generator) : UInt8(index % 26) + 97 }
        return [text, random, [], [42], mixed]
    }

    func testCompressesByteForByteAsPython() throws {
        for sample in samples() {
            for level in [-1, 0, 1, 6, 9] {
                let python = try Python3.run(
                    "import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read(), int(sys.argv[1])))",
                    input: Data(sample), arguments: ["\(level)"])
                XCTAssertEqual(try Zlib.compress(sample, level: level), Array(python), "level \(level), \(sample.count) bytes")
            }
        }
    }

    func testTheDefaultLevelIsPythonsDefault() throws {
        let sample = samples()[0]
        let python = try Python3.run("import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))", input: Data(sample))
        let compressed = try Zlib.compress(sample)
        XCTAssertEqual(compressed, Array(python))
        XCTAssertEqual(compressed.first, 0x78, "a zlib stream (RFC 1950) with a 32 KiB window starts with 0x78")
    }

    func testDecompressesWhatPythonCompressed() throws {
        for sample in samples() {
            let python = try Python3.run(
                "import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read(), 9))", input: Data(sample))
            XCTAssertEqual(try Zlib.decompress(Array(python)), sample)
        }
    }

    func testPythonDecompressesWhatThisCompressed() throws {
        for sample in samples() {
            let compressed = try Zlib.compress(sample)
            let python = try Python3.run("import sys, zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read()))", input: Data(compressed))
            XCTAssertEqual(Array(python), sample)
        }
    }

    /// 1 KiB that inflates to 1 MiB: stopped at the limit, a typed error, not the whole output.
    func testAZipBombIsATypedErrorAtTheLimit() throws {
        let bomb = try Zlib.compress([UInt8](repeating: 0, count: 1 << 20), level: 9)
        XCTAssertLessThan(bomb.count, 2_000)
        XCTAssertThrowsError(try Zlib.decompress(bomb, maximumSize: 64 << 10)) { error in
            XCTAssertEqual((error as? ZlibError)?.code, .tooLarge, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("zlib: "), "\(error)")
        }
        XCTAssertEqual(try Zlib.decompress(bomb, maximumSize: 1 << 20).count, 1 << 20, "exactly at the limit is allowed")
        XCTAssertThrowsError(try Zlib.decompress(bomb, maximumSize: (1 << 20) - 1)) { error in
            XCTAssertEqual((error as? ZlibError)?.code, .tooLarge)
        }
    }

    func testTruncatedCorruptAndTrailingBytesAsPython() throws {
        let sample = samples()[0]
        let compressed = try Zlib.compress(sample)
        XCTAssertThrowsError(try Zlib.decompress(Array(compressed.dropLast(3)))) { error in
            XCTAssertEqual((error as? ZlibError)?.code, .truncated, "\(error)")
        }
        XCTAssertThrowsError(try Zlib.decompress([UInt8]())) { error in
            XCTAssertEqual((error as? ZlibError)?.code, .truncated, "\(error)")
        }
        XCTAssertThrowsError(try Zlib.decompress(Array("{\"count\":2}".utf8))) { error in
            XCTAssertEqual((error as? ZlibError)?.code, .corrupt, "\(error)")
        }
        var flipped = compressed
        flipped[flipped.count - 1] ^= 0xFF  // the Adler-32 checksum
        XCTAssertThrowsError(try Zlib.decompress(flipped)) { error in
            XCTAssertEqual((error as? ZlibError)?.code, .corrupt, "\(error)")
        }
        // Python's zlib.decompress ignores bytes after the end of the stream.
        XCTAssertEqual(try Zlib.decompress(compressed + Array("xx".utf8)), sample)
    }

    func testALevelOutsideZlibsRangeIsRefused() {
        XCTAssertThrowsError(try Zlib.compress([1, 2, 3], level: 10)) { error in
            XCTAssertEqual((error as? ZlibError)?.code, .invalidLevel)
        }
    }
}
