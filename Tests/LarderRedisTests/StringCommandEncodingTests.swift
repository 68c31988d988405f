import NIOCore
import LarderRESP
import LarderRedis
import XCTest

/// `GET` and `SET` write their words by hand (the hot path, see
/// `RESPCommandEncoder.encodeCommandHead`): byte for byte what the generic encoding writes, for
/// every condition and expiry `SET` takes.
final class StringCommandEncodingTests: XCTestCase {
    private func bytes(_ command: some RedisCommand) -> [UInt8] {
        var encoder = RESPCommandEncoder()
        command.encode(into: &encoder)
        return Array(encoder.buffer.readableBytesView)
    }

    private func generic<each Argument: RESPRenderable>(_ arguments: repeat each Argument) -> [UInt8] {
        var encoder = RESPCommandEncoder()
        encoder.encodeCommand(repeat each arguments)
        return Array(encoder.buffer.readableBytesView)
    }

    func testGetIsTheGenericEncoding() {
        XCTAssertEqual(bytes(GET("key:{1}:000000012345")), generic("GET", "key:{1}:000000012345"))
        XCTAssertEqual(bytes(GET(RedisKey(ByteBuffer(bytes: [0, 13, 10, 255])))), generic("GET", ByteBuffer(bytes: [0, 13, 10, 255])))
    }

    func testSetCountsWhatAGenericValueWrites() {
        // A nil optional writes no entry, an array one per element: the header must agree, or
        // Redis reads the next command's bytes as this one's missing arguments.
        XCTAssertEqual(bytes(SET(RedisKey("k"), String?.none, expiration: .seconds(5))), generic("SET", "k", String?.none, "EX", 5))
        XCTAssertEqual(bytes(SET(RedisKey("k"), ["a", "b"], condition: .ifExists)), generic("SET", "k", ["a", "b"], "XX"))
        XCTAssertEqual(bytes(SET(RedisKey("k"), 42)), generic("SET", "k", 42))
    }

    func testSetIsTheGenericEncodingForEveryConditionAndExpiry() {
        let conditions: [SET<String>.Condition?] = [nil, .ifNotExists, .ifExists]
        let expirations: [SET<String>.Expiration?] = [nil, .seconds(900), .milliseconds(1), .seconds(-5), .keepTTL]
        for condition in conditions {
            for expiration in expirations {
                let command = SET(RedisKey("k"), "a value", condition: condition, expiration: expiration)
                let expected: [UInt8]
                switch expiration {
                case .seconds(let seconds): expected = generic("SET", "k", "a value", condition?.rawValue, "EX", seconds)
                case .milliseconds(let milliseconds): expected = generic("SET", "k", "a value", condition?.rawValue, "PX", milliseconds)
                case .keepTTL: expected = generic("SET", "k", "a value", condition?.rawValue, "KEEPTTL")
                case nil: expected = generic("SET", "k", "a value", condition?.rawValue)
                }
                XCTAssertEqual(bytes(command), expected, "SET with \(String(describing: condition)), \(String(describing: expiration))")
            }
        }
    }
}
