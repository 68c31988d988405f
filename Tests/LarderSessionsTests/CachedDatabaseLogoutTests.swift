import Foundation
import Logging
import RedisTestSupport
import LarderSessions
import Synchronization
import WebTestSupport
import XCTest

/// A `cached_db` logout whose cache delete fails is an error, never a success: other
/// processes read the session from the cache first, so an entry left there keeps the user
/// logged in everywhere for up to 14 days. The logout leaves the session whole and can be
/// retried. A login is not held to this (the last two tests): it works with the cache down.
final class CachedDatabaseLogoutTests: XCTestCase {
    func withSite(logger: Logger = SessionFixture.quiet, _ body: (SessionFixture) async throws -> Void) async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        try await SessionFixture.with(.cachedDB, server: server, logger: logger, body)
    }

    func cookieKey(_ response: LoopbackHTTPClient.Response) throws -> String {
        let header = try XCTUnwrap(response.values("Set-Cookie").first { $0.hasPrefix("sessionid=") }, "\(response)")
        return String(header.dropFirst("sessionid=".count).prefix { $0 != ";" })
    }

    func testLogoutWhoseCacheDeleteIsRefusedAnswers503AndCanBeRetried() async throws {
        let recorder = LogRecorder()
        try await withSite(logger: recorder.logger()) { site in
            let key = try cookieKey(try await site.get("/session"))
            let cached = site.redisLocation(of: key)
            // Redis answers, but refuses DEL: the cache entry cannot be removed.
            try await site.redis("ACL", "SETUSER", "default", "-del")
            let refused = try await site.post("/logout", cookie: key)
            XCTAssertEqual(refused.status, 503, refused.text)
            XCTAssertEqual(refused.values("Set-Cookie"), [], "the cookie is kept, to retry the logout")
            let logged = recorder.events(atLeast: .warning)
            XCTAssertEqual(logged.count, 1, "one clear line: \(logged)")
            XCTAssertTrue(logged.first?.message.contains("logout") == true, "\(logged)")
            // Nothing half done: the session is whole, in the table and in the cache.
            let row = try await XCTUnwrap(site.database).row(key: key)
            XCTAssertNotNil(row, "the row was deleted though the cache still serves the session")
            let entry = try await site.value(cached.key, database: cached.database)
            XCTAssertEqual(entry?.value, #"{"count":1}"#)

            try await site.redis("ACL", "SETUSER", "default", "+del")
            let retried = try await site.post("/logout", cookie: key)
            XCTAssertEqual(retried.status, 200, retried.text)
            XCTAssertEqual(retried.values("Set-Cookie").first?.hasPrefix(#"sessionid="""#), true, "\(retried)")
            let entryAfter = try await site.value(cached.key, database: cached.database)
            XCTAssertNil(entryAfter, "the cache entry is gone")
            let rowAfter = try await XCTUnwrap(site.database).row(key: key)
            XCTAssertNil(rowAfter, "the row is gone")
            let read = try await site.get("/read", cookie: key)
            XCTAssertEqual(read.text, "count 0", "logged out")
        }
    }

    func testLogoutWithRedisKilledAnswers503AndKeepsTheRowForTheRetry() async throws {
        try await withSite { site in
            let key = try cookieKey(try await site.get("/session"))
            site.server.kill()
            let down = try await site.post("/logout", cookie: key)
            XCTAssertEqual(down.status, 503, down.text)
            XCTAssertEqual(down.values("Set-Cookie"), [])
            // The row stays, so a retry still finds the session to delete (a retry that found
            // no row would report success while another process's cache may still hold it).
            let row = try await XCTUnwrap(site.database).row(key: key)
            XCTAssertNotNil(row)
            let again = try await site.post("/logout", cookie: key)
            XCTAssertEqual(again.status, 503, "still down: still no success")

            try await site.server.restart()
            let retried = try await site.post("/logout", cookie: key)
            XCTAssertEqual(retried.status, 200, retried.text)
            let rowAfter = try await XCTUnwrap(site.database).row(key: key)
            XCTAssertNil(rowAfter)
            let cached = site.redisLocation(of: key)
            let entry = try await site.value(cached.key, database: cached.database)
            XCTAssertNil(entry, "the entry refilled by the retry's load is deleted too")
        }
    }

    /// The entry a logout could not delete after the row went (a concurrent request refilled
    /// it from the row in between): the retry's load finds no row, yet the entry lives on in
    /// Redis for other processes. The retry must delete it, and fail while it cannot.
    func testRetriedLogoutDeletesTheEntryLeftWithoutARow() async throws {
        try await withSite { site in
            let key = try cookieKey(try await site.get("/session"))
            let cached = site.redisLocation(of: key)
            // As the refill leaves it: the row is gone, the entry holds the session.
            try await XCTUnwrap(site.database).delete(key: key)
            try await site.redis("ACL", "SETUSER", "default", "-del")
            let refused = try await site.post("/logout", cookie: key)
            XCTAssertEqual(refused.status, 503, refused.text)
            XCTAssertEqual(refused.values("Set-Cookie"), [], "the cookie is kept, to retry the logout")
            // This process knows the entry is stale: it reads the session from the table.
            let read = try await site.get("/read", cookie: key)
            XCTAssertEqual(read.text, "count 0", "the entry left behind is not served here")

            // Redis still refusing (reads too, as when it is down): no success yet.
            try await site.redis("ACL", "SETUSER", "default", "-get")
            let stillRefused = try await site.post("/logout", cookie: key)
            XCTAssertEqual(stillRefused.status, 503, "a retry that cannot delete the entry is no success: \(stillRefused.text)")
            XCTAssertEqual(stillRefused.values("Set-Cookie"), [], "the cookie is kept, to retry again")

            try await site.redis("ACL", "SETUSER", "default", "+del", "+get")
            let retried = try await site.post("/logout", cookie: key)
            XCTAssertEqual(retried.status, 200, retried.text)
            XCTAssertEqual(retried.values("Set-Cookie").first?.hasPrefix(#"sessionid="""#), true, "\(retried)")
            let entry = try await site.value(cached.key, database: cached.database)
            XCTAssertNil(entry, "the entry left without a row is deleted by the retry")
        }
    }

    /// Login is not logout: the old key holds only the pre-login data, which moves to the new
    /// key, so an old cache entry left to expire is no logout hole. With Redis killed a login
    /// works from SQL, and the one line logged names what is left behind.
    func testLoginWithRedisKilledAnswers200AndDeletesTheOldRow() async throws {
        let recorder = LogRecorder()
        try await withSite(logger: recorder.logger()) { site in
            let old = try cookieKey(try await site.get("/session"))
            site.server.kill()
            let login = try await site.post("/login", cookie: old)
            XCTAssertEqual(login.status, 200, login.text)
            let new = try cookieKey(login)
            XCTAssertNotEqual(new, old)
            let database = try XCTUnwrap(site.database)
            let saved = try await database.load(key: new)
            XCTAssertEqual(try saved?.get("user", as: String.self), "craig", "the new session is in SQL")
            XCTAssertEqual(try saved?.get("count", as: Int.self), 1, "with the pre-login data")
            let oldRow = try await database.row(key: old)
            XCTAssertNil(oldRow, "the old key is worthless after login")
            let logged = recorder.events(atLeast: .warning)
            XCTAssertEqual(logged.filter { $0.level > .warning }.count, 0, "a warning, not an error: \(logged)")
            let leftBehind = logged.filter { $0.message.contains("pre-login") }
            XCTAssertEqual(leftBehind.count, 1, "one line names the old key's cache entry: \(logged)")

            // Still down: the new key is served from SQL, and the old one is nothing here.
            let read = try await site.get("/read", cookie: new)
            XCTAssertEqual(read.text, "count 1")
            let oldRead = try await site.get("/read", cookie: old)
            XCTAssertEqual(oldRead.text, "count 0", "the old key reads as no session")
        }
    }

    /// The old key's cache entry that a login could not delete (Redis refusing DEL) is never
    /// served by this process, and loading the old key refills nothing: its row is gone.
    func testLoginWhoseOldEntryCannotBeDeletedNeverServesNorRefillsIt() async throws {
        let recorder = LogRecorder()
        try await withSite(logger: recorder.logger()) { site in
            let old = try cookieKey(try await site.get("/session"))
            let cached = site.redisLocation(of: old)
            try await site.redis("ACL", "SETUSER", "default", "-del")
            let login = try await site.post("/login", cookie: old)
            XCTAssertEqual(login.status, 200, login.text)
            let new = try cookieKey(login)
            let leftBehind = recorder.events.filter { $0.level == .warning && $0.message.contains("pre-login") }
            XCTAssertEqual(leftBehind.count, 1, "\(recorder.events)")
            let entry = try await site.value(cached.key, database: cached.database)
            XCTAssertEqual(entry?.value, #"{"count":1}"#, "the pre-login entry is left to its TTL")

            // The browser now holds the new key; a request that still sends the old one gets
            // no session here (the entry is known stale), and no row refills it.
            let oldRead = try await site.get("/read", cookie: old)
            XCTAssertEqual(oldRead.text, "count 0")
            let oldRow = try await XCTUnwrap(site.database).row(key: old)
            XCTAssertNil(oldRow)
            let read = try await site.get("/read", cookie: new)
            XCTAssertEqual(read.text, "count 1")

            // Logout stays strict.
            let logout = try await site.post("/logout", cookie: new)
            XCTAssertEqual(logout.status, 503, logout.text)
            try await site.redis("ACL", "SETUSER", "default", "+del")
        }
    }
}
