import Foundation
import LarderCache
import LarderRedis
import NIOCore
import RedisTestSupport
import XCTest

/// `Cache.write(_:_:condition:timeout:version:acknowledgedBy:within:)`: a write and its `WAIT`
/// on one connection, on a private Sentinel group's primary through a `RedisSentinelClient`,
/// the replica frozen with `SIGSTOP` where a write must go unacknowledged.
final class AcknowledgedWriteTests: XCTestCase {
    static let sentinel = SuiteSentinelGroup()
    override class func tearDown() { sentinel.stop() }

    func withCache(_ body: (RedisCache, PrivateSentinelGroup) async throws -> Void) async throws {
        let group = try await Self.sentinel.group()
        try await group.waitUntilReplicaInStep()
        try await RedisSentinelClient.withSentinelClient(configuration: Self.sentinel.clientConfiguration(group)) { redis in
            try await body(RedisCache(client: redis, configuration: CacheConfiguration(keyPrefix: "acknowledged")), group)
        }
    }

    /// What the replica itself holds under the cache's key for `name`.
    func onReplica(_ group: PrivateSentinelGroup, _ name: String) async throws -> String? {
        try await RedisConnection.withConnection(configuration: group.replica.configuration()) { replica in
            try await replica.send(GET(RedisKey("acknowledged:1:\(name)"))).map { String(buffer: $0) }
        }
    }

    func testEachConditionWritesAsItsPlainMethodAndReportsTheReplicaThatAcknowledged() async throws {
        try await withCache { cache, group in
            let set = try await cache.write("set", "one", condition: .always, timeout: 60, version: nil, acknowledgedBy: 1, within: .milliseconds(500))
            XCTAssertEqual(set, CacheAcknowledgedWrite(stored: true, acknowledged: 1))
            let replicated = try await onReplica(group, "set")
            XCTAssertEqual(replicated, "\"one\"", "WAIT answered 1 and the replica does not have the write")

            let taken = try await cache.write("set", "two", condition: .ifAbsent, timeout: 60, version: nil, acknowledgedBy: 1, within: .milliseconds(500))
            XCTAssertFalse(taken.stored, "add over an existing key stored")
            let added = try await cache.write("added", "three", condition: .ifAbsent, timeout: 60, version: nil, acknowledgedBy: 1, within: .milliseconds(500))
            XCTAssertEqual(added, CacheAcknowledgedWrite(stored: true, acknowledged: 1))

            let missing = try await cache.write("absent", "four", condition: .ifPresent, timeout: 60, version: nil, acknowledgedBy: 1, within: .milliseconds(500))
            XCTAssertFalse(missing.stored, "update of a missing key stored")
            let absent = try await cache.get("absent", as: String.self)
            XCTAssertNil(absent)
            let updated = try await cache.write("set", "five", condition: .ifPresent, timeout: 60, version: nil, acknowledgedBy: 1, within: .milliseconds(500))
            XCTAssertEqual(updated, CacheAcknowledgedWrite(stored: true, acknowledged: 1))
            let value = try await cache.getWithTTL("set", as: String.self)
            XCTAssertEqual(value?.value, "five")
            XCTAssertNotNil(value?.ttl, "the write's timeout was not set")

            // A timeout of zero deletes, the delete waited for as well.
            let deleted = try await cache.write("set", "six", condition: .always, timeout: 0, version: nil, acknowledgedBy: 1, within: .milliseconds(500))
            XCTAssertEqual(deleted.acknowledged, 1)
            let gone = try await onReplica(group, "set")
            XCTAssertNil(gone, "the delete did not reach the replica")
        }
    }

    func testAWriteTheFrozenReplicaCannotHaveIsStoredAndReportedUnacknowledged() async throws {
        try await withCache { cache, group in
            let write = try await group.replica.whileSuspended {
                try await cache.write("frozen", "kept", condition: .always, timeout: 60, version: nil, acknowledgedBy: 1, within: .milliseconds(20))
            }
            XCTAssertEqual(write, CacheAcknowledgedWrite(stored: true, acknowledged: 0))
            let kept = try await cache.get("frozen", as: String.self)
            XCTAssertEqual(kept, "kept", "WAIT does not undo a write: the primary has it")
        }
    }

    func testACacheWithoutReplicasRefusesToWaitForThem() async throws {
        let memory = MemoryCache()
        XCTAssertFalse(memory.waitsForReplicas)
        XCTAssertTrue(RedisCache(configuration: CacheConfiguration()).waitsForReplicas)
        do {
            _ = try await memory.write("k", 1, condition: .always, timeout: 60, version: nil, acknowledgedBy: 1, within: .milliseconds(20))
            XCTFail("a memory cache claimed a replica's acknowledgement")
        } catch {
            XCTAssertEqual(error.code, .invalidConfiguration)
            XCTAssertTrue("\(error)".contains("MemoryCache cannot wait for replicas"), "\(error)")
        }
        let stored = try await memory.get("k", as: Int.self)
        XCTAssertNil(stored, "the refused write was made all the same")
    }
}
