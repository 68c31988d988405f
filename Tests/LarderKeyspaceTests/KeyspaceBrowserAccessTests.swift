import LarderKeyspaceBrowser
import LarderRedis
import LarderKeyspace
import RedisTestSupport
import XCTest

/// Who the browser page answers, over real sockets: only the browser that opened the address
/// with the run's token (other users of the machine reach the loopback port too), and never a
/// request another site's page made.
final class KeyspaceBrowserAccessTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func seeded() async throws -> PrivateRedisServer {
        let server = try await Self.redis.server()
        try await ChapterKeys.seed(server)
        return server
    }

    func testWithoutTheTokenOrItsCookieEveryPageIs403AndSaysWhichAddressToOpen() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            for path in ["/", "/?db=1", "/key?db=1&key=%3A1%3Acraig", "/?db=1&count=10000"] {
                let reply = try await browser.get(path, cookie: false)
                XCTAssertEqual(reply.status, 403, path)
                XCTAssertFalse(reply.body.contains("craig"), "\(path) showed data without the token")
                XCTAssertTrue(reply.body.contains("open that address"), reply.body)
                XCTAssertFalse(reply.body.contains("back to the keyspace"), "a link that leads to the same refusal")
                XCTAssertNil(reply.headers["set-cookie"], path)
            }
        }
    }

    func testAWrongTokenOrCookieIs403() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            let wrong = String(repeating: "0", count: browser.token.count)
            for token in [wrong, String(browser.token.dropLast()), browser.token + "0", ""] {
                let reply = try await browser.get("/?db=1&token=\(token)", cookie: false)
                XCTAssertEqual(reply.status, 403, "token '\(token)'")
                XCTAssertNil(reply.headers["set-cookie"], "a wrong token bought a cookie")
                XCTAssertFalse(reply.body.contains("craig"))
            }
            let name = try XCTUnwrap(browser.cookie.split(separator: "=").first)
            let forged = try await browser.get("/?db=1", headers: [("Cookie", "\(name)=\(wrong)")], cookie: false)
            XCTAssertEqual(forged.status, 403)
            XCTAssertFalse(forged.body.contains("craig"))
        }
    }

    func testTheTokenSetsAStrictHttpOnlyCookieAndRedirectsToTheAddressWithoutIt() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            let reply = try await browser.get("/?db=1&token=\(browser.token)&match=%3A1%3A*", cookie: false)
            XCTAssertEqual(reply.status, 303)
            XCTAssertEqual(reply.headers["location"], "/?db=1&match=%3A1%3A*", "the redirect keeps the rest of the query, not the token")
            let setCookie = try XCTUnwrap(reply.headers["set-cookie"])
            XCTAssertTrue(setCookie.hasPrefix("keyspace-token-\(browser.port)=\(browser.token);"), setCookie)
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] { XCTAssertTrue(setCookie.contains(attribute), setCookie) }
            XCTAssertFalse(reply.body.contains("craig"), "the redirect itself shows no data")

            let cookie = try XCTUnwrap(setCookie.split(separator: ";").first.map(String.init))
            let page = try await browser.get("/?db=1&match=%3A1%3A*", headers: [("Cookie", cookie)], cookie: false)
            XCTAssertEqual(page.status, 200)
            XCTAssertTrue(page.body.contains(":1:craig"), "the cookie does not let the browser in")

            let detail = try await browser.get("/key?db=1&key=%3A1%3Acraig&token=\(browser.token)", cookie: false)
            XCTAssertEqual(detail.status, 303)
            XCTAssertEqual(detail.headers["location"], "/key?db=1&key=%3A1%3Acraig")
        }
    }

    func testTheRedirectStaysOnThisServer() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            let reply = try await browser.get("//evil.example/?token=\(browser.token)", cookie: false)
            XCTAssertEqual(reply.status, 303)
            let location = try XCTUnwrap(reply.headers["location"])
            XCTAssertTrue(location.hasPrefix("/") && !location.hasPrefix("//"), "\(location) would send the browser to another host")
        }
    }

    func testARequestAnotherSiteMadeIsRefusedEvenWithTheCookie() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            // What an <img src="http://127.0.0.1:PORT/?count=10000"> on another site sends.
            for site in ["cross-site", "same-site"] {
                let reply = try await browser.get("/?db=1&count=10000", headers: [("Sec-Fetch-Site", site)])
                XCTAssertEqual(reply.status, 403, "Sec-Fetch-Site: \(site)")
                XCTAssertTrue(reply.body.contains("another site made this request"), reply.body)
                XCTAssertFalse(reply.body.contains("craig"))
            }
            let withToken = try await browser.get(
                "/?db=1&token=\(browser.token)", headers: [("Sec-Fetch-Site", "cross-site")], cookie: false)
            XCTAssertEqual(withToken.status, 403, "a cross-site request with the token")
            XCTAssertNil(withToken.headers["set-cookie"])
            // The page's own links and an address typed or opened from the terminal.
            for site in ["same-origin", "none"] {
                let reply = try await browser.get("/?db=1", headers: [("Sec-Fetch-Site", site)])
                XCTAssertEqual(reply.status, 200, "Sec-Fetch-Site: \(site)")
            }
        }
    }

    func testAForeignOriginIsRefusedEvenWithTheCookie() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            for origin in ["http://evil.example", "null", "http://127.0.0.1:\(browser.port + 1)", "https://127.0.0.1:\(browser.port)"] {
                let reply = try await browser.get("/?db=1", headers: [("Origin", origin)])
                XCTAssertEqual(reply.status, 403, "Origin: \(origin)")
                XCTAssertFalse(reply.body.contains("craig"))
            }
            let own = try await browser.get("/?db=1", headers: [("Origin", "http://127.0.0.1:\(browser.port)")])
            XCTAssertEqual(own.status, 200, "the page's own origin")
        }
    }

    func testARefusalStillCarriesTheHeadersThatKeepThePageToItself() async throws {
        let server = try await seeded()
        try await RunningBrowser.with(server) { browser in
            let reply = try await browser.get("/", cookie: false)
            XCTAssertEqual(reply.status, 403)
            XCTAssertEqual(reply.headers["cache-control"], "no-store")
            XCTAssertTrue(reply.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        }
    }

    func testEachRunDrawsItsOwnTokenAndPrintsItInTheAddress() {
        let first = BrowserToken.random()
        let second = BrowserToken.random()
        XCTAssertNotEqual(first.value, second.value)
        XCTAssertEqual(first.value.count, 64)
        XCTAssertTrue(first.value.allSatisfy { $0.isHexDigit && !$0.isUppercase }, first.value)
        XCTAssertTrue(first.matches(first.value))
        XCTAssertFalse(first.matches(second.value))
        XCTAssertFalse(first.matches(first.value.uppercased()))
        let browser = KeyspaceBrowser(inspector: .init(configuration: .init()), port: 8086, token: first)
        XCTAssertEqual(browser.address(port: 8086), "http://127.0.0.1:8086/?token=\(first.value)")
        XCTAssertEqual(browser.address(port: 8086, path: "/?db=1"), "http://127.0.0.1:8086/?db=1&token=\(first.value)")
    }
}
