import Foundation
import LarderRESP
import LarderRedis
import RedisTestSupport
import Synchronization
import XCTest

/// `RedisClusterClient.execute(_:followedBy:)`: the second command (`WAIT`) goes where the
/// first went, on the same connection, redirects included. Each replica that counts is frozen
/// with `SIGSTOP` in turn: a `WAIT` sent anywhere else would be answered by a live replica.
final class ClusterPairTests: XCTestCase {
    /// A cluster of its own: the `ASK` test moves a slot for good.
    func withCluster(_ body: (PrivateRedisCluster, RedisClusterClient) async throws -> Void) async throws {
        let cluster = try await PrivateRedisCluster.start()
        defer { cluster.stop() }
        try await RedisClusterClient.withClient(configuration: cluster.configuration()) { client in
            try await body(cluster, client)
        }
    }

    /// The running replica of the primary listening on `port`.
    func replica(of port: Int, in cluster: PrivateRedisCluster) async throws -> PrivateRedisServer {
        let topology = try await cluster.topology()
        let shard = try XCTUnwrap(topology.shards.first { $0.primary?.port == port }, "\(topology)")
        return try XCTUnwrap(shard.replicas.first.flatMap { cluster.node(port: $0.port) }, "no replica online: \(shard)")
    }

    /// A key with hash tag `{tag}` whose slot is not served by slot 0's primary (where a keyless
    /// command goes), and that slot.
    func keyAwayFromSlotZero(_ cluster: PrivateRedisCluster) async throws -> (tag: String, slot: Int) {
        let slotZero = try await cluster.primary(for: 0)
        for number in 0..<10_000 {
            let tag = "pair\(number)"
            let slot = RedisClusterSlot(key: tag).value
            if try await cluster.primary(for: slot) !== slotZero { return (tag, slot) }
        }
        throw PrivateRedisClusterError.notSettled(detail: "every slot tried is slot 0's primary's")
    }

    func testTheSecondCommandRunsOnTheFirstOnesNode() async throws {
        try await withCluster { cluster, client in
            let (tag, slot) = try await keyAwayFromSlotZero(cluster)
            let node = try await cluster.primary(for: slot)
            let frozen = try await replica(of: node.tcpPort, in: cluster)
            let (set, waited) = try await frozen.whileSuspended {
                await client.execute(SET(RedisKey("{\(tag)}frozen"), "1"), followedBy: WAIT(replicas: 1, timeout: .milliseconds(20)))
            }
            XCTAssertEqual(try set.get().stored, true)
            XCTAssertEqual(try waited.get(), 0, "a replica acknowledged a write whose node's replica is frozen: WAIT went elsewhere")
            // The same pair through `execute(_:_:)` sends the keyless WAIT to slot 0's node,
            // whose replica runs: what `followedBy` is for.
            let (_, elsewhere) = try await frozen.whileSuspended {
                await client.execute(SET(RedisKey("{\(tag)}frozen"), "2"), WAIT(replicas: 1, timeout: .milliseconds(20)))
            }
            XCTAssertEqual(try elsewhere.get(), 1, "execute(_:_:) no longer sends a keyless command to slot 0's node: this test's contrast is gone")
            let (_, acknowledged) = await client.execute(SET(RedisKey("{\(tag)}live"), "3"), followedBy: WAIT(replicas: 1, timeout: .seconds(2)))
            XCTAssertEqual(try acknowledged.get(), 1)
        }
    }

    func testAnAskRedirectSendsTheSecondCommandWithTheFirstToTheImportingNode() async throws {
        try await withCluster { cluster, client in
            let (tag, slot) = try await keyAwayFromSlotZero(cluster)
            _ = try await client.send(SET(RedisKey("{\(tag)}seed"), "x"))
            // The node `migrate` moves the slot to: the first other primary online (checked below).
            let source = try await cluster.primary(for: slot)
            let topology = try await cluster.topology()
            let targetPort = try XCTUnwrap(
                topology.shards.compactMap(\.primary).first { $0.port != source.tcpPort && $0.health == "online" }?.port)
            let targetReplica = try await replica(of: targetPort, in: cluster)
            let outcomes = Mutex<[String]>([])
            let migration = try await cluster.migrate(slot: slot, batch: 10) { _ in
                // Half moved: a new key of the slot meets ASK on the source.
                let (set, waited) = try await targetReplica.whileSuspended {
                    await client.execute(SET(RedisKey("{\(tag)}asked"), "1"), followedBy: WAIT(replicas: 1, timeout: .milliseconds(20)))
                }
                let (_, live) = await client.execute(SET(RedisKey("{\(tag)}asked-live"), "2"), followedBy: WAIT(replicas: 1, timeout: .seconds(2)))
                outcomes.withLock { $0 = ["\(set.map(\.stored))", "\(waited)", "\(live)"] }
            }
            XCTAssertEqual(migration.to, targetPort, "the slot went elsewhere than this test froze")
            XCTAssertEqual(
                outcomes.withLock { $0 }, ["success(true)", "success(0)", "success(1)"],
                "with the importing node's replica frozen, WAIT must answer 0 (it answered for another node otherwise)")
            XCTAssertGreaterThan(client.statistics.ask, 0, "no ASK met: the test did not exercise the redirect")
            let target = try XCTUnwrap(cluster.node(port: targetPort))
            let landed = try await RedisConnection.withConnection(configuration: target.configuration()) { redis in
                try await redis.send(GET(RedisKey("{\(tag)}asked")))
            }
            XCTAssertNotNil(landed, "the asked write is not on the importing node")
        }
    }
}
