import Foundation
import NIOCore
import LarderRESP
import LarderRedis
import RedisTestSupport
import XCTest

/// The cluster client against a private 6-node cluster (3 primaries, a replica each): slots as
/// the server computes them, commands routed to every primary, multi-key commands split by slot
/// and put back in order, and the errors a cluster adds.
final class ClusterRoutingTests: XCTestCase {
    static let redis = SuiteCluster()
    override class func tearDown() { redis.stop() }

    func withClient<Result>(maximumAttempts: Int = 6, _ body: (RedisClusterClient, PrivateRedisCluster) async throws -> Result) async throws -> Result {
        let cluster = try await Self.redis.cluster()
        return try await RedisClusterClient.withClient(configuration: cluster.configuration(maximumAttempts: maximumAttempts)) { client in
            try await body(client, cluster)
        }
    }

    // MARK: Slots

    func testSlotsAreTheServersForPlainTaggedAndOddKeys() async throws {
        var keys: [RedisKey] = ["foo", "", "{", "}", "{}", "{}x", "x{}", "{a}{b}", "a{b}c", "{user1000}.following", "{user1000}.followers",
            "{{x}}", "a{{b}}", ":1:session", "été", "日本語{タグ}"]
        var generator = SystemRandomNumberGenerator()
        for length in 1...40 {
            for _ in 0..<50 {
                var bytes = ByteBuffer()
                for _ in 0..<length { bytes.writeInteger(UInt8.random(in: 0...255, using: &generator)) }
                keys.append(RedisKey(bytes))
            }
        }
        let cluster = try await Self.redis.cluster()
        let replies = try await RedisConnection.withConnection(configuration: cluster.nodes[0].configuration()) { redis in
            await redis.execute(keys.map { CLUSTER.KEYSLOT($0) })
        }
        var mismatches: [String] = []
        for (key, reply) in zip(keys, replies) {
            let server = try reply.get()
            let ours = RedisClusterSlot(key: key).value
            if server != ours { mismatches.append("\(Array(key.bytes.readableBytesView)): server \(server), ours \(ours)") }
        }
        XCTAssertEqual(keys.count, 2016)
        XCTAssertEqual(mismatches, [], "slots differ from CLUSTER KEYSLOT")
        XCTAssertEqual(RedisClusterSlot(key: "foo").value, 12182)
        XCTAssertEqual(RedisClusterSlot(key: "{user1000}.following"), RedisClusterSlot(key: "{user1000}.followers"))
    }

    // MARK: Routing

    func testGetAndSetReachEveryPrimary() async throws {
        try await withClient { client, _ in
            let keys = (0..<300).map { "routing:\($0)" }
            for key in keys { _ = try await client.send(SET(RedisKey(key), key + "-value")) }
            for key in keys {
                let value = try await client.send(GET(RedisKey(key)))
                XCTAssertEqual(value.map { String(buffer: $0) }, key + "-value")
            }
            let primaries = try await client.primaries()
            XCTAssertEqual(primaries.count, 3)
            XCTAssertEqual(primaries.reduce(0) { $0 + $1.slots.reduce(0) { $0 + $1.count } }, 16384)
            for node in primaries {
                // One EXISTS per key: a node, too, refuses a multi-key command across slots.
                let held = await node.execute(keys.map { EXISTS([RedisKey($0)]) }).reduce(0) { $0 + ((try? $1.get()) ?? 0) }
                XCTAssertGreaterThan(held, 50, "\(node.endpoint) holds too few of the keys: routing did not spread them")
            }
            XCTAssertEqual(client.statistics.moved, 0, "the first table was right: no key should have been redirected")
        }
    }

    func testMultiKeyCommandsAcrossSlotsComeBackInTheCallersOrder() async throws {
        try await withClient { client, _ in
            let pairs = (0..<60).map { (key: RedisKey("multi:\($0)"), value: "v\($0)") }
            let stored = try await client.send(MSET(pairs))
            XCTAssertEqual(stored, "OK")
            // Present and absent keys interleaved, in an order no slot grouping would produce.
            let asked = (0..<90).map { RedisKey("multi:\(($0 * 37) % 90)") }
            let values = try await client.send(MGET(asked))
            XCTAssertEqual(values.count, 90)
            for (key, value) in zip(asked, values) {
                let number = Int(key.description.split(separator: ":")[1])!
                XCTAssertEqual(value.map { String(buffer: $0) }, number < 60 ? "v\(number)" : nil, "\(key)")
            }
            let existing = try await client.send(EXISTS(asked))
            XCTAssertEqual(existing, 60)
            let deleted = try await client.send(DEL(Array(asked.prefix(45))))
            XCTAssertEqual(deleted, asked.prefix(45).filter { Int($0.description.dropFirst(6))! < 60 }.count)
            let unlinked = try await client.send(UNLINK(asked))
            XCTAssertEqual(unlinked, 60 - asked.prefix(45).filter { Int($0.description.dropFirst(6))! < 60 }.count)
            let left = try await client.send(EXISTS(asked))
            XCTAssertEqual(left, 0)
            XCTAssertGreaterThanOrEqual(client.statistics.splitCommands, 5)
        }
    }

