import Foundation
import RedisTestSupport
import LarderSessions
import WebTestSupport
import XCTest

/// Each engine's keys, database, TTL and value (Django's `django/contrib/sessions/backends/`; chapter 05's table),
/// and its survival of FLUSHALL, a restart and a dead Redis ("Survival", "Redis down"). Every
/// test has a private server of its own: they flush, kill and restart it.
final class SessionEngineTests: XCTestCase {
    func withSite(_ engine: Engine, _ body: (SessionFixture) async throws -> Void) async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        try await SessionFixture.with(engine, server: server, body)
    }

    func cookieKey(_ response: LoopbackHTTPClient.Response) throws -> String {
        let header = try XCTUnwrap(response.values("Set-Cookie").first { $0.hasPrefix("sessionid=") }, "\(response)")
        return String(header.dropFirst("sessionid=".count).prefix { $0 != ";" })
    }

    // MARK: Keys, databases, TTLs

    func testCacheEngineKeyDatabaseAndTTL() async throws {
        try await withSite(.cache) { site in
            let key = try cookieKey(try await site.get("/session"))
            let awaited1 = try await site.keys(database: 1)
            XCTAssertEqual(awaited1, [":1:django.contrib.sessions.cache\(key)"])
            let awaited2 = try await site.keys(database: 0)
            XCTAssertEqual(awaited2, [])
            let awaited3 = try await site.value(":1:django.contrib.sessions.cache\(key)", database: 1)
            let stored = try XCTUnwrap(awaited3)
            XCTAssertEqual(stored.value, #"{"count":1}"#)
            XCTAssertGreaterThan(stored.ttl, 1_209_590)
            XCTAssertLessThanOrEqual(stored.ttl, 1_209_600)
        }
    }

    func testCachedDatabaseEngineKeyDatabaseTTLAndRow() async throws {
        try await withSite(.cachedDB) { site in
            let key = try cookieKey(try await site.get("/session"))
            let awaited4 = try await site.keys(database: 1)
            XCTAssertEqual(awaited4, [":1:django.contrib.sessions.cached_db\(key)"])
            let awaited5 = try await site.keys(database: 0)
            XCTAssertEqual(awaited5, [])
            let awaited6 = try await site.value(":1:django.contrib.sessions.cached_db\(key)", database: 1)
            let stored = try XCTUnwrap(awaited6)
            XCTAssertEqual(stored.value, #"{"count":1}"#)
            XCTAssertGreaterThan(stored.ttl, 1_209_590)
            let database = try XCTUnwrap(site.database)
            let row = try await database.row(key: key)
            XCTAssertEqual(row.flatMap { try? SessionSigner(secret: SessionFixture.secret).unsign($0.sessionData) }, DjangoSessionData(["count": 1]))
            XCTAssertEqual(try XCTUnwrap(row).expireDate.timeIntervalSinceNow, 1_209_600, accuracy: 5)
            XCTAssertEqual(try database.journalMode(), "wal")
        }
    }

    func testRedisStoreKeyDatabaseTTLAndSignedValue() async throws {
        try await withSite(.redis) { site in
            let key = try cookieKey(try await site.get("/session"))
            let awaited7 = try await site.keys(database: 0)
            XCTAssertEqual(awaited7, [key], "the bare key in DB 0")
            let awaited8 = try await site.keys(database: 1)
            XCTAssertEqual(awaited8, [])
            let awaited9 = try await site.value(key, database: 0)
            let stored = try XCTUnwrap(awaited9)
            XCTAssertGreaterThan(stored.ttl, 1_209_590)
            let parts = stored.value.split(separator: ":")
            XCTAssertEqual(parts.count, 3, stored.value)
            XCTAssertEqual(parts.first, "eyJjb3VudCI6MX0", "base64url of {\"count\":1}")
            XCTAssertEqual(try SessionSigner(secret: SessionFixture.secret).unsign(stored.value), DjangoSessionData(["count": 1]))
        }
    }

    func testCreatingClaimsTheKeyAtomically() async throws {
        try await withSite(.cache) { site in
            let key = try cookieKey(try await site.get("/session"))
            let again = try await site.store.create(key: key, data: DjangoSessionData(["other": 1]), age: 60)
            XCTAssertFalse(again, "SET NX refuses a taken key")
            let data = try await site.store.load(key: key)
            XCTAssertEqual(data, DjangoSessionData(["count": 1]))
        }
        try await withSite(.cachedDB) { site in
            let key = try cookieKey(try await site.get("/session"))
            let again = try await site.store.create(key: key, data: DjangoSessionData(["other": 1]), age: 60)
            XCTAssertFalse(again, "INSERT refuses a taken key")
        }
        try await withSite(.redis) { site in
            let key = try cookieKey(try await site.get("/session"))
            let again = try await site.store.create(key: key, data: DjangoSessionData(["other": 1]), age: 60)
            XCTAssertFalse(again, "SET NX refuses a taken key")
        }
    }

    // MARK: Survival

    func testCacheEngineLosesSessionsOnFlushAll() async throws {
        try await withSite(.cache) { site in
            let key = try cookieKey(try await site.get("/session"))
            _ = try await site.get("/session", cookie: key)
            try await site.redis("FLUSHALL")
            let after = try await site.get("/session", cookie: key)
            XCTAssertEqual(after.text, "count 1")
            XCTAssertNotEqual(try cookieKey(after), key, "a new key, the old one not adopted")
        }
    }

    func testCachedDatabaseSurvivesFlushAllAndRefillsTheCache() async throws {
        try await withSite(.cachedDB) { site in
            let key = try cookieKey(try await site.get("/session"))
            _ = try await site.get("/session", cookie: key)
            try await site.redis("FLUSHALL")
            let read = try await site.get("/read", cookie: key)
            XCTAssertEqual(read.text, "count 2")
            // Refilled with the remaining lifetime.
            let awaited10 = try await site.value(":1:django.contrib.sessions.cached_db\(key)", database: 1)
            let refilled = try XCTUnwrap(awaited10)
            XCTAssertEqual(refilled.value, #"{"count":2}"#)
            XCTAssertGreaterThan(refilled.ttl, 1_209_500)
            let after = try await site.get("/session", cookie: key)
            XCTAssertEqual(after.text, "count 3")
            XCTAssertEqual(try cookieKey(after), key)
        }
    }

    func testCachedDatabaseSurvivesARestart() async throws {
        try await withSite(.cachedDB) { site in
            let key = try cookieKey(try await site.get("/session"))
            try await site.server.restart()
            let awaited11 = try await site.keys(database: 1)
            XCTAssertEqual(awaited11, [], "no persistence: the restart emptied Redis")
            let after = try await site.get("/session", cookie: key)
            XCTAssertEqual(after.text, "count 2")
            XCTAssertEqual(try cookieKey(after), key)
        }
    }

    func testCachedDatabaseServesRequestsWithRedisKilled() async throws {
        try await withSite(.cachedDB) { site in
            let key = try cookieKey(try await site.get("/session"))
            site.server.kill()
            for expected in 2...4 {
                let response = try await site.get("/session", cookie: key)
                XCTAssertEqual(response.status, 200)
                XCTAssertEqual(response.text, "count \(expected)")
            }
            // A new visitor too.
            let newcomer = try await site.get("/session")
            XCTAssertEqual(newcomer.text, "count 1")
            let newKey = try cookieKey(newcomer)
            try await site.server.restart()
            // Back: served from SQL, and the cache is refilled.
            let awaited12 = try await site.get("/read", cookie: key).text
            XCTAssertEqual(awaited12, "count 4")
            let refilled = try await site.value(":1:django.contrib.sessions.cached_db\(key)", database: 1)
            XCTAssertEqual(refilled?.value, #"{"count":4}"#)
            let awaited13 = try await site.get("/read", cookie: newKey).text
            XCTAssertEqual(awaited13, "count 1")
        }
    }

    func testCachedDatabaseNeverServesAnEntryItFailedToUpdate() async throws {
        try await withSite(.cachedDB) { site in
            let key = try cookieKey(try await site.get("/session"))
            // The private server fills up: writes are refused (OOM), reads still answer, and
            // the cache still holds {"count":1}.
            try await site.redis("CONFIG", "SET", "maxmemory", "1")
            let during = try await site.get("/session", cookie: key)
            XCTAssertEqual(during.text, "count 2", "saved to SQL")
            let cached = try await site.value(":1:django.contrib.sessions.cached_db\(key)", database: 1)
            XCTAssertEqual(cached?.value, #"{"count":1}"#, "the cache kept the old entry")
            let read = try await site.get("/read", cookie: key)
            XCTAssertEqual(read.text, "count 2", "the stale entry is not served")
            try await site.redis("CONFIG", "SET", "maxmemory", "0")
            let after = try await site.get("/session", cookie: key)
            XCTAssertEqual(after.text, "count 3")
            let refreshed = try await site.value(":1:django.contrib.sessions.cached_db\(key)", database: 1)
            XCTAssertEqual(refreshed?.value, #"{"count":3}"#, "written again once Redis takes writes")
        }
    }

    func testCacheEngineAnswers503WhileRedisIsDownAndRecovers() async throws {
        try await withSite(.cache) { site in
            _ = try await site.get("/session")
            site.server.kill()
            let started = ContinuousClock.now
            let down = try await site.get("/session")
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(2), "answered at once, no hang")
            XCTAssertEqual(down.status, 503)
            XCTAssertEqual(down["Content-Type"], "text/plain; charset=utf-8")
            XCTAssertTrue(down.text.hasPrefix("Service unavailable"), down.text)
            XCTAssertLessThan(down.body.count, 200, "a short body, no stack trace")
            XCTAssertEqual(down.values("Set-Cookie"), [])
            let awaited14 = try await site.get("/plain").status
            XCTAssertEqual(awaited14, 200, "pages without sessions still work")
            try await site.server.restart()
            let back = try await site.get("/session")
            XCTAssertEqual(back.status, 200)
            XCTAssertEqual(back.text, "count 1")
        }
    }

    func testRedisStoreAnswers503WhileRedisIsDownAndRecovers() async throws {
        try await withSite(.redis) { site in
            site.server.kill()
            let down = try await site.get("/session")
            XCTAssertEqual(down.status, 503)
            try await site.server.restart()
            let awaited15 = try await site.get("/session").status
            XCTAssertEqual(awaited15, 200)
        }
    }

    func testRedisStoreLosesSessionsOnFlushAll() async throws {
        try await withSite(.redis) { site in
            let key = try cookieKey(try await site.get("/session"))
            try await site.redis("FLUSHALL")
            let after = try await site.get("/session", cookie: key)
            XCTAssertEqual(after.text, "count 1")
            XCTAssertNotEqual(try cookieKey(after), key, "unlike django-redis-sessions 0.6, the client's key is not reused")
            let oldValue = try await site.value(key, database: 0)
            XCTAssertNil(oldValue)
        }
    }

    func testTamperedSignedValueIsAnEmptySession() async throws {
        try await withSite(.redis) { site in
            let key = try cookieKey(try await site.get("/session"))
            _ = try await site.get("/session", cookie: key)
            let awaited16 = try await site.value(key, database: 0)
            let stored = try XCTUnwrap(awaited16).value
            // {"count":2} becomes {"count":9}; the signature no longer matches.
            let forged = stored.replacingOccurrences(of: "eyJjb3VudCI6Mn0", with: "eyJjb3VudCI6OX0")
            XCTAssertNotEqual(forged, stored)
            try await site.redis("SET", key, forged, database: 0)
            let read = try await site.get("/read", cookie: key)
            XCTAssertEqual(read.text, "count 0", "the tampered session reads as empty")
            let after = try await site.get("/session", cookie: key)
            XCTAssertEqual(after.text, "count 1")
            XCTAssertNotEqual(try cookieKey(after), key)
        }
    }
}
