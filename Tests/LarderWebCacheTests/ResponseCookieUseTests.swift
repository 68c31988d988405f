import LarderCache
import Hummingbird
import RedisTestSupport
import LarderWebCache
import WebTestSupport
import XCTest

/// The page cache honours ``ResponseCookies/use``, bound by a middleware outside a `cachePage`
/// route that will add cookie headers only after the page is stored (the session middleware
/// does this; here a plain one states the use, so WebCache is tested on its own).
final class ResponseCookieUseTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    struct StatedCookieUse: ResponseCookieUse {
        var variesOnCookie: Bool
        var setsCookie: Bool
    }

    /// Binds `use` for the routes after it, as a session middleware binds its own.
    struct StatingMiddleware<Context: RequestContext>: RouterMiddleware {
        let use: StatedCookieUse

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            try await ResponseCookies.$use.withValue(use) { try await next(request, context) }
        }
    }

    func site(_ use: StatedCookieUse) async throws -> PageCacheFixture {
        try await PageCacheFixture.start(server: try await Self.redis.server()) { router, pageCache, runs in
            router.add(middleware: StatingMiddleware<BasicRequestContext>(use: use))
            router.cachePage(60, pageCache).get("/") { _, _ in page("render \(runs.increment())") }
        }
    }

    func testAPageThatVariesOnCookieIsStoredPerCookie() async throws {
        let fixture = try await site(StatedCookieUse(variesOnCookie: true, setsCookie: false))
        do {
            let first = try await fixture.client.get("/", headers: [("Cookie", "sessionid=a")])
            XCTAssertEqual(first["Vary"], "Cookie", "\(first)")
            let other = try await fixture.client.get("/", headers: [("Cookie", "sessionid=b")])
            XCTAssertEqual(other.text, "<p>render 2</p>", "another cookie, another page")
            let none = try await fixture.client.get("/")
            XCTAssertEqual(none.text, "<p>render 3</p>", "no cookie, another page")
            let again = try await fixture.client.get("/", headers: [("Cookie", "sessionid=a")])
            XCTAssertEqual(again.text, "<p>render 1</p>", "the same cookie: a hit")
            XCTAssertEqual(fixture.runs, 3)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    func testAPageThatWillSetACookieIsNotStored() async throws {
        let fixture = try await site(StatedCookieUse(variesOnCookie: true, setsCookie: true))
        do {
            _ = try await fixture.client.get("/")
            let second = try await fixture.client.get("/")
            XCTAssertEqual(second.text, "<p>render 2</p>", "the route ran again")
            let stored = try await fixture.keys()
            XCTAssertEqual(stored, [:], "nothing stored")
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }
}