    func testKeysWithOneHashTagGoAsOneCommand() async throws {
        try await withClient { client, _ in
            let keys: [RedisKey] = ["{cart:7}:items", "{cart:7}:total", "{cart:7}:owner"]
            _ = try await client.send(MSET(keys.map { (key: $0, value: "x") }))
            let found = try await client.send(MGET(keys)).compactMap { $0 }.count
            XCTAssertEqual(found, 3)
            XCTAssertEqual(client.statistics.splitCommands, 0, "keys sharing a hash tag share a slot: nothing to split")
        }
    }

    func testAPipelineIsSplitByNodeAndReassembledInOrder() async throws {
        try await withClient { client, _ in
            let keys = (0..<200).map { RedisKey("pipe:\($0)") }
            let sets = await client.execute(keys.map { SET($0, "value of \($0)") })
            XCTAssertEqual(sets.filter { (try? $0.get())?.stored == true }.count, 200)
            let gets = await client.execute(keys.reversed().map { GET($0) })
            XCTAssertEqual(gets.map { try? $0.get().map { String(buffer: $0) } }, keys.reversed().map { "value of \($0)" })
            let (first, second) = await client.execute(GET("pipe:1"), INCRBY("pipe:counter", by: 5))
            XCTAssertEqual(try first.get().map { String(buffer: $0) }, "value of pipe:1")
            XCTAssertEqual(try second.get(), 5)
        }
    }

    // MARK: Errors

    func testACommandAcrossSlotsThatCannotBeSplitFailsBeforeItIsSent() async throws {
        try await withClient { client, _ in
            let keys: [RedisKey] = ["cross:a", "cross:b", "cross:c"]
            do throws(RedisError) {
                _ = try await client.send(EVAL<RESPToken, String>("return 1", keys: keys, arguments: []))
                XCTFail("an EVAL over three slots was sent")
            } catch {
                XCTAssertEqual(error.code, .crossSlot)
                XCTAssertEqual(Set(error.slots), Set(keys.map { RedisClusterSlot(key: $0).value }))
                XCTAssertTrue(error.description.contains("hash tag"), error.description)
            }
        }
    }

    func testWholeKeyspaceCommandsAreRefusedAndScanRunsOnEveryPrimary() async throws {
        try await withClient { client, _ in
            let keys = (0..<120).map { RedisKey("scanned:\($0)") }
            _ = try await client.send(MSET(keys.map { (key: $0, value: "1") }))
            do throws(RedisError) {
                _ = try await client.send(DBSIZE())
                XCTFail("DBSIZE went to one node of a cluster")
            } catch {
                XCTAssertEqual(error.code, .perNodeCommand)
                XCTAssertTrue(error.description.contains("primaries()"), error.description)
            }
            let found = try await client.scanEveryPrimary(match: "scanned:*", count: 50)
            XCTAssertEqual(Set(found), Set(keys))
            XCTAssertEqual(found.count, keys.count, "a key was found twice")
        }
    }

