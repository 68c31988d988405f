import LarderCache
import Hummingbird
import HummingbirdTesting
import LarderSessions
import XCTest

/// The middleware on Hummingbird's in-process test client (an embedded event loop, no socket)
/// and the cache engine on a `MemoryCache`: Django's get-then-set path, and no attempt to run
/// the request on an event loop that is not NIO's shared group.
final class InMemorySessionTests: XCTestCase {
    func testCounterOnAMemoryCacheThroughHummingbirdsTestClient() async throws {
        let store = try CacheSessionStore(cache: MemoryCache())
        let router = Router(context: BasicDjangoSessionRequestContext.self)
        router.add(middleware: DjangoSessionMiddleware(store: store))
        router.get("session") { _, context -> String in
            let count = (try await context.session.get("count", as: Int.self) ?? 0) + 1
            try await context.session.set("count", count)
            return "count \(count)"
        }
        let app = Application(router: router)
        try await app.test(.router) { client in
            let cookie = try await client.execute(uri: "/session", method: .get) { response -> String in
                XCTAssertEqual(String(buffer: response.body), "count 1")
                let header = try XCTUnwrap(response.headers[.setCookie])
                return String(header.prefix { $0 != ";" })
            }
            try await client.execute(uri: "/session", method: .get, headers: [.cookie: cookie]) { response in
                XCTAssertEqual(String(buffer: response.body), "count 2")
                XCTAssertNil(response.headers[.setCookie].flatMap { $0.contains("sessionid=\"\"") ? $0 : nil })
            }
        }
    }

    func testTheSessionCookieIsFoundAnywhereInTheCookieHeader() async throws {
        let store = try CacheSessionStore(cache: MemoryCache())
        let key = SessionKey.generate()
        let awaited1 = try await store.create(key: key, data: DjangoSessionData(["count": 5]), age: 60)
        XCTAssertTrue(awaited1)
        let router = Router(context: BasicDjangoSessionRequestContext.self)
        router.add(middleware: DjangoSessionMiddleware(store: store))
        router.get("read") { _, context -> String in "count \(try await context.session.get("count", as: Int.self) ?? 0)" }
        try await Application(router: router).test(.router) { client in
            let found = ["sessionid=\(key)", "a=1; sessionid=\(key)", "xsessionid=no; sessionid=\(key); b=2", "sessionid=\"\(key)\"", "a=1;sessionid=\(key) "]
            for header in found {
                try await client.execute(uri: "/read", method: .get, headers: [.cookie: header]) { response in
                    XCTAssertEqual(String(buffer: response.body), "count 5", header)
                }
            }
            for header in ["xsessionid=\(key)", "a=1; b=2", "session=\(key)"] {
                try await client.execute(uri: "/read", method: .get, headers: [.cookie: header]) { response in
                    XCTAssertEqual(String(buffer: response.body), "count 0", header)
                }
            }
        }
    }
}

extension InMemorySessionTests {
    func testSaveEveryRequestDoesNotCreateSessionsForStaleCookies() async throws {
        let cache = MemoryCache()
        let store = try CacheSessionStore(cache: cache)
        let router = Router(context: BasicDjangoSessionRequestContext.self)
        router.add(middleware: DjangoSessionMiddleware(store: store, configuration: SessionConfiguration(saveEveryRequest: true)))
        router.get("plain") { _, _ in "plain" }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/plain", method: .get, headers: [.cookie: "sessionid=\(SessionKey.generate())"]) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertNil(response.headers[.setCookie].flatMap { $0.contains("sessionid=\"\"") ? nil : $0 }, "no new session for nothing")
            }
        }
    }
}
