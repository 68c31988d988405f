import Foundation
import NIOCore
import LarderRESP
import LarderRedis
import RedisTestSupport
import Synchronization
import XCTest

/// The Sentinel client against a private group (a primary, a replica, three
/// `redis-server --sentinel`): discovery, replica reads, and every discovery error. The group
/// is shared by the suite's tests that do not break it; failover tests are in
/// ``SentinelFailoverTests``.
final class SentinelDiscoveryTests: XCTestCase {
    static let shared = SuiteSentinelGroup()
    override class func tearDown() { shared.stop() }

    func configuration(_ group: PrivateSentinelGroup, readFrom: RedisReadFrom = .primary) -> RedisSentinelConfiguration {
        RedisSentinelConfiguration(
            sentinels: group.sentinelEndpoints, primaryName: group.primaryName, sentinelPassword: group.sentinelPassword,
            data: PrivateSentinelGroup.dataConfiguration(), readFrom: readFrom)
    }

    func testDiscoversThePrimaryChecksItsRoleAndWritesThere() async throws {
        let group = try await Self.shared.group()
        let events = Mutex<[RedisSentinelEvent]>([])
        let client = RedisSentinelClient(configuration: configuration(group)) { event in events.withLock { $0.append(event) } }
        _ = try await client.send(SET("sentinel:discovery", "on the primary"))
        XCTAssertEqual(client.primary, .tcp(host: "127.0.0.1", port: group.primary.tcpPort))
        let stored = try await RedisConnection.withConnection(configuration: group.primary.configuration()) { redis in
            try await redis.send(GET("sentinel:discovery"))
        }
        XCTAssertEqual(stored.map { String(buffer: $0) }, "on the primary")
        guard case .discovered(let primary, _)? = events.withLock({ $0.first }) else {
            return XCTFail("no discovery event: \(events.withLock { $0 })")
        }
        XCTAssertEqual(primary, .tcp(host: "127.0.0.1", port: group.primary.tcpPort))
        await client.close()
    }

    func testReadOnlyCommandsGoToTheReplicaAndWritesToThePrimary() async throws {
        let group = try await Self.shared.group()
        let client = RedisSentinelClient(configuration: configuration(group, readFrom: .replicas))
        _ = try await client.send(SET("sentinel:replica-read", "replicated"))
        // The replica receives the write asynchronously: wait until it has it.
        let replicated = await waitUntil(limit: .seconds(5)) { () -> Bool? in
            let value = try? await RedisConnection.withConnection(configuration: group.replica.configuration()) { redis in
                try await redis.send(GET("sentinel:replica-read"))
            }
            return value == nil ? nil : true
        }
        XCTAssertEqual(replicated, true)
        let before = try await getCalls(on: group)
        for _ in 0..<20 {
            let value = try await client.send(GET("sentinel:replica-read"))
            XCTAssertEqual(value.map { String(buffer: $0) }, "replicated")
        }
        let after = try await getCalls(on: group)
        XCTAssertEqual(after.replica - before.replica, 20, "every GET went to the replica")
        XCTAssertEqual(after.primary - before.primary, 0, "no GET went to the primary")
        XCTAssertEqual(client.replicas, [.tcp(host: "127.0.0.1", port: group.replica.tcpPort)])
        // A write through the same client still goes to the primary.
        _ = try await client.send(SET("sentinel:replica-read", "second"))
        XCTAssertEqual(client.primary, .tcp(host: "127.0.0.1", port: group.primary.tcpPort))
        await client.close()
    }

    func testUnknownPrimaryNameIsATypedErrorNamingTheSentinelsAsked() async throws {
        let group = try await Self.shared.group()
        var configuration = configuration(group)
        configuration.primaryName = "no-such-primary"
        let client = RedisSentinelClient(configuration: configuration)
        do {
            _ = try await client.send(PING())
            XCTFail("a primary nobody monitors was found")
        } catch {
            XCTAssertEqual(error.code, .primaryNameUnknown, "\(error)")
            XCTAssertEqual(error.primaryName, "no-such-primary")
            XCTAssertTrue(error.description.contains("sentinel monitor <name>"), error.description)
        }
        await client.close()
    }

    func testNoSentinelReachableListsEachSentinelAndWhy() async throws {
        let ports = try [LoopbackPort.unused(), LoopbackPort.unused()]
        let client = RedisSentinelClient(
            configuration: RedisSentinelConfiguration(
                sentinels: ports.map { .tcp(host: "127.0.0.1", port: $0) }, primaryName: "mymaster",
                data: PrivateSentinelGroup.dataConfiguration()))
        do {
            _ = try await client.send(PING())
            XCTFail("connected through sentinels that do not exist")
        } catch {
            XCTAssertEqual(error.code, .sentinelsUnreachable, "\(error)")
            XCTAssertEqual(error.sentinelFailures.map(\.endpoint), ports.map { .tcp(host: "127.0.0.1", port: $0) })
            XCTAssertEqual(error.sentinelFailures.map(\.error.code), [.connectionRefused, .connectionRefused])
            for port in ports { XCTAssertTrue(error.description.contains("127.0.0.1:\(port)"), error.description) }
        }
        await client.close()
    }

