import LarderCache
import Foundation
import NIOCore
import XCTest

/// The conformance suite on ``MemoryCache`` storing with ``FastJSONCacheSerializer``.
final class FastJSONMemoryCacheTests: XCTestCase {
    let suite = CacheConformance { configuration in
        var configuration = configuration
        configuration.serializer = FastJSONCacheSerializer()
        return MemoryCache(configuration: configuration)
    }

    func testSetThenGetReturnsTheValue() async throws { try await suite.setThenGetReturnsTheValue() }
    func testZeroAndNegativeTimeoutsDoNotStore() async throws { try await suite.zeroAndNegativeTimeoutsDoNotStore() }
    func testNeverTimeoutKeepsTheValue() async throws { try await suite.neverTimeoutKeepsTheValue() }
    func testExpiryIsObservedThroughHasKey() async throws { try await suite.expiryIsObservedThroughHasKey() }
    func testAddDoesNotOverwriteAnExistingKey() async throws { try await suite.addDoesNotOverwriteAnExistingKey() }
    func testGetOrSetReturnsTheWinnersValue() async throws { try await suite.getOrSetReturnsTheWinnersValue() }
    func testIncrAndDecrChangeIntegers() async throws { try await suite.incrAndDecrChangeIntegers() }
    func testIncrOnAMissingKeyIsKeyNotFound() async throws { try await suite.incrOnAMissingKeyIsKeyNotFound() }
    func testIncrIsExactForLargeIntegers() async throws { try await suite.incrIsExactForLargeIntegers() }
    func testIncrOnANonIntegerIsAnError() async throws { try await suite.incrOnANonIntegerIsAnError() }
    func testSetManyThenGetManyReturnsOnlyTheKeysFound() async throws { try await suite.setManyThenGetManyReturnsOnlyTheKeysFound() }
    func testDeleteReportsWhetherAKeyWasDeleted() async throws { try await suite.deleteReportsWhetherAKeyWasDeleted() }
    func testTouchSetsANewTimeout() async throws { try await suite.touchSetsANewTimeout() }
    func testVersionsAreSeparateAndIncrVersionMovesTheValue() async throws { try await suite.versionsAreSeparateAndIncrVersionMovesTheValue() }
    func testKeyPrefixSeparatesCaches() async throws { try await suite.keyPrefixSeparatesCaches() }
    func testLongAndOddKeysStillWork() async throws { try await suite.longAndOddKeysStillWork() }
    func testUnicodeBinaryAndStructuredValuesRoundTrip() async throws { try await suite.unicodeBinaryAndStructuredValuesRoundTrip() }
    func testATenMegabyteValueRoundTrips() async throws { try await suite.aTenMegabyteValueRoundTrips() }
    func testAValueOfAnotherTypeIsATypedErrorNotNil() async throws { try await suite.aValueOfAnotherTypeIsATypedErrorNotNil() }
    func testClearEmptiesTheCache() async throws { try await suite.clearEmptiesTheCache() }
}

/// The serializer is ``FastJSON`` behind the ``CacheSerializer`` API: the same bytes as Foundation's
/// `JSONEncoder` with sorted keys (``JSONCacheSerializer``), and each reads the other's, through
/// `Data` and straight from a `ByteBuffer`.
final class FastJSONCacheSerializerTests: XCTestCase {
    struct Article: Codable, Equatable {
        var name: String
        var tags: [String]
        var count: Int
    }

    func testItWritesWhatFoundationWritesAndEachReadsTheOther() throws {
        let value = Article(name: "my-key", tags: ["b", "a/é"], count: 42)
        let fast = FastJSONCacheSerializer()
        let foundation = JSONCacheSerializer()
        XCTAssertEqual(try fast.encode(value), try foundation.encode(value))
        XCTAssertEqual(try fast.decode(Article.self, from: try foundation.encode(value)), value)
        var buffer = ByteBuffer()
        try fast.encode(value, into: &buffer)
        XCTAssertEqual(try fast.decode(Article.self, from: buffer), value)
        XCTAssertEqual(try foundation.decode(Article.self, from: Data(buffer.readableBytesView)), value)
    }
}
