import Foundation
import RedisTestSupport
import XCTest

/// The browser page over plain HTTP: what it lists, how it pages, and what it refuses.
final class KeyspaceBrowserTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func seeded() async throws -> PrivateRedisServer {
        let server = try await Self.redis.server()
        try await ChapterKeys.seed(server)
        return server
    }

    func testPageListsTheDatabasesAndEveryKeyEscaped() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            let reply = try await browser.get("/?db=1")
            XCTAssertEqual(reply.status, 200)
            XCTAssertEqual(reply.headers["content-type"], "text/html; charset=utf-8")
            XCTAssertTrue(reply.body.contains("href=\"/?db=0\">db0</a>"), "DB 0 is not listed")
            XCTAssertTrue(reply.body.contains("class=\"current\" href=\"/?db=1\">db1</a>"), "DB 1 is not the current one")
            XCTAssertTrue(reply.body.contains("<td class=\"num\">\(ChapterKeys.cacheDatabase.count + 2)</td>"), "DB 1's key count")
            XCTAssertFalse(reply.body.contains("<script"), "markup from the data reached the page")
            XCTAssertFalse(reply.body.contains("<img"), "markup from the data reached the page")
            XCTAssertTrue(reply.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            XCTAssertTrue(reply.body.contains("html-value&quot;&gt;&lt;b&gt;"), "a quote in a key name must be escaped too")
            XCTAssertTrue(reply.body.contains("href=\"/key?db=1&amp;key=%3Cscript%3Ealert%281%29%3C%2Fscript%3E\""), "the key's link is percent-encoded")
            XCTAssertTrue(reply.body.contains("page: status 200, 3 headers, text/html; charset=utf-8, body 30 bytes"))
            XCTAssertTrue(reply.body.contains("Vary headers: [&quot;HTTP_COOKIE&quot;]"))
        }
    }

    func testPagesFollowTheScanCursorToTheEnd() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            var path = "/?db=1&count=2"
            var names: Set<String> = []
            var pages = 0
            while pages < 100 {
                let reply = try await browser.get(path)
                XCTAssertEqual(reply.status, 200, reply.body)
                names.formUnion(ChromiumBrowserTests.rows(in: reply.body).map(\.name))
                pages += 1
                guard let next = ChromiumBrowserTests.between(reply.body, "<a rel=\"next\" href=\"", "\"") else {
                    XCTAssertTrue(reply.body.contains("end of the scan"))
                    break
                }
                path = next.replacingOccurrences(of: "&amp;", with: "&")
                XCTAssertTrue(path.contains("count=2") && path.contains("cursor="), path)
            }
            XCTAssertGreaterThan(pages, 1, "COUNT 2 should take several pages")
            XCTAssertEqual(names.count, ChapterKeys.cacheDatabase.count + 2, "\(names.sorted())")
        }
    }

    func testSearchByPatternListsOnlyMatches() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            let reply = try await browser.get("/?db=1&match=%3A1%3Adjango.contrib.sessions.*")
            let names = ChromiumBrowserTests.rows(in: reply.body).map(\.name)
            XCTAssertEqual(Set(names), [
                ":1:django.contrib.sessions.cache\(ChapterKeys.cacheSession)", ":1:django.contrib.sessions.cached_db\(ChapterKeys.cachedDBSession)",
            ])
            XCTAssertTrue(reply.body.contains("value=\":1:django.contrib.sessions.*\""))
        }
    }

    func testKeyPageShowsTheWholeDecodedValue() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            let reply = try await browser.get("/key?db=0&key=\(ChapterKeys.redisSession)")
            XCTAssertEqual(reply.status, 200)
            XCTAssertTrue(reply.body.contains("session, standalone Redis store"))
            XCTAssertTrue(reply.body.contains("signed session {&quot;visits&quot;:4}"), reply.body)
            XCTAssertTrue(reply.body.contains("signature not checked"))
        }
    }

    func testAnotherHostNameIsRefused() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            let reply = try await browser.get("/?db=1", host: "attacker.example:\(browser.port)")
            XCTAssertEqual(reply.status, 421)
            XCTAssertFalse(reply.body.contains(":1:craig"), "data shown to a foreign host name")
            let local = try await browser.get("/?db=1", host: "localhost:\(browser.port)")
            XCTAssertEqual(local.status, 200)
        }
    }

    func testHeadersForbidScriptsFramingAndStorage() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            let reply = try await browser.get("/")
            let policy = try XCTUnwrap(reply.headers["content-security-policy"])
            XCTAssertTrue(policy.contains("default-src 'none'"), policy)
            XCTAssertFalse(policy.contains("script-src"), "no script source is allowed")
            XCTAssertEqual(reply.headers["x-content-type-options"], "nosniff")
            XCTAssertEqual(reply.headers["cache-control"], "no-store")
        }
    }

    func testBadParametersAnswerWithTheirReason() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            let cursor = try await browser.get("/?db=1&cursor=%3Cb%3E")
            XCTAssertEqual(cursor.status, 400)
            XCTAssertTrue(cursor.body.contains("&#39;&lt;b&gt;&#39; is not a SCAN cursor"), cursor.body)
            let database = try await browser.get("/?db=99")
            XCTAssertEqual(database.status, 400)
            XCTAssertTrue(database.body.contains("there is no database 99"), database.body)
            let count = try await browser.get("/?db=1&count=lots")
            XCTAssertEqual(count.status, 400)
        }
    }

    func testListensOnTheLoopbackAddressOnly() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            // /proc/net/tcp: local address as hex IP:port; 0A is LISTEN; 0100007F is 127.0.0.1.
            let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
            let hexPort = String(format: "%04X", browser.port)
            let listeners = table.split(separator: "\n").map { $0.split(separator: " ") }
                .filter { $0.count > 3 && $0[1].hasSuffix(":\(hexPort)") && $0[3] == "0A" }
            XCTAssertEqual(listeners.map { String($0[1]) }, ["0100007F:\(hexPort)"])
            let table6 = (try? String(contentsOfFile: "/proc/net/tcp6", encoding: .utf8)) ?? ""
            XCTAssertFalse(table6.contains(":\(hexPort) "), "listening on IPv6 too")
        }
    }
}
