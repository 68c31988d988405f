@testable import Chapters
import Foundation
import Guide
import Redis
import XCTest

/// Chapter 05 against the live server ./setup.sh configured: the counter on each engine writes
/// one session per engine there (as a reader's run does); FLUSHALL, restarts and kills happen
/// only on the chapter's private redis-server.
final class SessionsChapterTests: XCTestCase {
    func testChapter05SessionsPassesAndKeepsDjangosKeys() async throws {
        let foldersBefore = try Self.temporaryFolders()
        let report = await SessionsChapter.chapter().run()
        XCTAssertTrue(report.passed, ChapterTests.explain(report))
        // The SQLite files of the cached DB steps go with the run.
        XCTAssertEqual(try Self.temporaryFolders().subtracting(foldersBefore), [], "the chapter left temporary folders behind")
        let cacheKey = try XCTUnwrap(report.fact("cache-key"))
        let cachedDBKey = try XCTUnwrap(report.fact("cached_db-key"))
        let redisKey = try XCTUnwrap(report.fact("redis-key"))
        XCTAssertTrue(cacheKey.hasPrefix(":1:django.contrib.sessions.cache"), cacheKey)
        XCTAssertTrue(cachedDBKey.hasPrefix(":1:django.contrib.sessions.cached_db"), cachedDBKey)
        XCTAssertEqual(redisKey.count, 32, redisKey)
        // The survival table as the spec states it.
        XCTAssertEqual(report.fact("survival-cache"), "lost|lost|503")
        XCTAssertEqual(report.fact("survival-cached_db"), "survives|survives|200")
        XCTAssertEqual(report.fact("survival-redis"), "lost|lost|503")
    }

    /// The chapter's temporary folders that exist now.
    static func temporaryFolders() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.hasPrefix(SessionsChapter.temporaryFolderPrefix) })
    }
}
