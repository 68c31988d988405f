import LarderKeyspace
import LarderRedis
import RedisTestSupport
import XCTest

/// The inspector on a Redis Cluster: one inspector per primary, whose scans together find
/// every key exactly once (each primary holds its own slots' keys, in its database 0).
final class ClusterKeyspaceTests: XCTestCase {
    static let redis = SuiteCluster()
    override class func tearDown() { redis.stop() }

    func testEveryPrimaryIsScannedAndTogetherTheyHoldEveryKeyOnce() async throws {
        let cluster = try await Self.redis.cluster()
        let keys = (0..<300).map { RedisKey("inspected:\($0)") }
        try await RedisClusterClient.withClient(configuration: cluster.configuration()) { client in
            _ = try await client.send(MSET(keys.map { (key: $0, value: "v") }))
        }
        let primaries = try await KeyspaceInspector.primaries(ofCluster: try RedisClusterConfiguration(url: cluster.url))
        XCTAssertEqual(primaries.count, 3)
        XCTAssertEqual(primaries.flatMap(\.slots).reduce(0) { $0 + $1.count }, 16384)
        var found: [RedisKey] = []
        for primary in primaries {
            let report = try await primary.inspector.report(database: 0, match: "inspected:*")
            XCTAssertTrue(report.isComplete)
            XCTAssertGreaterThan(report.keyCount, 50, "\(primary.endpoint) holds too few keys")
            var cursor = "0"
            repeat {
                let page = try await primary.inspector.scan(database: 0, cursor: cursor, match: "inspected:*", count: 100)
                found += page.keys
                cursor = page.nextCursor
            } while cursor != "0"
        }
        XCTAssertEqual(found.count, keys.count, "a key was found twice or missed")
        XCTAssertEqual(Set(found), Set(keys))
    }

    func testAPlainServerIsNotTakenForACluster() async throws {
        let port = try LoopbackPort.unused()
        let server = try await PrivateRedisServer.start(tcpPort: port)
        defer { server.shutDownAndRemove() }
        do {
            _ = try await KeyspaceInspector.primaries(ofCluster: try RedisClusterConfiguration(url: "redis://127.0.0.1:\(port)"))
            XCTFail("a plain server was inspected as a cluster")
        } catch {
            XCTAssertTrue("\(error)".contains("cluster support disabled"), "\(error)")
        }
    }
}
