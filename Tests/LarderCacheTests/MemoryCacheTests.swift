import LarderCache
import Foundation
import Logging
import RedisTestSupport
import XCTest

/// The conformance suite on ``MemoryCache``, plus what only it has (LRU culling).
final class MemoryCacheTests: XCTestCase {
    let suite = CacheConformance { configuration in MemoryCache(configuration: configuration) }

    func testSetThenGetReturnsTheValue() async throws { try await suite.setThenGetReturnsTheValue() }
    func testZeroAndNegativeTimeoutsDoNotStore() async throws { try await suite.zeroAndNegativeTimeoutsDoNotStore() }
    func testNeverTimeoutKeepsTheValue() async throws { try await suite.neverTimeoutKeepsTheValue() }
    func testExpiryIsObservedThroughHasKey() async throws { try await suite.expiryIsObservedThroughHasKey() }
    func testAddDoesNotOverwriteAnExistingKey() async throws { try await suite.addDoesNotOverwriteAnExistingKey() }
    func testUpdateReplacesOnlyAnExistingKey() async throws { try await suite.updateReplacesOnlyAnExistingKey() }
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
    func testOverflowIsATypedErrorAndChangesNothing() async throws { try await suite.overflowIsATypedErrorAndChangesNothing() }
    func testIncrVersionByZeroKeepsTheValue() async throws { try await suite.incrVersionByZeroKeepsTheValue() }
    func testIncrVersionWithADefaultTimeoutOfZeroStoresNothing() async throws { try await suite.incrVersionWithADefaultTimeoutOfZeroStoresNothing() }
    func testLongAndOddKeysStillWork() async throws { try await suite.longAndOddKeysStillWork() }
    func testUnicodeBinaryAndStructuredValuesRoundTrip() async throws { try await suite.unicodeBinaryAndStructuredValuesRoundTrip() }
    func testATenMegabyteValueRoundTrips() async throws { try await suite.aTenMegabyteValueRoundTrips() }
    func testAValueOfAnotherTypeIsATypedErrorNotNil() async throws { try await suite.aValueOfAnotherTypeIsATypedErrorNotNil() }
    func testClearEmptiesTheCache() async throws { try await suite.clearEmptiesTheCache() }

    func testAFullCacheDropsItsLeastRecentlyUsedThird() async throws {
        let cache = MemoryCache(maximumEntries: 9, cullFrequency: 3)
        for index in 0..<9 { try await cache.set("k\(index)", index) }
        _ = try await cache.get("k0", as: Int.self)  // k0 is now the most recently used
        try await cache.set("k9", 9)  // full: the 3 least recently used (k1, k2, k3) go
        let survivors = try await cache.getMany((0..<10).map { "k\($0)" }, as: Int.self)
        XCTAssertEqual(Set(survivors.keys), ["k0", "k4", "k5", "k6", "k7", "k8", "k9"])
    }

    func testAnOddKeyIsWarnedAboutOnceAndStillWorks() async throws {
        let log = LogRecorder()
        var configuration = CacheConfiguration()
        configuration.logger = log.logger()
        let cache = MemoryCache(configuration: configuration)
        try await cache.set(String(repeating: "k", count: 300), 1)
        try await cache.set("with space", 2)
        try await cache.set("fine", 3)
        let value = try await cache.get("with space", as: Int.self)
        XCTAssertEqual(value, 2)
        XCTAssertEqual(log.messages(containing: "not portable").count, 1, "one warning per cache: \(log.lines)")
    }

    func testCullFrequencyZeroEmptiesAFullCache() async throws {
        let cache = MemoryCache(maximumEntries: 3, cullFrequency: 0)
        for index in 0..<4 { try await cache.set("k\(index)", index) }
        let survivors = try await cache.getMany((0..<4).map { "k\($0)" }, as: Int.self)
        XCTAssertEqual(survivors, ["k3": 3])
    }
}
