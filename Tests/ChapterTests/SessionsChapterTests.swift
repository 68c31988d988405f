@testable import Chapters
import Foundation
import Guide
import LarderRedis
import RedisTestSupport
import XCTest

/// Chapter 05 on private servers configured like the live one (Unix socket only, mode 770):
/// the counter on each engine, then FLUSHALL, restarts and kills on the chapter's own private
/// server. The reader's Redis is never written by these tests; the chapter itself, run by the
/// reader, removes the sessions it created there.
final class SessionsChapterTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func testChapter05SessionsPassesAndKeepsDjangosKeys() async throws {
        let server = try await Self.redis.server()
        let foldersBefore = try Self.temporaryFolders()
        let report = await SessionsChapter.chapter(GuideSettings(socketPath: server.socketPath)).run()
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

    func testARunLeavesNoSessionBehindAndKeepsTheReadersOwn() async throws {
        let server = try await Self.redis.server()
        // The reader's own sessions, one per database the chapter writes to.
        let readers = [(0, "readersownsession00000000000000"), (1, ":1:django.contrib.sessions.cachereadersownsession00000000000")]
        for (database, key) in readers {
            try await RedisConnection.withConnection(configuration: server.configuration(database: database)) { redis in
                _ = try await redis.send(SET(RedisKey(key), "the reader's", expiration: .seconds(600)))
            }
        }
        let before = try await Self.keys(on: server)

        let report = await SessionsChapter.chapter(GuideSettings(socketPath: server.socketPath)).run()
        XCTAssertTrue(report.passed, ChapterTests.explain(report))

        let after = try await Self.keys(on: server)
        XCTAssertEqual(after, before, "keys in DB 0 and DB 1: the chapter left keys behind (or took the reader's)")
        for (database, key) in readers {
            let kept = try await RedisConnection.withConnection(configuration: server.configuration(database: database)) { redis in
                try await redis.send(EXISTS([RedisKey(key)]))
            }
            XCTAssertEqual(kept, 1, "the reader's \(key) is gone")
        }
        for engine in ["cache", "cached_db", "redis"] {
            let step = try XCTUnwrap(report.outcomes.first { $0.title.hasPrefix(SessionsSite.Engine(rawValue: engine)!.title + ": GET") })
            XCTAssertTrue(step.log.lines.contains { $0.hasPrefix("DEL ") && $0.contains("→ 1") }, "\(engine): \(step.log.lines)")
        }
    }

    func testAStepThatFailsAfterCreatingASessionStillRemovesIt() async throws {
        // A server whose default user may not run PTTL: the first step creates its session,
        // then fails reading the TTL back, as a step fails half-way on a reader's machine.
        let server = try await PrivateRedisServer.start(extraDirectives: ["user default on nopass ~* &* +@all -pttl"])
        defer { server.shutDownAndRemove() }
        let report = await SessionsChapter.chapter(GuideSettings(socketPath: server.socketPath)).run()
        XCTAssertFalse(report.passed)
        let failed = try XCTUnwrap(report.outcomes.last)
        XCTAssertEqual(failed.title, SessionsSite.Engine.cache.title + ": GET /session twice, then the session in Redis")
        XCTAssertTrue(failed.log.lines.contains("removed the 1 session this step created"), "\(failed.log.lines)")
        let after = try await Self.keys(on: server)
        XCTAssertEqual(after, [0, 0], "keys in DB 0 and DB 1: the failed step left its session behind")
    }

    /// How many keys DB 0 and DB 1 (the databases the chapter writes) hold.
    static func keys(on server: PrivateRedisServer) async throws -> [Int] {
        var sizes: [Int] = []
        for database in [0, 1] {
            sizes.append(try await RedisConnection.withConnection(configuration: server.configuration(database: database)) { redis in
                try await redis.send(DBSIZE())
            })
        }
        return sizes
    }

    /// The chapter's temporary folders that exist now.
    static func temporaryFolders() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.hasPrefix(SessionsChapter.temporaryFolderPrefix) })
    }
}
