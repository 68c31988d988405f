import Foundation
import LarderCache
import LarderRedis
import LarderSessions
import RedisTestSupport
import XCTest

/// `SessionReplication` on a Redis Cluster: the `WAIT` after each session write goes to the
/// node that took the write, so the replica that counts is that node's. Shown with the
/// replicas frozen by `SIGSTOP` in turn: the write's node's replica frozen, nothing is
/// acknowledged; slot 0's node's replica frozen (where a keyless `WAIT` sent on its own would
/// go), the write's node's replica still acknowledges.
final class ClusterReplicationTests: XCTestCase {
    static let redis = SuiteCluster()
    override class func tearDown() { redis.stop() }

    typealias Engine = ReplicatedEngine

    /// A store of `engine` on `client`, each write waiting for one replica, failing without it.
    func makeStore(_ engine: Engine, on client: RedisClusterClient, folder: URL) throws -> any SessionStore {
        try engine.store(on: client, SessionReplication(replicas: 1, timeout: .milliseconds(50), shortfall: .fail), prefix: "waited", folder: folder)
    }

    /// Two shards: the one serving slot 0 and another, each with its primary and replica.
    struct Shards {
        var slotZero: (primary: PrivateRedisServer, replica: PrivateRedisServer)
        var other: (primary: PrivateRedisServer, replica: PrivateRedisServer, slots: [ClosedRange<Int>])
    }

    func shards(_ cluster: PrivateRedisCluster) async throws -> Shards {
        let topology = try await cluster.topology()
        func servers(_ shard: RedisClusterTopology.Shard) throws -> (PrivateRedisServer, PrivateRedisServer) {
            let primary = try XCTUnwrap(shard.primary.flatMap { cluster.node(port: $0.port) }, "\(shard)")
            let replica = try XCTUnwrap(shard.replicas.first.flatMap { cluster.node(port: $0.port) }, "no replica online: \(shard)")
            return (primary, replica)
        }
        let zero = try XCTUnwrap(topology.shards.first { $0.slots.contains { $0.contains(0) } }, "\(topology)")
        let other = try XCTUnwrap(topology.shards.first { !$0.slots.isEmpty && !$0.slots.contains { $0.contains(0) } }, "\(topology)")
        let (zeroPrimary, zeroReplica) = try servers(zero)
        let (otherPrimary, otherReplica) = try servers(other)
        return Shards(slotZero: (zeroPrimary, zeroReplica), other: (otherPrimary, otherReplica, other.slots))
    }

    /// A session key whose Redis key, whatever the store puts before it, hashes to one of
    /// `slots`: a hash tag (`{t12}`) decides the slot.
    func sessionKey(in slots: [ClosedRange<Int>], _ suffix: String) throws -> String {
        let tag = try XCTUnwrap(
            (0..<10_000).lazy.map { "t\($0)" }.first { tag in slots.contains { $0.contains(RedisClusterSlot(key: tag).value) } })
        return "{\(tag)}\(suffix)"
    }

    /// Waits until `replica` acknowledges `primary`'s writes again (after it was frozen).
    func waitUntilInStep(_ primary: PrivateRedisServer) async throws {
        let inStep = try await RedisConnection.withConnection(configuration: primary.configuration()) { connection in
            await waitUntil(limit: .seconds(10)) { (try? await connection.send(WAIT(replicas: 1, timeout: .milliseconds(200)))) == 1 ? true : nil }
        }
        XCTAssertNotNil(inStep, "the replica of 127.0.0.1:\(primary.tcpPort) does not acknowledge its writes")
    }

    func testTheWaitAfterASessionWriteGoesToTheNodeThatTookTheWrite() async throws {
        let cluster = try await Self.redis.cluster()
        let layout = try await shards(cluster)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-wait-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await RedisClusterClient.withClient(configuration: cluster.configuration()) { client in
            for engine in Engine.allCases {
                let store = try makeStore(engine, on: client, folder: folder)
                try await waitUntilInStep(layout.other.primary)
                try await waitUntilInStep(layout.slotZero.primary)
                // The write's node's replica frozen: nobody else's replica may answer for it.
                let unacknowledged = try sessionKey(in: layout.other.slots, "unacknowledged")
                try await layout.other.replica.whileSuspended {
                    do throws(SessionError) {
                        _ = try await store.create(key: unacknowledged, data: DjangoSessionData(["a": .int(1)]), age: 60)
                        XCTFail("\(engine): a write whose node's replica is frozen counted as acknowledged (WAIT went to another node?)")
                    } catch {
                        XCTAssertEqual(error.code, .storeUnavailable, "\(engine): \(error)")
                        XCTAssertTrue("\(error)".contains("acknowledged by 0 of the 1 replicas"), "\(engine): \(error)")
                    }
                }
                try await waitUntilInStep(layout.other.primary)
                // Slot 0's replica frozen: the write's node's replica acknowledges, count 1.
                let acknowledged = try sessionKey(in: layout.other.slots, "acknowledged")
                try await layout.slotZero.replica.whileSuspended {
                    let created = try await store.create(key: acknowledged, data: DjangoSessionData(["a": .int(2)]), age: 60)
                    XCTAssertTrue(created, "\(engine)")
                    let updated = try await store.update(key: acknowledged, data: DjangoSessionData(["a": .int(3)]), age: 60)
                    XCTAssertTrue(updated, "\(engine)")
                }
                let loaded = try await store.load(key: acknowledged)
                XCTAssertEqual(loaded, DjangoSessionData(["a": .int(3)]), "\(engine)")
            }
        }
    }
}
