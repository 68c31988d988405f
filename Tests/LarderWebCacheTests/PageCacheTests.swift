import LarderCache
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Logging
import LarderRedis
import RedisTestSupport
import Synchronization
@testable import LarderWebCache
import WebTestSupport
import XCTest

/// The page cache over real sockets: a Hummingbird site on loopback, pages in a private Redis
/// (Django's `django/middleware/cache.py`, `django/utils/cache.py`).
final class PageCacheTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    /// A site with `cachePage(60 * 15)` on `/`, like chapter 03's.
    func cachedHome() async throws -> PageCacheFixture {
        let server = try await Self.redis.server()
        return try await PageCacheFixture.start(server: server) { router, pageCache, runs in
            router.cachePage(60 * 15, pageCache).get("/") { _, _ in
                let run = runs.increment()
                return page("home, render \(run)")
            }
        }
    }

    /// How many times the server has run `command` (`INFO commandstats`).
    func calls(_ command: String, on server: PrivateRedisServer) async throws -> Int {
        try await RedisConnection.withConnection(configuration: server.configuration()) { connection in
            let info = try await connection.send(INFO(["commandstats"]))
            let stats = info["commandstats"]["cmdstat_\(command)"] ?? ""
            return stats.split(separator: ",").first { $0.hasPrefix("calls=") }.flatMap { Int($0.dropFirst(6)) } ?? 0
        }
    }

    func md5(_ text: String) -> String {
        Insecure.MD5.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Miss, hit, keys

    func testMissThenHitServesTheSameBytesWithExpiresUnchangedAndAnAge() async throws {
        let site = try await cachedHome()
        let miss = try await site.client.get("/")
        let hit = try await site.client.get("/")
        await site.stop()
        XCTAssertEqual(miss.status, 200)
        XCTAssertEqual(hit.status, 200)
        XCTAssertEqual(site.runs, 1, "the route ran on the hit")
        XCTAssertEqual(hit.body, miss.body, "the hit's body differs from the stored page")
        XCTAssertEqual(miss.text, "<p>home, render 1</p>")
        let expires = try XCTUnwrap(miss["Expires"], "a miss gains Expires")
        XCTAssertEqual(hit["Expires"], expires, "a hit keeps the stored Expires")
        XCTAssertEqual(miss["Cache-Control"], "max-age=900")
        XCTAssertEqual(hit["Cache-Control"], "max-age=900")
        XCTAssertNil(miss["Age"], "a miss has no Age")
        let age = try XCTUnwrap(hit["Age"].flatMap(Int.init), "a hit has an Age")
        XCTAssertTrue((0...2).contains(age), "Age \(age)")
        XCTAssertEqual(hit["Content-Type"], "text/html; charset=utf-8", "stored header names keep their case")
    }

    func testHeadIsServedFromTheGetEntryWithoutABody() async throws {
        let site = try await cachedHome()
        let miss = try await site.client.get("/")
        let head = try await site.client.send("HEAD", "/")
        await site.stop()
        XCTAssertEqual(site.runs, 1, "HEAD ran the route instead of using the GET entry")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.body, [])
        XCTAssertEqual(head["Content-Length"], "\(miss.body.count)")
        XCTAssertEqual(head["Expires"], miss["Expires"])
        XCTAssertNotNil(head["Age"])
    }

    func testAHeadMissIsStoredUnderTheHeadKeyAndKeepsTheContentLength() async throws {
        let site = try await cachedHome()
        let first = try await site.client.send("HEAD", "/")
        let second = try await site.client.send("HEAD", "/")
        let get = try await site.client.get("/")
        let keys = try await site.keys()
        await site.stop()
        XCTAssertEqual(site.runs, 2, "the second HEAD is a hit; the GET after it a miss (no GET entry yet)")
        XCTAssertEqual(second["Content-Length"], first["Content-Length"])
        XCTAssertEqual(second["Content-Length"], "\(get.body.count)", "a HEAD hit must give the GET body's length")
        XCTAssertNotNil(second["Age"])
        XCTAssertEqual(keys.keys.filter { $0.contains("cache_page..HEAD.") }.count, 1, "\(keys.keys)")
    }

    func testKeysAreDjangosNamesForTheAbsoluteURLWithTTL900() async throws {
        let site = try await cachedHome()
        _ = try await site.client.get("/")
        let keys = try await site.keys()
        let url = md5("http://127.0.0.1:\(site.site.port)/")
        let header = ":1:views.decorators.cache.cache_header..\(url).en-us.UTC"
        let pageKey = ":1:views.decorators.cache.cache_page..GET.\(url).d41d8cd98f00b204e9800998ecf8427e.en-us.UTC"
        XCTAssertEqual(Set(keys.keys), [header, pageKey])
        XCTAssertEqual(keys[header], 900)
        XCTAssertEqual(keys[pageKey], 900)
        let headerList = try await site.cache.get(String(header.dropFirst(3)), as: [String].self)
        await site.stop()
        XCTAssertEqual(headerList, [], "no Vary: the header list is empty")
    }

    func testTheStoredPageIsHTTPTextAndAGarbledOneIsAMissThatGetsReplaced() async throws {
        let site = try await cachedHome()
        let miss = try await site.client.get("/")
        let pageKey = try await site.keys().keys.first { $0.contains("cache_page") }
        let key = RedisKey(try XCTUnwrap(pageKey))
        let redis = site.server.configuration(database: site.database)
        let stored = try await RedisConnection.withConnection(configuration: redis) { connection in
            try await connection.send(GET(key)).map { String(buffer: $0) }
        }
        let text = try XCTUnwrap(stored)
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"), text)
        XCTAssertTrue(text.hasSuffix("\r\n\r\n" + miss.text), text)

        try await RedisConnection.withConnection(configuration: redis) { connection in
            _ = try await connection.send(SET(key, "not a page", expiration: .seconds(60)))
        }
        let afterGarbage = try await site.client.get("/")
        let repaired = try await RedisConnection.withConnection(configuration: redis) { connection in
            try await connection.send(GET(key)).map { String(buffer: $0) }
        }
        await site.stop()
        XCTAssertEqual(afterGarbage.status, 200)
        XCTAssertEqual(site.runs, 2, "a garbled entry is a miss: the route runs")
        XCTAssertEqual(repaired?.hasPrefix("HTTP/1.1 200 OK"), true, "the miss stores the page again")
    }

    func testTheSpecsExampleURLHashesAsDjangoDoes() {
        let keys = PageCacheKeys()
        XCTAssertEqual(keys.headerKey(url: "http://127.0.0.1:8101/"), "views.decorators.cache.cache_header..c4aed54dc627f58462c271921e35da18.en-us.UTC")
        let noTimeZone = PageCacheKeys(keyPrefix: "site", language: "en-us", timeZone: nil)
        XCTAssertEqual(noTimeZone.headerKey(url: "http://127.0.0.1:8101/"), "views.decorators.cache.cache_header.site.c4aed54dc627f58462c271921e35da18.en-us")
    }

    func testVaryValuesAreNetstringsWithADashForAnAbsentHeader() {
        let keys = PageCacheKeys()
        let url = "http://h/"
        let request: HTTPFields = [.cookie: "a=1"]
        let key = keys.pageKey(method: "GET", url: url, headerList: ["HTTP_ACCEPT_ENCODING", "HTTP_COOKIE"], request: request)
        XCTAssertEqual(key, "views.decorators.cache.cache_page..GET.\(md5(url)).\(md5("-,3:a=1,")).en-us.UTC")
        XCTAssertEqual(keys.headerList(vary: ["Cookie, accept-encoding"]), ["HTTP_ACCEPT_ENCODING", "HTTP_COOKIE"])
    }

    // MARK: Vary and cookies

    func testAPageVaryingOnCookieIsStoredOncePerCookie() async throws {
        let server = try await Self.redis.server()
        let site = try await PageCacheFixture.start(server: server) { router, pageCache, runs in
            router.cachePage(60, pageCache).get("/mine") { request, _ in
                runs.increment()
                return page("for \(request.headers[.cookie] ?? "nobody")", headers: [.vary: "Cookie"])
            }
        }
        let alice = try await site.client.get("/mine", headers: [("Cookie", "who=alice")])
        let bob = try await site.client.get("/mine", headers: [("Cookie", "who=bob")])
        let aliceAgain = try await site.client.get("/mine", headers: [("Cookie", "who=alice")])
        let keys = try await site.keys()
        let url = md5("http://127.0.0.1:\(site.site.port)/mine")
        let headerList = try await site.cache.get("views.decorators.cache.cache_header..\(url).en-us.UTC", as: [String].self)
        await site.stop()
        XCTAssertEqual(alice.text, "<p>for who=alice</p>")
        XCTAssertEqual(bob.text, "<p>for who=bob</p>", "bob was served alice's page")
        XCTAssertEqual(aliceAgain.text, "<p>for who=alice</p>")
        XCTAssertEqual(site.runs, 2, "alice's second request should be a hit")
        XCTAssertEqual(keys.keys.filter { $0.contains("cache_page") }.count, 2, "one entry per cookie: \(keys.keys)")
        XCTAssertNotNil(keys[":1:views.decorators.cache.cache_page..GET.\(url).\(md5("9:who=alice,")).en-us.UTC"])
        XCTAssertEqual(headerList, ["HTTP_COOKIE"])
    }

    func testAPageThatSetsACookieAndVariesOnCookieIsNotStored() async throws {
        let server = try await Self.redis.server()
        let site = try await PageCacheFixture.start(server: server) { router, pageCache, runs in
            router.cachePage(60, pageCache).get("/login") { _, _ in
                runs.increment()
                return page("welcome", headers: [.vary: "Cookie", .setCookie: "sessionid=abc; HttpOnly"])
            }
        }
        _ = try await site.client.get("/login")
        _ = try await site.client.get("/login")
        let keys = try await site.keys()
        await site.stop()
        XCTAssertEqual(site.runs, 2)
        XCTAssertTrue(keys.isEmpty, "stored: \(keys.keys)")
    }

    func testASetCookieIsNeverReplayedFromTheCache() async throws {
        let server = try await Self.redis.server()
        let site = try await PageCacheFixture.start(server: server) { router, pageCache, runs in
            router.cachePage(60, pageCache).get("/banner") { _, _ in
                runs.increment()
                return page("banner", headers: [.setCookie: "seen=1"])
            }
        }
        let miss = try await site.client.get("/banner")
        let hit = try await site.client.get("/banner")
        await site.stop()
        XCTAssertEqual(site.runs, 1)
        XCTAssertEqual(miss["Set-Cookie"], "seen=1")
        XCTAssertNil(hit["Set-Cookie"], "the first visitor's cookie was replayed")
    }

    func testAuthorizationAddsVaryAuthorizationAndSeparatesUsers() async throws {
        let server = try await Self.redis.server()
        let site = try await PageCacheFixture.start(server: server) { router, pageCache, runs in
            router.cachePage(60, pageCache).get("/account") { request, _ in
                runs.increment()
                return page("account of \(request.headers[.authorization] ?? "-")")
            }
        }
        let first = try await site.client.get("/account", headers: [("Authorization", "Bearer one")])
        let second = try await site.client.get("/account", headers: [("Authorization", "Bearer two")])
        await site.stop()
        XCTAssertEqual(first["Vary"], "Authorization")
        XCTAssertEqual(second.text, "<p>account of Bearer two</p>", "user two was served user one's page")
        XCTAssertEqual(site.runs, 2)
    }

    func testAnAnonymousPageIsNeverServedToARequestWithCredentials() async throws {
        let server = try await Self.redis.server()
        let site = try await PageCacheFixture.start(server: server) { router, pageCache, runs in
            router.cachePage(60, pageCache).get("/account") { request, _ in
                runs.increment()
                return page("account of \(request.headers[.authorization] ?? "nobody")")
            }
        }
        let anonymous = try await site.client.get("/account")
        let withCredentials = try await site.client.get("/account", headers: [("Authorization", "Bearer one")])
        await site.stop()
        XCTAssertEqual(anonymous.text, "<p>account of nobody</p>")
        XCTAssertEqual(withCredentials.text, "<p>account of Bearer one</p>", "the anonymous page was served to a user")
        XCTAssertEqual(site.runs, 2)
    }

    func testEachHostIsItsOwnPageAndHostsOutsideTheAllowedListAreNotCached() async throws {
        let server = try await Self.redis.server()
        let site = try await PageCacheFixture.start(server: server, configuration: PageCacheConfiguration(allowedHosts: ["127.0.0.1", "localhost"])) { router, pageCache, runs in
            router.cachePage(60, pageCache).get("/") { request, _ in
                runs.increment()
                return page("for \(request.head.authority ?? "-")")
            }
        }
        let port = site.site.port
        let viaAddress = try await LoopbackHTTPClient(port: port).get("/")
        let viaName = try await LoopbackHTTPClient(port: port, host: "localhost:\(port)").get("/")
        let madeUp = try await LoopbackHTTPClient(port: port, host: "attacker.example").get("/")
        _ = try await LoopbackHTTPClient(port: port, host: "attacker.example").get("/")
        let keys = try await site.keys()
        await site.stop()
        XCTAssertEqual(viaAddress.text, "<p>for 127.0.0.1:\(port)</p>")
        XCTAssertEqual(viaName.text, "<p>for localhost:\(port)</p>", "another host was served the first host's page")
        XCTAssertEqual(madeUp.status, 200)
        XCTAssertEqual(site.runs, 4, "a host outside the list must run the route every time")
        XCTAssertEqual(keys.count, 4, "two allowed hosts, two keys each: \(keys.keys.sorted())")
    }

    // MARK: What is never stored

    func testNothingIsStoredForPostPrivateNoStoreVaryStarErrorsOrStreams() async throws {
        let server = try await Self.redis.server()
        let site = try await PageCacheFixture.start(server: server) { router, pageCache, runs in
            let cached = router.cachePage(60, pageCache)
            cached.post("/form") { _, _ in runs.increment(); return page("posted") }
            cached.get("/private") { _, _ in runs.increment(); return page("p", headers: [.cacheControl: "private"]) }
            cached.get("/nostore") { _, _ in runs.increment(); return page("p", headers: [.cacheControl: "no-store"]) }
            cached.get("/nocache") { _, _ in runs.increment(); return page("p", headers: [.cacheControl: "no-cache"]) }
            cached.get("/star") { _, _ in runs.increment(); return page("p", headers: [.vary: "*"]) }
            cached.get("/missing") { _, _ -> Response in runs.increment(); throw HTTPError(.notFound) }
            cached.get("/stream") { _, _ in
                runs.increment()
                return Response(status: .ok, body: .init { writer in
                    try await writer.write(ByteBuffer(string: "part"))
                    try await writer.finish(nil)
                })
            }
            router.neverCache().get("/uncached") { _, _ in runs.increment(); return page("fresh") }
        }
        let paths = ["/private", "/nostore", "/nocache", "/star", "/missing", "/stream", "/uncached"]
        for path in paths {
            _ = try await site.client.get(path)
            _ = try await site.client.get(path)
        }
        _ = try await site.client.send("POST", "/form", body: Array("x=1".utf8))
        _ = try await site.client.send("POST", "/form", body: Array("x=1".utf8))
        let uncached = try await site.client.get("/uncached")
        let keys = try await site.keys()
        await site.stop()
        XCTAssertTrue(keys.isEmpty, "stored: \(keys.keys.sorted())")
        XCTAssertEqual(site.runs, paths.count * 2 + 2 + 1, "some route did not run every time")
        XCTAssertEqual(uncached["Cache-Control"], "max-age=0, no-cache, no-store, must-revalidate, private")
        XCTAssertNotNil(uncached["Expires"])
    }

    func testA304GainsExpiryHeadersButIsNotStoredAndBigBodiesAreServedNotStored() async throws {
        let server = try await Self.redis.server()
        var configuration = PageCacheConfiguration()
        configuration.maximumBodySize = 1_000
        let site = try await PageCacheFixture.start(server: server, configuration: configuration) { router, pageCache, runs in
            let cached = router.cachePage(60, pageCache)
            cached.get("/unchanged") { _, _ in runs.increment(); return Response(status: .notModified) }
            cached.get("/big") { _, _ in runs.increment(); return page(String(repeating: "x", count: 1_001)) }
        }
        let notModified = try await site.client.get("/unchanged")
        _ = try await site.client.get("/unchanged")
        let big = try await site.client.get("/big")
        _ = try await site.client.get("/big")
        let keys = try await site.keys()
        await site.stop()
        XCTAssertEqual(notModified.status, 304)
        XCTAssertEqual(notModified["Cache-Control"], "max-age=60")
        XCTAssertNotNil(notModified["Expires"])
        XCTAssertEqual(big.body.count, 1_008)
        XCTAssertEqual(site.runs, 4)
        XCTAssertTrue(keys.isEmpty, "stored: \(keys.keys.sorted())")
    }

    func testTheHitPathsParsersAgreeWithTheFullOnes() throws {
        for value in ["max-age=900", "public, max-age=30", "Max-Age=5, private", "s-maxage=10", "no-cache", "max-age=", "max-age=abc", "x-max-age=3, max-age=7"] {
            XCTAssertEqual(CacheControl.maxAge(in: value), CacheControl(parsing: [value]).maxAge, value)
        }
        XCTAssertEqual(HTTPDate.parse("Thu, 26 Nov 2026 14:57:51 GMT"), 1_795_705_071)
        XCTAssertEqual(HTTPDate.format(1_795_705_071), "Thu, 26 Nov 2026 14:57:51 GMT")
        XCTAssertNil(HTTPDate.parse("Thu, 26 Foo 2026 14:57:51 GMT"))
        XCTAssertNil(HTTPDate.parse("Thursday, 26-Nov-26 14:57:51 GMT"))
        var stored = ByteBuffer()
        CachedPage(status: .ok, headers: [.contentType: "text/html", .cacheControl: "max-age=900"], body: ByteBuffer(string: "<p>hi</p>")).writeCacheBytes(to: &stored)
        let page = try CachedPage(cacheBytes: stored)
        XCTAssertEqual(page.status, .ok)
        XCTAssertEqual(page.headers[.contentType], "text/html")
        XCTAssertEqual(String(buffer: page.body), "<p>hi</p>")
        XCTAssertThrowsError(try CachedPage(cacheBytes: ByteBuffer(string: "HTTP/1.1 2x0 OK\r\n\r\n")))
        // Through a plain serializer (Codable), a binary body survives.
        let binary = CachedPage(status: .ok, headers: [.contentType: "image/png"], body: ByteBuffer(bytes: [0x89, 0x50, 0xFF, 0x00, 0xC3]))
        let json = try JSONEncoder().encode(binary)
        XCTAssertEqual(try JSONDecoder().decode(CachedPage.self, from: json), binary)
    }

    func testAcceptLanguageLeavesTheHeaderListWhenTheLanguageIsInTheKey() {
        let i18n = PageCacheKeys(language: "en-us")
        XCTAssertEqual(i18n.headerList(vary: ["Accept-Language, Cookie"]), ["HTTP_COOKIE"])
        XCTAssertEqual(PageCacheKeys(language: nil).headerList(vary: ["Accept-Language, Cookie"]), ["HTTP_ACCEPT_LANGUAGE", "HTTP_COOKIE"])
    }

    /// Django ≥ 3.1: `cache_page(timeout)` keeps the page for its own timeout, whatever
    /// `max-age` the view sets (`max-age=0` included); the header sent stays the view's.
    func testCachePageKeepsItsOwnTimeoutWhateverTheResponsesMaxAge() async throws {
        let server = try await Self.redis.server()
        let site = try await PageCacheFixture.start(server: server) { router, pageCache, runs in
            router.cachePage(900, pageCache).get("/short") { _, _ in page("short", headers: [.cacheControl: "public, max-age=30"]) }
            router.cachePage(900, pageCache).get("/zero") { _, _ in runs.increment(); return page("zero", headers: [.cacheControl: "max-age=0"]) }
        }
        let short = try await site.client.get("/short")
        _ = try await site.client.get("/zero")
        let zeroAgain = try await site.client.get("/zero")
        let keys = try await site.keys()
        await site.stop()
        XCTAssertEqual(short["Cache-Control"], "public, max-age=30")
        XCTAssertEqual(zeroAgain["Cache-Control"], "max-age=0")
        XCTAssertEqual(site.runs, 1, "the max-age=0 page is kept by cache_page and served from the cache")
        XCTAssertEqual(keys.count, 4, "\(keys)")
        XCTAssertEqual(Set(keys.values), [900], "\(keys)")
    }

    /// The site-wide cache (`CACHE_MIDDLEWARE_SECONDS`) yields to the response's own
    /// `max-age`, and does not store a `max-age=0` page.
    func testSiteWideCacheKeepsAPageForItsOwnMaxAge() async throws {
        let server = try await Self.redis.server()
        let site = try await PageCacheFixture.start(server: server) { router, pageCache, runs in
            router.addSiteWideCache(pageCache)
            router.get("/short") { _, _ in page("short", headers: [.cacheControl: "public, max-age=30"]) }
            router.get("/zero") { _, _ in runs.increment(); return page("zero", headers: [.cacheControl: "max-age=0"]) }
        }
        _ = try await site.client.get("/short")
        _ = try await site.client.get("/zero")
        _ = try await site.client.get("/zero")
        let keys = try await site.keys()
        await site.stop()
        XCTAssertEqual(site.runs, 2, "a max-age=0 page is not kept by the site-wide cache")
        XCTAssertEqual(keys.count, 2, "\(keys)")
        XCTAssertEqual(Set(keys.values), [30], "\(keys)")
    }

    /// A `public` response to a request with credentials gains no `Vary: Authorization`
    /// (Django, after RFC 9111 §3.5).
    func testAPublicResponseDoesNotVaryOnAuthorization() async throws {
        let server = try await Self.redis.server()
        let site = try await PageCacheFixture.start(server: server) { router, pageCache, _ in
            router.cachePage(60, pageCache).get("/news") { _, _ in page("news", headers: [.cacheControl: "public"]) }
        }
        let response = try await site.client.get("/news", headers: [("Authorization", "Bearer one")])
        await site.stop()
        XCTAssertNil(response["Vary"])
        XCTAssertEqual(response["Cache-Control"], "public, max-age=60")
    }

    // MARK: Site-wide cache

    func testSiteWideCacheStoresFor600SecondsAndSeesTheMiddlewareBetween() async throws {
        struct AddsVaryCookie: RouterMiddleware {
            func handle(_ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response) async throws -> Response {
                var response = try await next(request, context)
                response.headers[.vary] = "Cookie"  // what a session middleware does
                return response
            }
        }
        let server = try await Self.redis.server()
        let site = try await PageCacheFixture.start(server: server) { router, pageCache, runs in
            router.addSiteWideCache(pageCache, between: [AddsVaryCookie()])
            router.get("/plain") { _, _ in runs.increment(); return page("plain") }
        }
        _ = try await site.client.get("/plain", headers: [("Cookie", "a=1")])
        let hit = try await site.client.get("/plain", headers: [("Cookie", "a=1")])
        let keys = try await site.keys()
        let headerKey = keys.keys.first { $0.contains("cache_header") }.map { String($0.dropFirst(3)) }
        let headerList = try await site.cache.get(try XCTUnwrap(headerKey), as: [String].self)
        await site.stop()
        XCTAssertEqual(site.runs, 1)
        XCTAssertEqual(hit["Vary"], "Cookie")
        XCTAssertEqual(keys.count, 2)
        XCTAssertEqual(Set(keys.values), [600], "\(keys)")
        XCTAssertEqual(headerList, ["HTTP_COOKIE"], "the header list must include what the middleware between added")
    }

    func testSiteWideAndCachePageOnOneRouteWriteOneEntry() async throws {
        let server = try await Self.redis.server()
        let site = try await PageCacheFixture.start(server: server) { router, pageCache, runs in
            router.addSiteWideCache(pageCache)
            router.cachePage(60 * 15, pageCache).get("/") { _, _ in runs.increment(); return page("home") }
        }
        let setsBefore = try await calls("set", on: server)
        _ = try await site.client.get("/")
        let setsForTheMiss = try await calls("set", on: server) - setsBefore
        _ = try await site.client.get("/")
        let keys = try await site.keys()
        await site.stop()
        XCTAssertEqual(site.runs, 1)
        XCTAssertEqual(keys.count, 2, "\(keys.keys)")
        XCTAssertEqual(Set(keys.values), [900], "the route's timeout wins: \(keys)")
        XCTAssertEqual(setsForTheMiss, 2, "the page must be stored once (header key and page key), not by both layers")
    }

    func testHalvesInTheWrongPlacesServeUncachedAndSaySoOnce() async throws {
        let server = try await Self.redis.server()
        let recorder = LogRecorder()
        var configuration = PageCacheConfiguration()
        configuration.logger = recorder.logger(level: .info)
        let site = try await PageCacheFixture.start(server: server, configuration: configuration) { router, pageCache, runs in
            // The wrong way round: the fetch half first, the update half inside it.
            router.add(middleware: FetchFromCacheMiddleware(pageCache))
            router.add(middleware: UpdateCacheMiddleware(pageCache))
            router.get("/plain") { _, _ in runs.increment(); return page("plain") }
        }
        var statuses: [Int] = []
        for _ in 0..<3 { statuses.append(try await site.client.get("/plain").status) }
        let keys = try await site.keys()
        await site.stop()
        XCTAssertEqual(statuses, [200, 200, 200])
        XCTAssertEqual(site.runs, 3, "nothing may be served from the cache")
        XCTAssertTrue(keys.isEmpty, "\(keys.keys)")
        let errors = recorder.messages(at: .error)
        XCTAssertEqual(errors.count, 1, "one report, not one per request: \(errors)")
        XCTAssertTrue(errors.first?.contains("FetchFromCacheMiddleware runs without UpdateCacheMiddleware before it") == true, "\(errors)")
        let warnings = recorder.messages(at: .warning)
        XCTAssertEqual(warnings.filter { $0.contains("never looked up") }.count, 1, "\(warnings)")
    }

    // MARK: Failure

    func testWithRedisKilledPagesAreServedAndCachingResumesAfterARestart() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let site = try await PageCacheFixture.start(server: server, database: 0) { router, pageCache, runs in
            router.cachePage(60 * 15, pageCache).get("/") { _, _ in
                let run = runs.increment()
                return page("render \(run)")
            }
        }
        _ = try await site.client.get("/")
        server.kill()
        var statuses: [Int] = []
        for _ in 0..<5 { statuses.append(try await site.client.get("/").status) }
        XCTAssertEqual(statuses, [200, 200, 200, 200, 200])
        XCTAssertEqual(site.runs, 6, "with Redis down every request runs the route")
        try await server.restart()
        let miss = try await site.client.get("/")
        let hit = try await site.client.get("/")
        let keys = try await site.keys()
        await site.stop()
        XCTAssertEqual(site.runs, 7)
        XCTAssertEqual(hit.body, miss.body)
        XCTAssertEqual(keys.count, 2, "the next miss is stored again")
    }

    func testAnOutageIsOneWarningAndItsEndOneNotice() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let recorder = LogRecorder()
        let site = try await PageCacheFixture.start(server: server, database: 0, cacheLogger: recorder.logger(level: .info)) { router, pageCache, _ in
            router.cachePage(60, pageCache).get("/") { _, _ in page("home") }
        }
        _ = try await site.client.get("/")
        server.kill()
        for _ in 0..<10 { _ = try await site.client.get("/?down") }
        try await server.restart()
        for _ in 0..<3 { _ = try await site.client.get("/?up") }
        await site.stop()
        XCTAssertEqual(recorder.messages(at: .warning).count, 1, "\(recorder.messages(at: .warning))")
        XCTAssertEqual(recorder.messages(at: .notice).count, 1, "\(recorder.messages(at: .notice))")
    }

    func testARedisThatRefusesWritesServesPagesAndSaysSoOnce() async throws {
        // maxmemory 1 byte with noeviction: every SET is refused with OOM, reads still work.
        let server = try await PrivateRedisServer.start(extraDirectives: ["maxmemory 1", "maxmemory-policy noeviction"])
        defer { server.shutDownAndRemove() }
        let recorder = LogRecorder()
        var configuration = PageCacheConfiguration()
        configuration.logger = recorder.logger(level: .info)
        let site = try await PageCacheFixture.start(server: server, database: 0, configuration: configuration) { router, pageCache, runs in
            router.cachePage(60, pageCache).get("/") { _, _ in runs.increment(); return page("home") }
        }
        var statuses: [Int] = []
        for _ in 0..<3 { statuses.append(try await site.client.get("/").status) }
        await site.stop()
        XCTAssertEqual(statuses, [200, 200, 200])
        XCTAssertEqual(site.runs, 3)
        XCTAssertEqual(recorder.messages(at: .warning).filter { $0.contains("refused") }.count, 1, "\(recorder.messages(at: .warning))")
    }

    func testFailClosedAnswers503WhileRedisIsDown() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let site = try await PageCacheFixture.start(server: server, database: 0, configuration: PageCacheConfiguration(failureMode: .failClosed)) { router, pageCache, _ in
            router.cachePage(60, pageCache).get("/") { _, _ in page("home") }
        }
        server.kill()
        let response = try await site.client.get("/")
        await site.stop()
        XCTAssertEqual(response.status, 503)
    }
}
