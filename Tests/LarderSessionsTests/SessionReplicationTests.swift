import Foundation
import LarderRedis
import LarderSessions
import Logging
import RedisTestSupport
import XCTest

/// `SessionReplication`: each session write followed by `WAIT`, and a write too few replicas
/// acknowledged failing or logged as configured. A private server with no replica at all
/// acknowledges nothing, for real; the failover itself is in `SentinelFailoverPageTests`.
final class SessionReplicationTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func makeStore(
        _ client: any RedisClient, _ shortfall: SessionReplication.Shortfall, replicas: Int = 1, logger: Logger = Logger(label: "t")
    ) throws -> RedisSessionStore {
        RedisSessionStore(
            client: client, configuration: try RedisSessionConfiguration(socketPath: "/unused", prefix: "replicated:"),
            signer: try SessionSigner(secret: "replication-test"),
            replication: SessionReplication(replicas: replicas, timeout: .milliseconds(20), shortfall: shortfall), logger: logger)
    }

    func testAWriteNoReplicaAcknowledgedFailsAsStoreUnavailableWhenAskedTo() async throws {
        let server = try await Self.redis.server()
        try await RedisMultiplexer.withMultiplexer(configuration: server.configuration()) { client in
            let store = try makeStore(client, .fail)
            do throws(SessionError) {
                _ = try await store.create(key: "k1", data: DjangoSessionData(["a": .int(1)]), age: 60)
                XCTFail("a write no replica acknowledged counted as done")
            } catch {
                XCTAssertEqual(error.code, .storeUnavailable, "\(error)")
                XCTAssertTrue("\(error)".contains("acknowledged by 0 of the 1 replicas"), "\(error)")
            }
            // The primary has it all the same: WAIT does not undo a write.
            let kept = try await client.send(GET("replicated:k1"))
            XCTAssertNotNil(kept)
        }
    }

    func testAWriteNoReplicaAcknowledgedIsLoggedAndKeptByDefault() async throws {
        let server = try await Self.redis.server()
        let recorder = LogRecorder()
        try await RedisMultiplexer.withMultiplexer(configuration: server.configuration()) { client in
            let store = try makeStore(client, .log, logger: recorder.logger())
            let created = try await store.create(key: "k2", data: DjangoSessionData(["a": .int(2)]), age: 60)
            XCTAssertTrue(created)
            let loaded = try await store.load(key: "k2")
            XCTAssertEqual(loaded, DjangoSessionData(["a": .int(2)]))
            XCTAssertEqual(recorder.messages(containing: "not acknowledged by enough replicas").count, 1, "\(recorder.lines)")
        }
    }

    func testWaitFollowsTheWriteOnTheSameConnectionAndReportsTheReplicasThatHaveIt() async throws {
        let group = try await PrivateSentinelGroup.start()
        defer { group.stop() }
        try await RedisMultiplexer.withMultiplexer(configuration: group.primary.configuration(), connections: 1) { client in
            let store = try makeStore(client, .fail)
            let created = try await store.create(key: "k3", data: DjangoSessionData(["a": .int(3)]), age: 60)
            XCTAssertTrue(created)
            // With one replica, two cannot acknowledge.
            let greedy = try makeStore(client, .fail, replicas: 2)
            do {
                _ = try await greedy.update(key: "k3", data: DjangoSessionData(["a": .int(4)]), age: 60)
                XCTFail("two replicas acknowledged with one running")
            } catch {
                XCTAssertTrue("\(error)".contains("acknowledged by 1 of the 2 replicas"), "\(error)")
            }
        }
        let replicated = try await RedisConnection.withConnection(configuration: group.replica.configuration()) { replica in
            try await replica.send(GET("replicated:k3"))
        }
        XCTAssertNotNil(replicated, "WAIT 1 answered 1 and the replica does not have the write")
    }
}
