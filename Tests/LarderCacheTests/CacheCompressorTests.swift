import Foundation
import LarderCache
import LarderRedis
import LarderZlib
import NIOCore
import RedisTestSupport
import XCTest

/// ``ZlibCacheCompressor`` on a ``RedisCache`` over a private Redis: what django-redis's
/// `ZlibCompressor` stores, read back; the bytes checked in Redis itself.
final class CacheCompressorTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    struct Cart: Codable, Sendable, Equatable {
        var items: [String]
        var total: Double
    }

    /// A cache on DB 1 of the private server, with `compressor`, and a raw connection to it.
    func withCache(
        _ compressor: (any CacheCompressor)? = ZlibCacheCompressor(), _ body: (RedisCache, RedisConnection) async throws -> Void
    ) async throws {
        let server = try await Self.redis.server()
        let cache = RedisCache(configuration: CacheConfiguration(redis: server.configuration(database: 1), compressor: compressor))
        try await cache.clear()  // a private server: flushing it is ours to do
        let raw = try await RedisConnection.connect(configuration: server.configuration(database: 1))
        do {
            try await body(cache, raw)
        } catch {
            await raw.close()
            await cache.close()
            throw error
        }
        await raw.close()
        await cache.close()
    }

    func stored(_ key: String, _ raw: RedisConnection) async throws -> [UInt8] {
        let value = try await raw.send(GET(RedisKey(":1:" + key)))
        return Array(try XCTUnwrap(value, "nothing stored under \(key)").readableBytesView)
    }

    func testALongValueIsStoredAsPythonsZlibCompressAtLevelSix() async throws {
        try await withCache { cache, raw in
            let cart = Cart(items: Array(repeating: "book", count: 50), total: 12.5)
            try await cache.set("cart", cart)
            let bytes = try await stored("cart", raw)
            let json = Array(try FastJSONCacheSerializer().encode(cart))
            // django-redis: zlib.compress(value, 6) once len(value) > 15.
            let python = try Python3.run("import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read(), 6))", input: Data(json))
            XCTAssertEqual(bytes, Array(python))
            XCTAssertEqual(bytes.first, 0x78)
            XCTAssertLessThan(bytes.count, json.count)
            let read = try await cache.get("cart", as: Cart.self)
            XCTAssertEqual(read, cart)
        }
    }

    /// django-redis compresses when `len(value) > min_length` (15): 15 bytes stay as they are, 16 do not.
    func testValuesUpToTheMinimumLengthAreStoredUncompressed() async throws {
        try await withCache { cache, raw in
            let fifteen = "abcdefghijklm"  // "\"abcdefghijklm\"": 15 bytes of JSON
            let sixteen = "abcdefghijklmn"
            try await cache.set("fifteen", fifteen)
            try await cache.set("sixteen", sixteen)
            let short = try await stored("fifteen", raw)
            let long = try await stored("sixteen", raw)
            XCTAssertEqual(short, Array("\"abcdefghijklm\"".utf8))
            XCTAssertEqual(long, try Zlib.compress(Array("\"abcdefghijklmn\"".utf8), level: 6))
            let readShort = try await cache.get("fifteen", as: String.self)
            let readLong = try await cache.get("sixteen", as: String.self)
            XCTAssertEqual(readShort, fifteen)
            XCTAssertEqual(readLong, sixteen)
        }
    }

    /// A value written without a compressor (by another app, or before compression was turned
    /// on) still reads: django-redis takes what does not decompress as stored uncompressed.
    func testAnUncompressedValueWrittenBySomeoneElseStillReads() async throws {
        try await withCache { cache, raw in
            let json = #"{"items":["book","pen","lamp","chair"],"total":99.5}"#
            _ = try await raw.send(SET(RedisKey(":1:legacy"), ByteBuffer(string: json)))
            let read = try await cache.get("legacy", as: Cart.self)
            XCTAssertEqual(read, Cart(items: ["book", "pen", "lamp", "chair"], total: 99.5))
        }
    }

    /// A value Python compressed (as django-redis would store it) reads here.
    func testAValuePythonCompressedReads() async throws {
        try await withCache { cache, raw in
            let json = #"{"items":["book","book","book","book"],"total":1.25}"#
            let python = try Python3.run("import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read(), 6))", input: Data(json.utf8))
            _ = try await raw.send(SET(RedisKey(":1:from-django"), ByteBuffer(bytes: python)))
            let read = try await cache.get("from-django", as: Cart.self)
            XCTAssertEqual(read, Cart(items: ["book", "book", "book", "book"], total: 1.25))
        }
    }

    /// django-redis stores an int as its digits, never compressed, so that `INCRBY` counts it:
    /// 16 digits, longer than the minimum length, stay digits.
    func testIntegersAreNeverCompressed() async throws {
        try await withCache { cache, raw in
            try await cache.set("big", 9_007_199_254_740_000)
            let bytes = try await stored("big", raw)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "9007199254740000")
            let next = try await cache.incr("big", by: 1, version: nil)
            XCTAssertEqual(next, 9_007_199_254_740_001)
            let read = try await cache.get("big", as: Int.self)
            XCTAssertEqual(read, 9_007_199_254_740_001)
        }
    }

    /// A stored value that inflates past the limit is a typed error naming zlib, not memory gone.
    func testAZipBombIsUndecodableNamingZlib() async throws {
        try await withCache(ZlibCacheCompressor(maximumSize: 1 << 16)) { cache, raw in
            let bomb = try Zlib.compress([UInt8](repeating: UInt8(ascii: " "), count: 1 << 22), level: 9)
            _ = try await raw.send(SET(RedisKey(":1:bomb"), ByteBuffer(bytes: bomb)))
            do {
                _ = try await cache.get("bomb", as: String.self)
                XCTFail("a value inflating to 4 MiB was read with a 64 KiB limit")
            } catch let error as CacheError {
                XCTAssertEqual(error.code, .undecodable)
                XCTAssertEqual(error.key, "bomb")
                XCTAssertTrue(error.reason?.contains("zlib") ?? false, "\(error)")
            }
        }
    }

    /// Without a compressor nothing changes: the JSON as it is.
    func testNoCompressorStoresTheSerializersBytes() async throws {
        try await withCache(nil) { cache, raw in
            let cart = Cart(items: Array(repeating: "book", count: 50), total: 12.5)
            try await cache.set("cart", cart)
            let bytes = try await stored("cart", raw)
            XCTAssertEqual(bytes, Array(try FastJSONCacheSerializer().encode(cart)))
        }
    }
}
