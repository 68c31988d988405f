import Chapters
import Guide
import XCTest

/// Chapter 06's steps against the live server that ./setup.sh configured. Read-only: INFO,
/// CONFIG GET, DBSIZE, KEYS (on a small database), SCAN and the key descriptions.
final class KeyspaceChapterTests: XCTestCase {
    func testChapter06KeyspacePassesOnThisMachine() async throws {
        let report = await KeyspaceChapter.chapter().run()
        XCTAssertTrue(report.passed, ChapterTests.explain(report))
        XCTAssertEqual(report.fact("databases"), "16", "Debian's redis.conf keeps 16 databases")
        let size = try XCTUnwrap(report.fact("db1-size").flatMap { Int($0) }, "DBSIZE of DB 1 not recorded")
        XCTAssertGreaterThanOrEqual(size, 0)
        let scanned = try XCTUnwrap(report.fact("scan-count").flatMap { Int($0) }, "the SCAN step recorded no count")
        XCTAssertLessThanOrEqual(scanned, size + 1_000, "SCAN returned far more keys than DB 1 holds")
        if let total = report.fact("total-keys").flatMap({ Int($0) }), total > 0 {
            XCTAssertNotNil(report.fact("described"), "a key exists, so one must have been described")
        }
    }

    func testChapter06NamesTheFixWhenRedisIsNotThere() async throws {
        let report = await KeyspaceChapter.chapter(GuideSettings(socketPath: "/nonexistent/redis.sock")).run()
        XCTAssertFalse(report.passed)
        let failure = try XCTUnwrap(report.outcomes.last?.failure)
        // The library's text is the problem; this repository's remedy is the guide's fix.
        XCTAssertTrue(failure.problem.contains("no Redis socket at /nonexistent/redis.sock"), failure.problem)
        XCTAssertTrue(failure.fix.contains("./setup.sh"), failure.fix)
        XCTAssertEqual(report.skipped.count, 5)
    }
}
