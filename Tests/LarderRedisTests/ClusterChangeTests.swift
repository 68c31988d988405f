import Foundation
import NIOCore
import LarderRESP
import LarderRedis
import RedisTestSupport
import Synchronization
import XCTest

/// The cluster changing under traffic: a slot migrated while readers and writers run (`ASK`,
/// then `MOVED`), and a primary killed (its replica promoted, the client following). Each test
/// has a cluster of its own: both leave it changed.
final class ClusterMigrationTests: XCTestCase {
    static let redis = SuiteCluster()
    override class func tearDown() { redis.stop() }

    func testASlotMigratedDuringTrafficIsFollowedWithoutAWrongAnswer() async throws {
        let cluster = try await Self.redis.cluster()
        try await RedisClusterClient.withClient(configuration: cluster.configuration()) { client in
            let keys = (0..<60).map { RedisKey("{moving}:\($0)") }
            let slot = RedisClusterSlot(key: keys[0]).value
            for key in keys { _ = try await client.send(SET(key, "0")) }
            // A batch caller's keys: some in the moving slot, some on the other nodes, so that
            // each execute() is split and its moving part meets ASK and then MOVED.
            let batchKeys = (0..<8).map { RedisKey("{moving}:batch:\($0)") } + (0..<8).map { RedisKey("elsewhere:\($0)") }
            for key in batchKeys { _ = try await client.send(SET(key, "0")) }
            let traffic = Traffic()
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Writers: each owns some keys and checks it reads back what it wrote last.
                for worker in 0..<4 {
                    group.addTask {
                        var round = 0
                        while !traffic.stop.load(ordering: .relaxed) {
                            round += 1
                            for key in keys.enumerated().filter({ $0.offset % 4 == worker }).map(\.element) {
                                let value = "\(round)"
                                do {
                                    _ = try await client.send(SET(key, value))
                                    let read = try await client.send(GET(key)).map { String(buffer: $0) }
                                    if read != value { traffic.wrong.withLock { $0.append("\(key): wrote \(value), read \(read ?? "nil")") } }
                                    // One key: a multi-key read of a half-moved slot, with some keys on
                                    // each side, is refused with TRYAGAIN until the move ends.
                                    let many = try await client.send(MGET([key])).map { $0.map { String(buffer: $0) } }
                                    if many != [value] { traffic.wrong.withLock { $0.append("\(key): wrote \(value), MGET read \(many)") } }
                                } catch {
                                    traffic.failures.withLock { $0.append("\(error)") }
                                }
                                traffic.operations.add(1, ordering: .relaxed)
                            }
                        }
                    }
                }
                group.addTask {
                    var round = 0
                    while !traffic.stop.load(ordering: .relaxed) {
                        round += 1
                        let value = "batch \(round)"
                        for (key, reply) in zip(batchKeys, await client.execute(batchKeys.map { SET($0, value) })) {
                            if case .failure(let error) = reply { traffic.failures.withLock { $0.append("\(key): batch SET \(error)") } }
                        }
                        for (key, reply) in zip(batchKeys, await client.execute(batchKeys.map { GET($0) })) {
                            switch reply {
                            case .success(let read):
                                let text = read.map { String(buffer: $0) }
                                if text != value { traffic.wrong.withLock { $0.append("\(key): batch wrote \(value), read \(text ?? "nil")") } }
                            case .failure(let error):
                                traffic.failures.withLock { $0.append("\(key): batch GET \(error)") }
                            }
                        }
                        traffic.operations.add(1, ordering: .relaxed)
                    }
                }
                let migration = try await cluster.migrate(slot: slot, batch: 7) { _ in
                    // Traffic meets the half-moved slot: wait for a few more operations to pass.
                    let target = traffic.operations.load(ordering: .relaxed) + 20
                    _ = await waitUntil(limit: .seconds(5), interval: .milliseconds(1)) { traffic.operations.load(ordering: .relaxed) >= target ? true : nil }
                }
                XCTAssertEqual(migration.keysMoved, keys.count + 8)
                let afterHandover = traffic.operations.load(ordering: .relaxed) + 100
                _ = await waitUntil(limit: .seconds(5), interval: .milliseconds(1)) { traffic.operations.load(ordering: .relaxed) >= afterHandover ? true : nil }
                traffic.stop.store(true, ordering: .relaxed)
                try await group.waitForAll()
            }
            XCTAssertEqual(traffic.wrong.withLock { $0 }, [], "a read returned another value than the one just written")
            XCTAssertEqual(traffic.failures.withLock { $0 }, [], "a call failed during the migration")
            let statistics = client.statistics
            XCTAssertGreaterThan(statistics.ask, 0, "no ASK was met while the slot was half moved")
            XCTAssertGreaterThan(statistics.moved, 0, "no MOVED was met after the slot was handed over")
            print("migration of slot \(slot): \(traffic.operations.load(ordering: .relaxed)) operations, \(statistics.ask) ASK, \(statistics.moved) MOVED, \(statistics.tryAgain) TRYAGAIN followed")
            let owner = try await client.node(for: RedisClusterSlot(slot)!)
            XCTAssertNotEqual(owner?.endpoint, nil)
            let missing = try await client.send(MGET(keys)).filter { $0 == nil }.count
            XCTAssertEqual(missing, 0)
        }
    }
}

