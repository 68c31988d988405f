import LarderCache
@testable import Chapters
import Guide
import Logging
import XCTest

/// Chapter 04 with Redis unreachable: the failed step is the one place the error shows.
final class CacheAPIChapterTests: XCTestCase {
    func testAFailedStepShowsTheErrorAndTheCacheDoesNotWarnAgain() async throws {
        let report = await CacheAPI.chapter(GuideSettings(socketPath: "/nonexistent/redis.sock")).run()
        let failure = try XCTUnwrap(report.outcomes.last?.failure, "the first step should fail without Redis")
        XCTAssertTrue(failure.problem.contains("/nonexistent/redis.sock"), failure.problem)
        // The cache's error carries the Redis error: the guide names ./setup.sh for it.
        XCTAssertTrue(failure.fix.contains("./setup.sh"), failure.fix)
        // The cache's `cache backend unreachable` is a warning: the chapter's cache drops it.
        let level = try await CacheAPI.withCache("unix:///nonexistent/redis.sock?db=1") { cache in cache.configuration.logger.logLevel }
        XCTAssertGreaterThan(level, .warning)
    }

    func testAnAppsCacheStillWarnsWhenRedisIsUnreachable() throws {
        // Only the chapter quiets its cache; the library's default logger is left as it was.
        let configuration = try CacheConfiguration(location: "unix:///nonexistent/redis.sock?db=1")
        XCTAssertLessThanOrEqual(configuration.logger.logLevel, .warning)
    }
}
