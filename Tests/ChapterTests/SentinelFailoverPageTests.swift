import Chapters
import Foundation
import XCTest

/// Chapter 08's Sentinel demo as a test: the chapter 03 site (fail-open page cache, real
/// Hummingbird, real sockets), a standalone and a `cache`-engine session store on a `RedisSentinelClient`, under load,
/// with the primary killed by SIGKILL.
final class SentinelFailoverPageTests: XCTestCase {
    func testPagesAreServedThroughAFailoverAndWaitedSessionsSurviveIt() async throws {
        let report = try await SentinelDemo.measureFailover()
        let lines = SentinelDemo.lines(report)
        print(lines.joined(separator: "\n"))
        XCTAssertNotNil(report.killToSwitchMaster, "+switch-master never received: \(lines)")
        let back = try XCTUnwrap(report.killToFirstWrite, "session writes never came back: \(lines)")
        XCTAssertLessThan(back, .seconds(10), "\(lines)")
        XCTAssertGreaterThanOrEqual(back, report.downAfter, "writes back before the sentinels could even deem the primary down: \(lines)")
        XCTAssertGreaterThan(report.pagesServed, 0, "\(lines)")
        XCTAssertEqual(report.pagesFailed, 0, "the fail-open page cache let a request fail: \(lines)")
        XCTAssertGreaterThan(report.sessionsSavedBeforeKill, 0, "\(lines)")
        XCTAssertEqual(report.sessionsLost, 0, "sessions acknowledged by WAIT are missing after the failover: \(lines)")
        XCTAssertGreaterThan(report.cacheSessionsSavedBeforeKill, 0, "\(lines)")
        XCTAssertEqual(report.cacheSessionsLost, 0, "cache-engine sessions acknowledged by WAIT are missing after the failover: \(lines)")
        XCTAssertEqual(report.waitedLost, 0, "\(lines)")
    }
}
