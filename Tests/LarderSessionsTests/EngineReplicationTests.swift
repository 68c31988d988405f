import Foundation
import LarderCache
import LarderRedis
import LarderSessions
import Logging
import RedisTestSupport
import XCTest

/// `SessionReplication` on every engine (standalone, `cache`, `cached_db`), through a
/// `RedisSentinelClient` on a private group (a primary and its replica): each save followed by
/// `WAIT` on the primary; the replica frozen with `SIGSTOP` for the writes it must not
/// acknowledge. The failover itself is in `SentinelFailoverPageTests`.
final class EngineReplicationTests: XCTestCase {
    static let sentinel = SuiteSentinelGroup()
    override class func tearDown() { sentinel.stop() }

    typealias Engine = ReplicatedEngine

    /// A store of `engine` on `redis`, its writes waiting as `replication` says.
    func makeStore(
        _ engine: Engine, on redis: RedisSentinelClient, _ replication: SessionReplication, folder: URL, logger: Logger
    ) throws -> any SessionStore {
        try engine.store(on: redis, replication, prefix: "replicated", folder: folder, logger: logger)
    }

    /// `body` with the group's Sentinel client and a scratch folder, the replica in step first.
    func withClient(_ body: (RedisSentinelClient, PrivateSentinelGroup, URL) async throws -> Void) async throws {
        let group = try await Self.sentinel.group()
        try await group.waitUntilReplicaInStep()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("engine-replication-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await RedisSentinelClient.withSentinelClient(configuration: Self.sentinel.clientConfiguration(group)) { redis in
            try await body(redis, group, folder)
        }
    }

    func testEveryEngineHasEachWriteAcknowledgedByTheReplica() async throws {
        try await withClient { redis, _, folder in
            for engine in Engine.allCases {
                let enough = try makeStore(engine, on: redis, SessionReplication(replicas: 1, shortfall: .fail), folder: folder, logger: SessionFixture.quiet)
                let created = try await enough.create(key: "acknowledged", data: DjangoSessionData(["a": .int(1)]), age: 60)
                XCTAssertTrue(created, "\(engine)")
                let updated = try await enough.update(key: "acknowledged", data: DjangoSessionData(["a": .int(2)]), age: 60)
                XCTAssertTrue(updated, "\(engine)")
                let loaded = try await enough.load(key: "acknowledged")
                XCTAssertEqual(loaded, DjangoSessionData(["a": .int(2)]), "\(engine)")
                // The count WAIT answered, as the error reports it: one replica runs, so two cannot acknowledge.
                let greedy = try makeStore(engine, on: redis, SessionReplication(replicas: 2, shortfall: .fail), folder: folder, logger: SessionFixture.quiet)
                do throws(SessionError) {
                    _ = try await greedy.update(key: "acknowledged", data: DjangoSessionData(["a": .int(3)]), age: 60)
                    XCTFail("\(engine): two replicas acknowledged with one running")
                } catch {
                    XCTAssertEqual(error.code, .storeUnavailable, "\(engine): \(error)")
                    XCTAssertTrue("\(error)".contains("acknowledged by 1 of the 2 replicas"), "\(engine): \(error)")
                }
            }
        }
    }

    func testEveryEngineFailsAWriteNoReplicaAcknowledgedWhenAskedTo() async throws {
        try await withClient { redis, group, folder in
            for engine in Engine.allCases {
                let store = try makeStore(
                    engine, on: redis, SessionReplication(replicas: 1, timeout: .milliseconds(20), shortfall: .fail), folder: folder,
                    logger: SessionFixture.quiet)
                try await group.replica.whileSuspended {
                    do throws(SessionError) {
                        _ = try await store.create(key: "unacknowledged", data: DjangoSessionData(["a": .int(1)]), age: 60)
                        XCTFail("\(engine): a write the frozen replica cannot have counted as acknowledged")
                    } catch {
                        XCTAssertEqual(error.code, .storeUnavailable, "\(engine): \(error)")
                        XCTAssertTrue("\(error)".contains("acknowledged by 0 of the 1 replicas"), "\(engine): \(error)")
                        XCTAssertEqual(error.store, store.name, "\(engine): \(error)")
                    }
                }
            }
        }
    }

    func testEveryEngineLogsAWriteNoReplicaAcknowledgedAndKeepsIt() async throws {
        try await withClient { redis, group, folder in
            for engine in Engine.allCases {
                let recorder = LogRecorder()
                let store = try makeStore(
                    engine, on: redis, SessionReplication(replicas: 1, timeout: .milliseconds(20), shortfall: .log), folder: folder,
                    logger: recorder.logger())
                try await group.replica.whileSuspended {
                    let created = try await store.create(key: "logged", data: DjangoSessionData(["a": .int(1)]), age: 60)
                    XCTAssertTrue(created, "\(engine)")
                    let updated = try await store.update(key: "logged", data: DjangoSessionData(["a": .int(2)]), age: 60)
                    XCTAssertTrue(updated, "\(engine)")
                    let loaded = try await store.load(key: "logged")
                    XCTAssertEqual(loaded, DjangoSessionData(["a": .int(2)]), "\(engine)")
                }
                let warnings = recorder.messages(containing: "not acknowledged by enough replicas")
                XCTAssertEqual(warnings.count, 2, "\(engine): one warning per unacknowledged write: \(recorder.lines)")
                let reasons = recorder.events.filter { $0.message.contains("not acknowledged") }.map { "\($0.metadata["error"] ?? "")" }
                XCTAssertTrue(reasons.allSatisfy { $0.contains("acknowledged by 0 of the 1 replicas") }, "\(engine): \(reasons)")
            }
        }
    }

    func testACacheThatCannotWaitForReplicasIsRefusedAtStartUp() throws {
        let memory = MemoryCache()
        let replication = SessionReplication(replicas: 1)
        XCTAssertThrowsError(try CacheSessionStore(cache: memory, replication: replication)) { error in
            let error = error as! SessionError
            XCTAssertEqual(error.code, .invalidConfiguration)
            XCTAssertTrue("\(error)".contains("needs a cache that can wait for replicas (a RedisCache), not a MemoryCache"), "\(error)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("engine-replication-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let table = try DatabaseSessionStore(path: folder.appendingPathComponent("db.sqlite3").path, signer: try SessionSigner(secret: SessionFixture.secret))
        XCTAssertThrowsError(try CachedDatabaseSessionStore(database: table, cache: memory, replication: replication)) { error in
            XCTAssertEqual((error as! SessionError).code, .invalidConfiguration, "\(error)")
        }
        // Without replication the memory cache is as welcome as before.
        XCTAssertNoThrow(try CacheSessionStore(cache: memory))
    }
}