    func testRedirectsBeyondTheLimitNameTheSlotTheNodeAndWhatHappened() async throws {
        try await withClient(maximumAttempts: 1) { client, cluster in
            let key: RedisKey = "{limit}:key"
            let slot = RedisClusterSlot(key: key).value
            _ = try await client.send(SET(key, "here"))
            // Move the slot to another primary behind the client's back: its table is now
            // stale, and with one attempt allowed the MOVED cannot be followed.
            let migration = try await cluster.migrate(slot: slot)
            let source = try XCTUnwrap(cluster.node(port: migration.from))
            let target = try XCTUnwrap(cluster.node(port: migration.to))
            do throws(RedisError) {
                _ = try await client.send(GET(key))
                XCTFail("a MOVED was followed with no attempt left")
            } catch {
                XCTAssertEqual(error.code, .clusterRetriesExhausted)
                XCTAssertEqual(error.slots, [slot])
                XCTAssertEqual(error.endpoint, .tcp(host: "127.0.0.1", port: source.tcpPort))
                XCTAssertTrue(error.detail?.hasPrefix("MOVED \(slot) 127.0.0.1:\(target.tcpPort)") == true, error.description)
                XCTAssertTrue(error.description.contains("slot \(slot)"), error.description)
            }
            XCTAssertEqual(client.statistics.moved, 1)
            // The MOVED updated the table: the next call goes straight to the new owner.
            let moved = try await client.send(GET(key)).map { String(buffer: $0) }
            XCTAssertEqual(moved, "here")
            try await cluster.waitUntilSettled(timeout: .seconds(10))
        }
    }

    func testADatabaseOtherThanZeroIsRefusedNamingTheKeyPrefix() throws {
        XCTAssertThrowsError(try RedisClusterConfiguration(url: "redis://127.0.0.1:7000,127.0.0.1:7001/1")) { error in
            let error = error as! RedisError
            XCTAssertEqual(error.code, .invalidConfiguration)
            XCTAssertTrue(error.description.contains("only database 0"), error.description)
            XCTAssertTrue(error.description.contains("KEY_PREFIX"), error.description)
        }
    }

    func testSeedsComeFromOneURLOrAListOfThem() throws {
        let one = try RedisClusterConfiguration(url: "redis://app:s%40cret@10.0.0.1:7000,10.0.0.2:7001,[::1]:7002?client_name=shop")
        XCTAssertEqual(one.seeds, [.tcp(host: "10.0.0.1", port: 7000), .tcp(host: "10.0.0.2", port: 7001), .tcp(host: "::1", port: 7002)])
        XCTAssertEqual(one.base.username, "app")
        XCTAssertEqual(one.base.password, "s@cret")
        XCTAssertEqual(one.base.clientName, "shop")
        XCTAssertEqual(one.node(host: "10.0.0.9", port: 7005).password, "s@cret", "a node's configuration is the base's with its endpoint")
        let list = try RedisClusterConfiguration(urls: ["redis://10.0.0.1:7000/0", "redis://10.0.0.2:7001"])
        XCTAssertEqual(list.seeds, [.tcp(host: "10.0.0.1", port: 7000), .tcp(host: "10.0.0.2", port: 7001)])
        XCTAssertThrowsError(try RedisClusterConfiguration(url: "unix:///var/run/redis/redis.sock")) { error in
            XCTAssertTrue("\(error)".contains("Unix socket"), "\(error)")
        }
    }

    func testAServerWithoutClusterSupportIsNamedAsSuch() async throws {
        let port = try LoopbackPort.unused()
        let server = try await PrivateRedisServer.start(tcpPort: port)
        defer { server.shutDownAndRemove() }
        let configuration = try RedisClusterConfiguration(base: RedisConfiguration(), seeds: [.tcp(host: "127.0.0.1", port: port)])
        try await RedisClusterClient.withClient(configuration: configuration) { client in
            do throws(RedisError) {
                _ = try await client.send(GET("k"))
                XCTFail("a plain server answered as a cluster")
            } catch {
                XCTAssertEqual(error.code, .clusterTopologyUnavailable)
                XCTAssertTrue(error.description.contains("cluster support disabled"), error.description)
            }
        }
    }

    func testTheClusterErrorsHaveTheirOwnCodesAndTexts() {
        let errors: [RedisError] = [
            .crossSlot(command: "EVAL", slots: [1, 2]), .perNodeCommand("SCAN"),
            .clusterRetriesExhausted(command: "GET", slot: 7, node: .tcp(host: "h", port: 1), attempts: 6, last: "TRYAGAIN"),
            .clusterTopologyUnavailable(tried: [.tcp(host: "h", port: 1)], reason: "refused"),
        ]
        XCTAssertEqual(errors.map(\.code.description), ["crossSlot", "perNodeCommand", "clusterRetriesExhausted", "clusterTopologyUnavailable"])
        XCTAssertEqual(errors.map(\.command), ["EVAL", "SCAN", "GET", nil])
        XCTAssertEqual(errors.map(\.slots), [[1, 2], [], [7], []])
        XCTAssertEqual(errors.map(\.detail), [nil, nil, "TRYAGAIN", "refused"])
        XCTAssertEqual(Set(errors.map(\.description)).count, 4)
    }
}
