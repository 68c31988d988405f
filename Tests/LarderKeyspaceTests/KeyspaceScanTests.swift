import LarderRedis
import LarderKeyspace
import RedisTestSupport
import XCTest

/// SCAN over a large database: every key once, and the walk ends.
final class KeyspaceScanTests: XCTestCase {
    func testScanVisitsEveryKeyOfAHundredThousandOnceAndEnds() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let total = 100_000
        // Seeded in pipelines of 10,000 SETs, one write each.
        try await RedisConnection.withConnection(configuration: server.configuration(database: 2)) { redis in
            for batch in stride(from: 0, to: total, by: 10_000) {
                let replies = await redis.execute((batch..<(batch + 10_000)).map { SET(RedisKey("key:\($0)"), "\($0)") })
                XCTAssertEqual(replies.filter { (try? $0.get()) == nil }.count, 0)
            }
            let size = try await redis.send(DBSIZE())
            XCTAssertEqual(size, total)
        }

        let inspector = KeyspaceInspector(configuration: server.configuration())
        var visits: [RedisKey: Int] = [:]
        var cursor = "0"
        var calls = 0
        repeat {
            let page = try await inspector.scan(database: 2, cursor: cursor, count: 1000, maximumCalls: 1)
            for key in page.keys { visits[key, default: 0] += 1 }
            cursor = page.nextCursor
            calls += 1
        } while cursor != "0" && calls <= total  // a scan that never ended would stop here and fail below
        XCTAssertEqual(cursor, "0", "the scan did not end after \(calls) calls")
        XCTAssertEqual(visits.count, total, "keys missed")
        XCTAssertEqual(visits.values.filter { $0 > 1 }.count, 0, "keys returned more than once")
        XCTAssertLessThan(calls, total / 100, "COUNT 1000 should need about 100 calls, took \(calls)")

        // The same walk with MATCH: only the matching keys, each once.
        var matched: [RedisKey] = []
        cursor = "0"
        repeat {
            let page = try await inspector.scan(database: 2, cursor: cursor, match: "key:9999*", count: 5000, pageSize: 10_000)
            matched += page.keys
            cursor = page.nextCursor
        } while cursor != "0"
        XCTAssertEqual(Set(matched.map(\.description)), ["key:9999", "key:99990", "key:99991", "key:99992", "key:99993", "key:99994", "key:99995", "key:99996", "key:99997", "key:99998", "key:99999"])
        XCTAssertEqual(matched.count, 11)
    }
}
