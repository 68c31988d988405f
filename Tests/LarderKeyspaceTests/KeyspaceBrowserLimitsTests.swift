import LarderRedis
import RedisTestSupport
import XCTest

/// How much one request to the browser page may make it read: a page of keys is capped, and a
/// list page reads only the start of each value.
final class KeyspaceBrowserLimitsTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func testACountAboveTheMaximumIsCappedAndThePageSaysSo() async throws {
        let server = try await Self.redis.server()
        let keyCount = 1_200
        try await RedisConnection.withConnection(configuration: server.configuration(database: 3)) { redis in
            _ = try await redis.send(MSET((0..<keyCount).map { (key: RedisKey("bulk:\($0)"), value: "\($0)") }))
        }
        try await RunningBrowser.with(server) { browser in
            let reply = try await browser.get("/?db=3&count=10000")
            XCTAssertEqual(reply.status, 200)
            let rows = ChromiumBrowserTests.rows(in: reply.body)
            // COUNT is a hint: SCAN may return a few more than 500 keys in its one call.
            XCTAssertGreaterThan(rows.count, 0)
            XCTAssertLessThanOrEqual(rows.count, 600, "count=10000 described \(rows.count) keys in one page")
            XCTAssertTrue(reply.body.contains("COUNT 10000 is more than one page shows: capped at 500"), reply.body)
            XCTAssertTrue(reply.body.contains("<input name=\"count\" value=\"500\""), "the form shows the count used")
            XCTAssertTrue(reply.body.contains("rel=\"next\""), "the rest is one link away")
        }
    }

    func testAListPageReadsOnlyTheStartOfALongValue() async throws {
        let server = try await Self.redis.server()
        let size = 1 << 20
        try await RedisConnection.withConnection(configuration: server.configuration(database: 4)) { redis in
            _ = try await redis.send(SET("big", String(repeating: "x", count: size)))
        }
        try await RunningBrowser.with(server) { browser in
            let before = try await Self.bytesSent(by: server)
            let list = try await browser.get("/?db=4")
            let afterList = try await Self.bytesSent(by: server)
            XCTAssertEqual(list.status, 200)
            XCTAssertTrue(list.body.contains("(\(size) bytes, only the start read)"), list.body)
            // The page's replies: the 4 KiB prefix, INFO, SCAN and the key's metadata.
            XCTAssertLessThan(afterList - before, 32 * 1024, "the list page read \(afterList - before) bytes for one key")

            // Its own page reads more (the inspector's 256 KiB preview): one key, on request.
            let detail = try await browser.get("/key?db=4&key=big")
            let afterDetail = try await Self.bytesSent(by: server)
            XCTAssertEqual(detail.status, 200)
            XCTAssertGreaterThan(afterDetail - afterList, 256 * 1024)
        }
    }

    /// Bytes the server has written to its clients (`INFO stats`, `total_net_output_bytes`).
    static func bytesSent(by server: PrivateRedisServer) async throws -> Int {
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            let info = try await redis.send(INFO(["stats"]))
            return try XCTUnwrap(info["stats"]["total_net_output_bytes"].flatMap { Int($0) }, "no total_net_output_bytes in INFO stats")
        }
    }
}