/// What the traffic of a migration test saw, shared by its tasks.
private final class Traffic: Sendable {
    let wrong = Mutex<[String]>([])
    let failures = Mutex<[String]>([])
    let operations = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
}

final class ClusterFailoverTests: XCTestCase {
    static let redis = SuiteCluster()
    override class func tearDown() { redis.stop() }

    func testAKilledPrimaryIsFollowedToItsPromotedReplica() async throws {
        let cluster = try await Self.redis.cluster()
        try await RedisClusterClient.withClient(configuration: cluster.configuration()) { client in
            let key: RedisKey = "{failover}:value"
            let slot = RedisClusterSlot(key: key).value
            _ = try await client.send(SET(key, "before"))
            let primary = try await cluster.primary(for: slot)
            // Acknowledged by the replica before the kill: replication is asynchronous otherwise.
            try await RedisConnection.withConnection(configuration: primary.configuration()) { redis in
                let acknowledged = try Int(fromRESP: try await redis.send("WAIT", 1, 2000))
                XCTAssertEqual(acknowledged, 1)
            }
            let killedAt = ContinuousClock.now
            primary.kill()
            var errorsSeen: [String] = []
            let back = await waitUntil(limit: .seconds(20), interval: .milliseconds(20)) { () async -> Duration? in
                do {
                    let value = try await client.send(GET(key))
                    XCTAssertEqual(value.map { String(buffer: $0) }, "before")
                    _ = try await client.send(SET(key, "after"))
                    return ContinuousClock.now - killedAt
                } catch {
                    errorsSeen.append("\((error as? RedisError)?.code.description ?? "\(error)")")
                    return nil
                }
            }
            let window = try XCTUnwrap(back, "the client did not reach the promoted replica within 20 s; errors: \(Set(errorsSeen))")
            let newPrimary = try await cluster.primary(for: slot)
            XCTAssertNotEqual(newPrimary.tcpPort, primary.tcpPort)
            let owner = try await client.node(for: RedisClusterSlot(slot)!)?.endpoint
            XCTAssertEqual(owner, .tcp(host: "127.0.0.1", port: newPrimary.tcpPort))
            let written = try await client.send(GET(key)).map { String(buffer: $0) }
            XCTAssertEqual(written, "after")
            XCTAssertGreaterThan(client.statistics.unreachable, 0)
            XCTAssertGreaterThan(client.statistics.refreshes, 1)
            print("failover: writes back \(window) after the SIGKILL; \(errorsSeen.count) calls failed meanwhile (\(Set(errorsSeen).sorted()))")
        }
    }
}
