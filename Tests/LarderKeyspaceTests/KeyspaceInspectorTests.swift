import NIOCore
import LarderRESP
import LarderRedis
import LarderKeyspace
import RedisTestSupport
import XCTest

/// The inspector against a private server seeded with chapter-like keys: each key lands in its
/// group with its TTL, type and decoded value, and nothing is ever written.
final class KeyspaceInspectorTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func seededInspector() async throws -> (PrivateRedisServer, KeyspaceInspector) {
        let server = try await Self.redis.server()
        try await ChapterKeys.seed(server)
        return (server, KeyspaceInspector(configuration: server.configuration()))
    }

    func testGroupingPutsEachChapterKeyInItsGroup() async throws {
        let (_, inspector) = try await seededInspector()
        let report = try await inspector.report(database: 1)
        XCTAssertTrue(report.isComplete)
        let groups = report.groups

        XCTAssertEqual(groups.pages.count, 2, "two URLs")
        let home = try XCTUnwrap(groups.pages.first { $0.pairing.urlHash == ChapterKeys.url })
        XCTAssertEqual(home.headers.count, 1)
        XCTAssertEqual(home.pages.count, 1)
        XCTAssertEqual(home.headers.first?.value, .pageHeaders([]))
        guard case .page(let page) = home.pages.first?.value else { return XCTFail("\(String(describing: home.pages.first))") }
        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page.bodyBytes, "<html><body>home</body></html>".utf8.count)
        let cookie = try XCTUnwrap(groups.pages.first { $0.pairing.urlHash == ChapterKeys.otherURL })
        XCTAssertEqual(cookie.headers.first?.value, .pageHeaders(["HTTP_COOKIE"]))
        XCTAssertEqual(cookie.pages.count, 2, "GET and HEAD pages pair with the one header list")

        XCTAssertEqual(groups.cacheVersions.map(\.id.version), [1, 2])
        let versionOne = try XCTUnwrap(groups.cacheVersions.first).keys
        XCTAssertEqual(versionOne.map(\.key.description), [":1:a", ":1:b", ":1:c", ":1:craig", ":1:my-key"])
        XCTAssertEqual(versionOne.first?.value, .integer(1))
        XCTAssertEqual(versionOne.first?.encoding, "int")
        XCTAssertEqual(versionOne[3].value, .json(#""derington""#))

        XCTAssertEqual(groups.sessions.map(\.engine), [.cache, .cachedDB])
        XCTAssertEqual(groups.sessions.first?.keys.first?.value, .json(#"{"count":1}"#))

        XCTAssertEqual(Set(groups.other.map(\.key.description)), [ChapterKeys.scriptKey, ChapterKeys.htmlValueKey, "list:recent", "user:1"])
        let list = try XCTUnwrap(groups.other.first { $0.key.description == "list:recent" })
        XCTAssertEqual(list.type, "list")
        XCTAssertEqual(list.value, .elements(["one", "two", "three"], total: 3))
        let hash = try XCTUnwrap(groups.other.first { $0.key.description == "user:1" })
        XCTAssertEqual(hash.length, 2)
        guard case .elements(let fields, 2) = hash.value else { return XCTFail("\(hash.value)") }
        XCTAssertEqual(Set(fields), ["name=<i>ana</i>", "visits=4"])

        for description in groups.pages.flatMap({ $0.headers + $0.pages }) + groups.cacheVersions.flatMap(\.keys) + groups.sessions.flatMap(\.keys) {
            XCTAssertEqual(description.kind.title, ChapterKeys.expectedTitles[description.key.description], description.key.description)
            guard case .expires(let remaining) = description.ttl else { return XCTFail("\(description.key) has no TTL") }
            XCTAssertGreaterThan(remaining, .zero)
            XCTAssertNotNil(description.memoryBytes)
        }
        XCTAssertEqual(report.keyCount, ChapterKeys.cacheDatabase.count + 2)
    }

    func testTextCutsEachGroupAndSaysHowManyMore() async throws {
        let (_, inspector) = try await seededInspector()
        let groups = try await inspector.report(database: 1).groups
        let all = KeyspaceText.lines(groups)
        let cut = KeyspaceText.lines(groups, shownPerGroup: 1)
        // Two URLs → one shown; version 1's five keys → one; other's four → one.
        XCTAssertTrue(cut.contains("  … 1 more URL (keyspace groups lists them all)"), cut.joined(separator: "\n"))
        XCTAssertTrue(cut.contains("    … 4 more keys (keyspace groups lists them all)"), cut.joined(separator: "\n"))
        XCTAssertTrue(cut.contains("    … 3 more keys (keyspace groups lists them all)"), cut.joined(separator: "\n"))
        XCTAssertFalse(all.contains { $0.contains("more") && $0.contains("keyspace groups") }, "uncut by default")
        // Headings still count every key.
        XCTAssertTrue(cut.contains("page cache (chapter 03): 2 URLs"))
        XCTAssertTrue(cut.contains("cache API (chapter 04), version 1: 5 keys"))
        XCTAssertEqual(all.filter { $0.contains(":1:my-key") }.count, 1)
        XCTAssertEqual(cut.filter { $0.contains(":1:my-key") }.count, 0, "cut after :1:a")
    }

    func testStandaloneSessionsAreTheSignedBareKeysOfDatabaseZero() async throws {
        let (_, inspector) = try await seededInspector()
        let groups = try await inspector.report(database: 0).groups
        XCTAssertEqual(groups.sessions.map(\.engine), [.redisStore])
        let session = try XCTUnwrap(groups.sessions.first?.keys.first)
        XCTAssertEqual(session.key.description, ChapterKeys.redisSession)
        guard case .signedSession(let value) = session.value else { return XCTFail("\(session.value)") }
        XCTAssertEqual(value.json, #"{"visits":4}"#)
        XCTAssertEqual(groups.other.map(\.key.description), [ChapterKeys.notASession], "a bare key whose value is not signed is not a session")
    }

    func testAPageDescribesKeysAndPagesByCursor() async throws {
        let (_, inspector) = try await seededInspector()
        let first = try await inspector.page(database: 1, match: ":1:*", count: 2, pageSize: 3)
        XCTAssertGreaterThanOrEqual(first.keys.count, 3)
        XCTAssertFalse(first.isLast)
        XCTAssertTrue(first.keys.allSatisfy { $0.key.description.hasPrefix(":1:") })
        var seen = Set(first.keys.map(\.key))
        var cursor = first.nextCursor
        while cursor != "0" {
            let next = try await inspector.page(database: 1, cursor: cursor, match: ":1:*", count: 2, pageSize: 3)
            seen.formUnion(next.keys.map(\.key))
            cursor = next.nextCursor
        }
        XCTAssertEqual(seen.count, ChapterKeys.cacheDatabase.filter { $0.key.hasPrefix(":1:") }.count)
    }

    func testBadCursorsAndCountsAreRefusedWithTheirReason() async throws {
        let (_, inspector) = try await seededInspector()
        do {
            _ = try await inspector.page(database: 1, cursor: "12abc")
            XCTFail("accepted a cursor that is not a number")
        } catch let error as KeyspaceError {
            guard error.code == .invalidCursor, error.cursor == "12abc" else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("0 to start"), error.description)
        }
        do {
            _ = try await inspector.page(database: 1, count: 0)
            XCTFail("accepted COUNT 0")
        } catch let error as KeyspaceError where error.code == .invalidCount && error.count == 0 {}
    }

    func testKeysIsRefusedOnALargeDatabase() async throws {
        let (_, inspector) = try await seededInspector()
        let small = try await inspector.keys(database: 1, matching: ":1:*", refuseAbove: 1000)
        XCTAssertEqual(small.count, ChapterKeys.cacheDatabase.filter { $0.key.hasPrefix(":1:") }.count)
        do {
            _ = try await inspector.keys(database: 1, refuseAbove: 3)
            XCTFail("KEYS was sent to a database above the limit")
        } catch let error as KeyspaceError {
            guard error.code == .keysRefused, error.database == 1, let size = error.size, error.limit == 3 else { return XCTFail("\(error)") }
            XCTAssertGreaterThan(size, 3)
            XCTAssertTrue(error.description.contains("SCAN"), error.description)
        }
    }

    func testAKeyDeletedMeanwhileIsDescribedAsGone() async throws {
        let (_, inspector) = try await seededInspector()
        let description = try await inspector.describe([RedisKey("no-such-key")], database: 1)
        XCTAssertEqual(description.first?.type, "none")
        XCTAssertEqual(description.first?.ttl, .missing)
        XCTAssertEqual(description.first?.value, .missing)
    }

    func testALongValueIsReadOnlyUpToThePreview() async throws {
        let server = try await Self.redis.server()
        let big = String(repeating: "x", count: 10_000)
        try await RedisConnection.withConnection(configuration: server.configuration(database: 3)) { redis in
            _ = try await redis.send(SET(":1:big", big))
        }
        var inspector = KeyspaceInspector(configuration: server.configuration())
        inspector.previewBytes = 100
        let descriptions = try await inspector.describe([":1:big"], database: 3)
        let description = try XCTUnwrap(descriptions.first)
        XCTAssertTrue(description.isTruncated)
        XCTAssertEqual(description.length, 10_000)
        XCTAssertEqual(description.value, .raw(Array(repeating: UInt8(ascii: "x"), count: 100)), "not decoded: only a part was read")
    }
}
