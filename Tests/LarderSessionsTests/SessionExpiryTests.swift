import Foundation
import LarderSessions
import RedisTestSupport
import WebTestSupport
import XCTest

/// Django's `set_expiry` (`_session_expiry` in the session): its four cases (seconds, a date,
/// 0, unset) on each engine over real sockets and a private Redis, as Django's
/// `SessionMiddleware.process_response` and its backends apply them: the cookie's
/// `Max-Age`/`expires`, the store's TTL, the `django_session` row's `expire_date`.
final class SessionExpiryTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    /// The `sessionid` cookie of a response: its key and attributes by lowercased name.
    func cookie(_ response: LoopbackHTTPClient.Response) throws -> (key: String, attributes: [String: String]) {
        let header = try XCTUnwrap(response.values("Set-Cookie").first { $0.hasPrefix("sessionid=") }, "no session cookie")
        let parts = header.components(separatedBy: "; ")
        var attributes: [String: String] = [:]
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            attributes[pair[0].lowercased()] = pair.count == 2 ? String(pair[1]) : ""
        }
        return (String(parts[0].dropFirst("sessionid=".count)), attributes)
    }

    /// `expires` read back as a date.
    func date(_ text: String?) throws -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return try XCTUnwrap(formatter.date(from: try XCTUnwrap(text)), text ?? "no expires")
    }

    /// Sets the expiry through `/expiry/<value>` on each engine; `check` gets the site, the key,
    /// the cookie's attributes, the TTL in Redis and the time of the request.
    func onEachEngine(
        _ value: String, configuration: SessionConfiguration = SessionConfiguration(),
        _ check: (SessionFixture, String, [String: String], Int, Date) async throws -> Void
    ) async throws {
        for engine in Engine.allCases {
            try await SessionFixture.with(engine, server: try await Self.redis.server(), configuration: configuration) { site in
                let before = Date()
                let response = try await site.post("/expiry/\(value)")
                XCTAssertEqual(response.status, 200, "\(engine)")
                let (key, attributes) = try cookie(response)
                let location = site.redisLocation(of: key)
                let entry = try await site.value(location.key, database: location.database)
                let stored = try XCTUnwrap(entry, "\(engine): nothing stored")
                try await check(site, key, attributes, stored.ttl, before)
            }
        }
    }

    func testSecondsSetMaxAgeTTLAndExpireDate() async throws {
        try await onEachEngine("300") { site, key, attributes, ttl, before in
            XCTAssertEqual(attributes["max-age"], "300", "\(site.engine)")
            XCTAssertEqual(try date(attributes["expires"]).timeIntervalSince(before), 300, accuracy: 2)
            XCTAssertTrue((295...300).contains(ttl), "\(site.engine): TTL \(ttl)")
            let data = try await site.store.load(key: key)
            XCTAssertEqual(data?[DjangoSessionData.expiryKey], .int(300), "stored as Django stores it: an int")
            if let database = site.database {
                let row = try await database.loadWithExpiry(key: key)
                XCTAssertEqual(try XCTUnwrap(row).expires.timeIntervalSince(before), 300, accuracy: 2)
            }
        }
    }

    func testADateSetsTheRemainingSecondsAndTheExactExpireDate() async throws {
        let at = (Date().timeIntervalSince1970 + 5_000).rounded(.down) + 0.25
        try await onEachEngine("at-\(at)") { site, key, attributes, ttl, before in
            let remaining = Int((at - before.timeIntervalSince1970).rounded(.down))
            let maxAge = try XCTUnwrap(Int(attributes["max-age"] ?? ""), "\(site.engine): no Max-Age")
            XCTAssertTrue((remaining - 2...remaining).contains(maxAge), "\(site.engine): Max-Age \(maxAge), expected about \(remaining)")
            XCTAssertEqual(try date(attributes["expires"]).timeIntervalSince1970, at, accuracy: 2)
            XCTAssertTrue((remaining - 5...remaining).contains(ttl), "\(site.engine): TTL \(ttl)")
            let loaded = try await site.store.load(key: key)
            let data = try XCTUnwrap(loaded)
            XCTAssertEqual(data.expiry, .date(Date(timeIntervalSince1970: at)))
            guard case .string(let text)? = data[DjangoSessionData.expiryKey] else { return XCTFail("not an ISO string") }
            XCTAssertTrue(text.hasSuffix(".250000+00:00"), text)
            if let database = site.database {
                // Django's get_expiry_date(): the date itself, to the microsecond.
                let found = try await database.row(key: key)
                let row = try XCTUnwrap(found)
                XCTAssertEqual(row.expireDate.timeIntervalSince1970, at, accuracy: 0.000_01)
            }
        }
    }

    func testZeroIsABrowserSessionCookieKeptTheConfiguredAge() async throws {
        try await onEachEngine("0") { site, key, attributes, ttl, before in
            XCTAssertNil(attributes["max-age"], "\(site.engine)")
            XCTAssertNil(attributes["expires"], "\(site.engine)")
            XCTAssertGreaterThan(ttl, 1_209_590, "\(site.engine): the store keeps it SESSION_COOKIE_AGE")
            let data = try await site.store.load(key: key)
            XCTAssertEqual(data?.expiry, .browserClose)
        }
    }

    func testUnsetFollowsTheConfiguration() async throws {
        try await onEachEngine("none") { site, key, attributes, ttl, before in
            XCTAssertEqual(attributes["max-age"], "1209600", "\(site.engine)")
            XCTAssertGreaterThan(ttl, 1_209_590)
            let data = try await site.store.load(key: key)
            XCTAssertNil(data?[DjangoSessionData.expiryKey])
        }
    }

    /// Django's get_expire_at_browser_close: a session's own seconds win over
    /// SESSION_EXPIRE_AT_BROWSER_CLOSE.
    func testOwnSecondsOverrideExpireAtBrowserClose() async throws {
        try await onEachEngine("60", configuration: SessionConfiguration(expireAtBrowserClose: true)) { site, _, attributes, ttl, _ in
            XCTAssertEqual(attributes["max-age"], "60", "\(site.engine)")
            XCTAssertTrue((55...60).contains(ttl), "\(site.engine): TTL \(ttl)")
        }
    }

    /// `set_expiry(None)` after a number: back to the configured age, the key removed.
    func testResetGoesBackToTheConfiguredAge() async throws {
        try await SessionFixture.with(.cache, server: try await Self.redis.server()) { site in
            let first = try await site.post("/expiry/300")
            let (key, attributes) = try cookie(first)
            XCTAssertEqual(attributes["max-age"], "300")
            let second = try await site.post("/expiry/none", cookie: key)
            XCTAssertEqual(try cookie(second).attributes["max-age"], "1209600")
            let data = try await site.store.load(key: key)
            XCTAssertNil(data?[DjangoSessionData.expiryKey])
            let stored = try await site.value(site.redisLocation(of: key).key, database: 1)
            XCTAssertGreaterThan(try XCTUnwrap(stored).ttl, 1_209_590)
        }
    }

    /// A session Django wrote with `set_expiry(timedelta(hours=1))` (signed here by Python's
    /// standard library exactly as `signing.dumps` does) keeps Django's text on a write-back,
    /// and its cookie and TTL follow it.
    func testADjangoSetExpiryIsKeptOnWriteBack() async throws {
        try await SessionFixture.with(.redis, server: try await Self.redis.server()) { site in
            let key = SessionKey.generate()
            let signed = try DjangoSigning.dumpsWithExpiryInAnHour(secret: SessionFixture.secret)
            try await site.redis("SET", key, signed.value, "EX", "3600", database: 0)
            let before = Date()
            let response = try await site.get("/session", cookie: key)
            XCTAssertEqual(response.text, "count 2")
            let attributes = try cookie(response).attributes
            let maxAge = try XCTUnwrap(Int(attributes["max-age"] ?? ""))
            let remaining = Int(signed.expiry.timeIntervalSince(before).rounded(.down))
            XCTAssertTrue((remaining - 2...remaining).contains(maxAge), "Max-Age \(maxAge), expected about \(remaining)")
            let loaded = try await site.store.load(key: key)
            let data = try XCTUnwrap(loaded)
            XCTAssertEqual(data[DjangoSessionData.expiryKey], .string(signed.expiryText), "Django's exact text, kept")
            XCTAssertEqual(data["count"], .int(2))
            let value = try await site.value(key, database: 0)
            let stored = try XCTUnwrap(value)
            XCTAssertTrue((remaining - 5...remaining).contains(stored.ttl), "TTL \(stored.ttl)")
        }
    }
}
