import LarderCache
import Foundation
import Logging
import LarderRedis
import RedisTestSupport
import XCTest

/// The conformance suite on ``RedisCache`` over a ``RedisClusterClient`` (a private 6-node
/// cluster), and what a cluster changes: `getMany`/`setMany`/`deleteMany` across slots and
/// nodes, and `clear()` by key prefix instead of `FLUSHDB`.
final class ClusterCacheTests: XCTestCase {
    static let redis = SuiteCluster()
    static let client = ClientBox()
    override class func tearDown() {
        redis.stop()
    }

    /// One cluster client for the suite, made on first use (its connections end with the cluster).
    final class ClientBox: @unchecked Sendable {
        private let lock = NSLock()
        private var client: RedisClusterClient?
        func get(_ cluster: PrivateRedisCluster) -> RedisClusterClient {
            lock.withLock {
                if let client { return client }
                let made = RedisClusterClient(configuration: cluster.configuration())
                client = made
                return made
            }
        }
    }

    static func clusterClient() async throws -> RedisClusterClient {
        client.get(try await redis.cluster())
    }

    func clusterClient() async throws -> RedisClusterClient { try await Self.clusterClient() }

    var suite: CacheConformance {
        CacheConformance { configuration in
            let cache = RedisCache(client: try await Self.clusterClient(), configuration: configuration)
            try await cache.clear()  // the prefix's keys only, on a private cluster
            return cache
        }
    }

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

    // MARK: What a cluster changes

    func testManyKeysAcrossEveryNodeComeBackInOrder() async throws {
        let client = try await clusterClient()
        var configuration = CacheConfiguration(keyPrefix: "many")
        configuration.logger.logLevel = .error
        let cache = RedisCache(client: client, configuration: configuration)
        let values = Dictionary(uniqueKeysWithValues: (0..<200).map { ("item-\($0)", $0) })
        let failed = try await cache.setMany(values)
        XCTAssertEqual(failed, [])
        let names = values.keys.sorted() + ["absent-1", "absent-2"]
        let found = try await cache.getMany(names, as: Int.self)
        XCTAssertEqual(found, values)
        // The keys really are spread: every primary holds some.
        for node in try await client.primaries() {
            let held = try await node.scanEveryPrimary(match: "many:1:*").count
            XCTAssertGreaterThan(held, 20, "\(node.endpoint) holds \(held) of 200 keys")
        }
        try await cache.deleteMany(Array(values.keys.prefix(150)))
        let left = try await cache.getMany(names, as: Int.self)
        XCTAssertEqual(left.count, 50)
        let withTimeout = try await cache.setMany(["t1": 1, "t2": 2, "t3": 3], timeout: 60)
        XCTAssertEqual(withTimeout, [])
    }

    func testClearRemovesOnlyItsOwnPrefixOnEveryPrimary() async throws {
        let client = try await clusterClient()
        let mine = RedisCache(client: client, configuration: CacheConfiguration(keyPrefix: "app-a"))
        let theirs = RedisCache(client: client, configuration: CacheConfiguration(keyPrefix: "app-b"))
        let values = Dictionary(uniqueKeysWithValues: (0..<1200).map { ("k\($0)", $0) })
        _ = try await mine.setMany(values)
        _ = try await mine.setMany(["old": 1], timeout: .default, version: 2)
        _ = try await theirs.setMany(values)
        _ = try await client.send(SET("app-a-lookalike", "not the cache's: no colon after the prefix"))
        try await mine.clear()
        let mineLeft = try await client.scanEveryPrimary(match: "app-a:*")
        XCTAssertEqual(mineLeft, [], "clear left keys of its own prefix")
        let theirsLeft = try await client.scanEveryPrimary(match: "app-b:*")
        XCTAssertEqual(theirsLeft.count, 1200, "clear removed another cache's keys")
        let lookalike = try await client.send(GET("app-a-lookalike"))
        XCTAssertNotNil(lookalike)
        let glob = RedisCache(client: client, configuration: CacheConfiguration(keyPrefix: "we*ird"))
        _ = try await glob.setMany(["x": 1])
        _ = try await client.send(SET("weXXird:1:x", "a key the pattern must not take for the prefix"))
        try await glob.clear()
        let globLookalike = try await client.send(GET("weXXird:1:x"))
        XCTAssertNotNil(globLookalike, "the prefix's * was taken as a glob")
        let cleared = try await glob.get("x", as: Int.self)
        XCTAssertNil(cleared)
    }
}
