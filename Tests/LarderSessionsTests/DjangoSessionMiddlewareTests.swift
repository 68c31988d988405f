import Foundation
import RedisTestSupport
import LarderSessions
import WebTestSupport
import XCTest

/// Django's middleware rules, over real sockets, on the cache engine and a private Redis.
final class SessionMiddlewareTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func withSite(_ configuration: SessionConfiguration = SessionConfiguration(), _ body: (SessionFixture) async throws -> Void) async throws {
        try await SessionFixture.with(.cache, server: try await Self.redis.server(), configuration: configuration, body)
    }

    /// The `sessionid` value of a response's `Set-Cookie`, or `nil`.
    func cookieKey(_ response: LoopbackHTTPClient.Response) -> String? {
        guard let header = response.values("Set-Cookie").first(where: { $0.hasPrefix("sessionid=") }) else { return nil }
        return String(header.dropFirst("sessionid=".count).prefix { $0 != ";" })
    }

    func testCookieAttributesAreDjangos() async throws {
        try await withSite { site in
            let before = Date()
            let response = try await site.get("/session")
            XCTAssertEqual(response.status, 200)
            let cookies = response.values("Set-Cookie")
            XCTAssertEqual(cookies.count, 1)
            let parts = cookies[0].components(separatedBy: "; ")
            let key = try XCTUnwrap(cookieKey(response))
            XCTAssertEqual(parts.count, 6, cookies[0])
            XCTAssertEqual(parts[0], "sessionid=\(key)")
            XCTAssertTrue(parts[1].hasPrefix("expires="), cookies[0])
            XCTAssertEqual(Array(parts[2...]), ["HttpOnly", "Max-Age=1209600", "Path=/", "SameSite=Lax"])
            // expires = now + 14 days, as an RFC 7231 date.
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let expires = try XCTUnwrap(formatter.date(from: String(parts[1].dropFirst("expires=".count))), parts[1])
            XCTAssertEqual(expires.timeIntervalSince(before), 1_209_600, accuracy: 2)
            XCTAssertEqual(response["Vary"], "Cookie")
        }
    }

    func testSecureDomainAndBrowserCloseOptions() async throws {
        let options = SessionConfiguration(cookieDomain: "example.com", cookieSecure: true, expireAtBrowserClose: true)
        try await withSite(options) { site in
            let response = try await site.get("/session")
            let key = try XCTUnwrap(cookieKey(response))
            XCTAssertEqual(response["Set-Cookie"], "sessionid=\(key); Domain=example.com; HttpOnly; Path=/; SameSite=Lax; Secure")
            // The store keeps it the full age all the same.
            let stored = try await site.value(site.redisLocation(of: key).key, database: 1)
            XCTAssertGreaterThan(try XCTUnwrap(stored).ttl, 1_209_500)
        }
    }

    func testCounterContinuesWithTheCookie() async throws {
        try await withSite { site in
            let first = try await site.get("/session")
            let key = try XCTUnwrap(cookieKey(first))
            XCTAssertEqual(first.text, "count 1")
            let second = try await site.get("/session", cookie: key)
            XCTAssertEqual(second.text, "count 2")
            XCTAssertEqual(cookieKey(second), key, "the same key is sent again on save")
        }
    }

    func testUnknownOrMalformedCookieGetsANewKey() async throws {
        try await withSite { site in
            for planted in ["abcdefghijklmnopqrstuvwxyz012345", "short", "BAD-KEY-with-symbols!!", ""] {
                let response = try await site.get("/session", cookie: planted)
                XCTAssertEqual(response.text, "count 1", planted)
                let key = try XCTUnwrap(cookieKey(response), planted)
                XCTAssertNotEqual(key, planted)
                XCTAssertEqual(key.count, 32)
                // The planted key was never written: no fixation.
                let plantedValue = try await site.value(site.redisLocation(of: planted).key, database: 1)
                XCTAssertNil(plantedValue, planted)
            }
        }
    }

    func testReadingDoesNotWrite() async throws {
        try await withSite { site in
            let before = try await site.keys(database: 1).count
            let noCookie = try await site.get("/read")
            XCTAssertEqual(noCookie.text, "count 0")
            XCTAssertEqual(noCookie.values("Set-Cookie"), [])
            XCTAssertEqual(noCookie["Vary"], "Cookie", "accessed, so Vary: Cookie")
            let keysAfter = try await site.keys(database: 1).count
            XCTAssertEqual(keysAfter, before, "a read wrote a key")

            let awaited1 = try await site.get("/session")
            let key = try XCTUnwrap(cookieKey(awaited1))
            let stored = try await site.value(site.redisLocation(of: key).key, database: 1)
            let read = try await site.get("/read", cookie: key)
            XCTAssertEqual(read.text, "count 1")
            XCTAssertEqual(read.values("Set-Cookie"), [])
            let storedAfter = try await site.value(site.redisLocation(of: key).key, database: 1)
            XCTAssertEqual(storedAfter?.value, stored?.value)

            let plain = try await site.get("/plain", cookie: key)
            XCTAssertNil(plain["Vary"], "a page that never touched the session does not vary")
            XCTAssertEqual(plain.values("Set-Cookie"), [])
        }
    }

    func testEmptyingTheSessionDeletesTheCookie() async throws {
        try await withSite { site in
            let awaited2 = try await site.get("/session")
            let key = try XCTUnwrap(cookieKey(awaited2))
            let logout = try await site.post("/logout", cookie: key)
            XCTAssertEqual(logout.status, 200)
            XCTAssertEqual(logout.values("Set-Cookie"), [#"sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax"#])
            XCTAssertEqual(logout["Vary"], "Cookie")
            let stored = try await site.value(site.redisLocation(of: key).key, database: 1)
            XCTAssertNil(stored, "flush deletes the session from the store")

            // A cookie for a session the store does not hold, only read: deleted too.
            let stale = try await site.get("/read", cookie: key)
            XCTAssertEqual(stale.values("Set-Cookie").first?.hasPrefix(#"sessionid="""#), true)
        }
    }

    func testCycleKeyMovesTheDataAndDeletesTheOldKey() async throws {
        try await withSite { site in
            let awaited3 = try await site.get("/session")
            let old = try XCTUnwrap(cookieKey(awaited3))
            _ = try await site.get("/session", cookie: old)
            let login = try await site.post("/login", cookie: old)
            let new = try XCTUnwrap(cookieKey(login))
            XCTAssertNotEqual(new, old)
            let oldValue = try await site.value(site.redisLocation(of: old).key, database: 1)
            XCTAssertNil(oldValue, "the old key is deleted")
            let data = try await site.store.load(key: new)
            XCTAssertEqual(data, DjangoSessionData(["count": 2, "user": "craig"]))
            let awaited4 = try await site.get("/session", cookie: new).text
            XCTAssertEqual(awaited4, "count 3")
            let awaited5 = try await site.get("/session", cookie: old).text
            XCTAssertEqual(awaited5, "count 1", "the old key is worthless")
        }
    }

    func testTypedValuesSurviveTheStore() async throws {
        try await withSite { site in
            let awaited6 = try await site.post("/cart")
            let key = try XCTUnwrap(cookieKey(awaited6))
            let awaited7 = try await site.get("/cart", cookie: key).text
            XCTAssertEqual(awaited7, "book,pen 12.5")
            let stored = try await site.value(site.redisLocation(of: key).key, database: 1)
            XCTAssertEqual(stored?.value, #"{"cart":{"items":["book","pen"],"total":12.5}}"#)
        }
    }

    func testNotSavedWhenTheResponseIs500() async throws {
        try await withSite { site in
            let awaited8 = try await site.get("/session")
            let key = try XCTUnwrap(cookieKey(awaited8))
            let failed = try await site.get("/fail", cookie: key)
            XCTAssertEqual(failed.status, 500)
            XCTAssertEqual(failed.values("Set-Cookie"), [])
            let awaited9 = try await site.get("/read", cookie: key).text
            XCTAssertEqual(awaited9, "count 1")
            // Without a cookie, no session is created either.
            let before = try await site.keys(database: 1).count
            _ = try await site.get("/fail")
            let after = try await site.keys(database: 1).count
            XCTAssertEqual(after, before)
        }
    }

    func testSaveEveryRequestRenewsTheCookieOnReads() async throws {
        try await withSite(SessionConfiguration(saveEveryRequest: true)) { site in
            let awaited10 = try await site.get("/session")
            let key = try XCTUnwrap(cookieKey(awaited10))
            let read = try await site.get("/read", cookie: key)
            XCTAssertEqual(cookieKey(read), key)
        }
    }

    func testSessionDeletedDuringTheRequestAnswers400() async throws {
        try await withSite { site in
            let awaited11 = try await site.get("/session")
            let key = try XCTUnwrap(cookieKey(awaited11))
            let pending = Task { try await site.get("/wait-then-write", cookie: key) }
            await site.arrived.wait()
            // Another request logs out while the first one runs.
            let awaited12 = try await site.post("/logout", cookie: key).status
            XCTAssertEqual(awaited12, 200)
            site.proceed.open()
            let response = try await pending.value
            XCTAssertEqual(response.status, 400)
            XCTAssertTrue(response.text.contains("session was deleted"), response.text)
            XCTAssertEqual(response.values("Set-Cookie"), [])
            let stored = try await site.value(site.redisLocation(of: key).key, database: 1)
            XCTAssertNil(stored, "the deleted session was not resurrected")
        }
    }

    func testConcurrentModifyingRequestsNeitherCrashNorLoseTheStore() async throws {
        try await withSite { site in
            let awaited13 = try await site.get("/session")
            let key = try XCTUnwrap(cookieKey(awaited13))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<40 { group.addTask { try await site.get("/session", cookie: key).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(statuses, Array(repeating: 200, count: 40))
            // Last write wins (as in Django), but the session is still there and counting.
            let count = try await site.store.load(key: key)?.get("count", as: Int.self)
            XCTAssertNotNil(count)
            XCTAssertGreaterThanOrEqual(count ?? 0, 2)
            let next = try await site.get("/session", cookie: key)
            XCTAssertEqual(next.text, "count \((count ?? 0) + 1)")
        }
    }
}
