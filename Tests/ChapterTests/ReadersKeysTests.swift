import Chapters
import Guide
import NIOCore
import LarderRedis
import RedisTestSupport
import XCTest

/// The chapter tests leave the reader's Redis as it was: chapter 04's keys on the live server
/// (`:1:a`, `:1:craig`... in DB 1, the reader's own if they have some) are only read here,
/// before and after the tests' chapter 04 run and clean, and must not have changed.
final class ReadersKeysTests: XCTestCase {
    override class func tearDown() { ChapterTestServer.suite.stop() }

    func testTheChapterTestsLeaveTheReadersCacheAPIKeysAsTheyWere() async throws {
        let started = ContinuousClock.now
        let before = try await LiveKey.read(CacheAPI.keys)
        let settings = try await ChapterTestServer.settings()

        let report = await CacheAPI.chapter(settings).run()
        XCTAssertTrue(report.passed, ChapterTests.explain(report))
        let afterRun = try await LiveKey.read(CacheAPI.keys)
        LiveKey.assertUntouched(before, afterRun, within: ContinuousClock.now - started, "after the chapter's steps")

        _ = try await CacheAPI.clean(settings)
        let afterClean = try await LiveKey.read(CacheAPI.keys)
        LiveKey.assertUntouched(before, afterClean, within: ContinuousClock.now - started, "after --clean")
    }
}

/// One of chapter 04's keys as the live server holds it: its value and time to live.
struct LiveKey: Equatable {
    var value: String?
    var ttl: TimeToLive

    /// The keys `names` (as the cache names them, `:1:` added) of the live server's DB 1,
    /// read with GET and PTTL only.
    static func read(_ names: [String]) async throws -> [String: LiveKey] {
        let configuration = try RedisConfiguration(url: "\(GuideSettings().url)?db=1")
        return try await RedisConnection.withConnection(configuration: configuration) { redis in
            var keys: [String: LiveKey] = [:]
            for name in names {
                let key = RedisKey(":1:\(name)")
                let value = try await redis.send(GET(key)).map { String(buffer: $0) }
                keys[name] = LiveKey(value: value, ttl: try await redis.send(PTTL(key)))
            }
            return keys
        }
    }

    /// Fails unless every key is as it was: still missing, or the same value with a TTL that
    /// only ran down (a write with `EX` would have reset it); gone only if it was due to expire
    /// within `elapsed`.
    static func assertUntouched(
        _ before: [String: LiveKey], _ after: [String: LiveKey], within elapsed: Duration, _ when: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        for (name, old) in before.sorted(by: { $0.key < $1.key }) {
            let new = after[name] ?? LiveKey(value: nil, ttl: .missing)
            switch (old.ttl, new.ttl) {
            case (.missing, .missing), (.persistent, .persistent):
                XCTAssertEqual(new.value, old.value, "\(when): the reader's :1:\(name) changed", file: file, line: line)
            case (.expires(let was), .expires(let now)):
                XCTAssertEqual(new.value, old.value, "\(when): the reader's :1:\(name) changed", file: file, line: line)
                XCTAssertLessThanOrEqual(now, was, "\(when): the reader's :1:\(name) was written again (its TTL was reset)", file: file, line: line)
            case (.expires(let was), .missing):
                XCTAssertLessThanOrEqual(was, elapsed + .seconds(1), "\(when): the reader's :1:\(name) is gone", file: file, line: line)
            default:
                XCTFail("\(when): the reader's :1:\(name) was \(old), is \(new)", file: file, line: line)
            }
        }
    }
}