    func testANodeTheSentinelsNameThatIsAReplicaIsNotAPrimary() async throws {
        let group = try await Self.shared.group()
        // A sentinel told that the replica is the primary of "stale": its view is wrong, as a
        // sentinel's is for a moment after a failover it has not seen.
        let stale = try PrivateSentinel.start(directives: ["sentinel monitor stale 127.0.0.1 \(group.replica.tcpPort) 1"])
        defer { stale.stop() }
        let client = RedisSentinelClient(
            configuration: RedisSentinelConfiguration(
                sentinels: [stale.endpoint], primaryName: "stale", data: PrivateSentinelGroup.dataConfiguration()))
        let error = await waitUntil(limit: .seconds(5)) { () -> RedisError? in
            do throws(RedisError) {
                _ = try await client.send(PING())
                return nil
            } catch {
                return error.code == .sentinelsUnreachable ? nil : error  // not listening yet
            }
        }
        XCTAssertEqual(error?.code, .notAPrimary, "\(String(describing: error))")
        XCTAssertEqual(error?.endpoint, RedisEndpoint.tcp(host: "127.0.0.1", port: group.replica.tcpPort))
        guard case .replica(let primary, _)? = error?.role else { return XCTFail("no role: \(String(describing: error))") }
        XCTAssertEqual(primary, .tcp(host: "127.0.0.1", port: group.primary.tcpPort))
        await client.close()
    }

    func testSentinelCredentialsAreTheSentinelsOwnAndARefusalSaysSo() async throws {
        let group = try await PrivateSentinelGroup.start(sentinelPassword: "sentinel-secret")
        defer { group.stop() }
        var wrong = configuration(group)
        wrong.sentinelPassword = "not-it"
        let refused = RedisSentinelClient(configuration: wrong)
        do {
            _ = try await refused.send(PING())
            XCTFail("the sentinels accepted a wrong password")
        } catch {
            XCTAssertEqual(error.code, .sentinelAuthenticationFailed, "\(error)")
            XCTAssertTrue(error.description.contains("separate from the data nodes'"), error.description)
            XCTAssertFalse(error.description.contains("not-it"), "the password is never shown")
        }
        await refused.close()
        // The data nodes require no password: the sentinels' is not sent to them.
        let client = RedisSentinelClient(configuration: configuration(group))
        let pong = try await client.send(PING())
        XCTAssertEqual(pong, "PONG")
        await client.close()
    }

    func testTheURLFormNamesSentinelsPrimaryDatabaseAndBothCredentials() throws {
        let configuration = try RedisSentinelConfiguration(
            url: "redis+sentinel://app:data%40pw@127.0.0.1,10.0.0.2:26380/mymaster/2?sentinel_password=s%26pw&read_from=prefer_replicas")
        XCTAssertEqual(configuration.sentinels, [.tcp(host: "127.0.0.1", port: 26379), .tcp(host: "10.0.0.2", port: 26380)])
        XCTAssertEqual(configuration.primaryName, "mymaster")
        XCTAssertEqual(configuration.data.database, 2)
        XCTAssertEqual(configuration.data.username, "app")
        XCTAssertEqual(configuration.data.password, "data@pw")
        XCTAssertEqual(configuration.sentinelPassword, "s&pw")
        XCTAssertNil(configuration.sentinelUsername)
        XCTAssertEqual(configuration.readFrom, .preferReplicas)
        let node = configuration.nodeConfiguration(.tcp(host: "10.0.0.9", port: 6379))
        XCTAssertEqual(node.password, "data@pw")
        XCTAssertEqual(node.database, 2)
        XCTAssertEqual(configuration.sentinelConfiguration(.tcp(host: "127.0.0.1", port: 26379)).password, "s&pw")
        XCTAssertThrowsError(try RedisSentinelConfiguration(url: "redis+sentinel://127.0.0.1")) { error in
            XCTAssertTrue("\(error)".contains("names no primary"), "\(error)")
        }
        XCTAssertThrowsError(try RedisSentinelConfiguration(url: "redis+sentinel://h/m?sentinel_password=s3cret&bogus=1")) { error in
            XCTAssertFalse("\(error)".contains("s3cret"), "\(error)")
        }
    }

    // MARK: Helpers

    /// `GET` calls so far on the primary and on the replica (`INFO commandstats`).
    func getCalls(on group: PrivateSentinelGroup) async throws -> (primary: Int, replica: Int) {
        func calls(_ server: PrivateRedisServer) async throws -> Int {
            let info = try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
                try await redis.send(INFO(["commandstats"]))
            }
            // cmdstat_get:calls=12,usec=...
            let fields = info["commandstats"]["cmdstat_get"] ?? ""
            return fields.split(separator: ",").first { $0.hasPrefix("calls=") }.flatMap { Int($0.dropFirst(6)) } ?? 0
        }
        return (try await calls(group.primary), try await calls(group.replica))
    }
}
