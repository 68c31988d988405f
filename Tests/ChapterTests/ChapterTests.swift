import Chapters
import Guide
import LarderRedis
import RedisTestSupport
import WebTestSupport
import XCTest

/// The chapters' steps. Chapters 01 and 02 check the live server that ./setup.sh configured,
/// read-only: PING, INFO and CONFIG GET and a TCP connect, nothing that changes the server.
/// Chapters 03 and 04 write (pages, `:1:a`, `:1:craig`...), so their tests run them on a
/// private server configured like the live one (``ChapterTestServer``): a reader's own keys of
/// those names must survive `swift test`. When the machine is not set up, each failure says
/// which step failed and the fix.
final class ChapterTests: XCTestCase {
    override class func tearDown() { ChapterTestServer.suite.stop() }

    func testChapter01InstallRedisPassesOnThisMachine() async throws {
        let report = await InstallRedis.chapter().run()
        XCTAssertTrue(report.passed, Self.explain(report))
        let version = try XCTUnwrap(report.fact("version").flatMap { RedisVersion($0) }, "no version recorded")
        XCTAssertGreaterThanOrEqual(version, RedisVersion(major: 7, minor: 0, patch: 0))
    }

    func testChapter02ConfigureSocketPassesOnThisMachine() async throws {
        let report = await ConfigureSocket.chapter().run()
        XCTAssertTrue(report.passed, Self.explain(report))
        XCTAssertEqual(report.fact("port"), "0", "the live server must have TCP off")
        XCTAssertEqual(report.fact("unixsocket"), RedisConfiguration.defaultSocketPath)
        XCTAssertEqual(report.fact("unixsocketperm"), "770")
        XCTAssertEqual(report.fact("mode"), "srwxrwx---")
        XCTAssertEqual(report.fact("owner"), "redis:redis")
    }

    func testChapter03CacheBackendMissesThenHitsAndSurvivesRedisDown() async throws {
        // Port 0: a free port, so the test never clashes with a site the reader runs on 8000.
        let report = await CacheBackend.chapter(try await ChapterTestServer.settings(), options: .init(port: 0)).run()
        XCTAssertTrue(report.passed, Self.explain(report))
        let miss = try XCTUnwrap(report.fact("miss-ms").flatMap { Int($0) }, "no miss time recorded")
        let hit = try XCTUnwrap(report.fact("hit-ms").flatMap { Int($0) }, "no hit time recorded")
        XCTAssertGreaterThanOrEqual(miss, 20, "a miss renders the 20 ms page")
        XCTAssertLessThan(hit, miss, "a hit should not render the page")
    }

    func testChapter03ServeStartsFromAMissAfterTheStepsStoredTheHomePage() async throws {
        // The steps store / for their port; serving on that same port must not replay it.
        let settings = try await ChapterTestServer.settings()
        let report = await CacheBackend.chapter(settings, options: .init(port: 0)).run()
        XCTAssertTrue(report.passed, Self.explain(report))
        let port = try XCTUnwrap(report.fact("port").flatMap { Int($0) }, "no port recorded")
        let site = try await CacheBackend.serve(settings, host: "127.0.0.1", port: port)
        let first = try await LoopbackHTTPClient(port: site.port).get("/")
        let second = try await LoopbackHTTPClient(port: site.port).get("/")
        await site.stop()
        XCTAssertEqual(first.status, 200)
        XCTAssertNil(first["Age"], "the reader's first curl was a hit, not the miss the chapter shows")
        XCTAssertNotNil(second["Age"], "the second request should be the hit")
    }

    func testChapter03TakesAFreePortWhenItsOwnIsTaken() async throws {
        let settings = try await ChapterTestServer.settings()
        let occupant = try await CacheBackend.serve(settings, host: "127.0.0.1", port: 0)
        let report = await CacheBackend.chapter(settings, options: .init(port: occupant.port, anyFreePortIfTaken: true)).run()
        await occupant.stop()
        XCTAssertTrue(report.passed, Self.explain(report))
        let port = try XCTUnwrap(report.fact("port").flatMap { Int($0) }, "no port recorded")
        XCTAssertNotEqual(port, occupant.port)
    }

    func testChapter04CacheAPIPassesAndLeavesDjangosKeys() async throws {
        let report = await CacheAPI.chapter(try await ChapterTestServer.settings()).run()
        XCTAssertTrue(report.passed, Self.explain(report))
        XCTAssertEqual(report.fact("encoding-a"), "int", "an Int must be stored as digits")
        let ttl = try XCTUnwrap(report.fact("ttl-craig").flatMap { Int($0) }, "no TTL recorded for :1:craig")
        XCTAssertTrue((1...300).contains(ttl), "TTL of :1:craig is \(ttl)")
    }

    func testChapter04CleanDeletesExactlyTheChaptersKeys() async throws {
        let settings = try await ChapterTestServer.settings()
        let configuration = try RedisConfiguration(url: "\(settings.url)?db=1")
        let bystander = RedisKey(":1:chapter-test-bystander-\(UInt32.random(in: 0...UInt32.max))")
        try await RedisConnection.withConnection(configuration: configuration) { redis in
            _ = try await redis.send(SET(bystander, "keep me", expiration: .seconds(60)))
        }
        _ = await CacheAPI.chapter(settings).run()
        let deleted = try await CacheAPI.clean(settings)
        XCTAssertEqual(deleted, CacheAPI.keys.count)
        try await RedisConnection.withConnection(configuration: configuration) { redis in
            let left = try await redis.send(EXISTS(CacheAPI.keys.map { RedisKey(":1:\($0)") }))
            XCTAssertEqual(left, 0, "--clean left some of the chapter's keys")
            let kept = try await redis.send(EXISTS([bystander]))
            XCTAssertEqual(kept, 1, "--clean deleted a key that is not the chapter's")
            _ = try await redis.send(DEL([bystander]))
        }
    }

    func testChapter07SharesValuesCountersAndASessionWithDjangoItself() async throws {
        let report = await SharingWithDjango.chapter(try await ChapterTestServer.settings()).run()
        XCTAssertTrue(report.passed, Self.explain(report))
        XCTAssertEqual(report.fact("django")?.hasPrefix("Django 5.2."), true, "Django's version: \(report.fact("django") ?? "none")")
    }

    func testChapterStopsAtTheFirstFailedStepAndNamesTheFix() async throws {
        // Point chapter 02 at a socket that does not exist: the first live step must fail with
        // a fix, and the steps after it must be reported as not run.
        let settings = GuideSettings(socketPath: "/nonexistent/redis.sock")
        let report = await ConfigureSocket.chapter(settings).run()
        XCTAssertFalse(report.passed)
        let failed = try XCTUnwrap(report.outcomes.last)
        XCTAssertFalse(failed.passed)
        XCTAssertFalse(report.skipped.isEmpty, "steps after a failure must be listed as not run")
        XCTAssertFalse(try XCTUnwrap(failed.failure).fix.isEmpty)
    }

    static func explain(_ report: ChapterReport) -> String {
        report.outcomes.filter { !$0.passed }.map { "step '\($0.title)' failed: \($0.failure!)" }.joined(separator: "\n")
            + (report.skipped.isEmpty ? "" : "\nnot run: \(report.skipped.joined(separator: ", "))")
            + "\nIs this machine set up? Run ./setup.sh first."
    }
}
