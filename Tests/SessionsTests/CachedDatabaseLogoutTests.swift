import Foundation
import Logging
import RedisTestSupport
import Sessions
import Synchronization
import WebTestSupport
import XCTest

/// A `cached_db` logout whose cache delete fails is an error, never a success: other
/// processes read the session from the cache first, so an entry left there keeps the user
/// logged in everywhere for up to 14 days. The logout leaves the session whole and can be
/// retried.
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
        let recorder = OutageLogTests.Recorder()
        try await withSite(logger: recorder.logger) { site in
            let key = try cookieKey(try await site.get("/session"))
            let cached = site.redisLocation(of: key)
            // Redis answers, but refuses DEL: the cache entry cannot be removed.
            try await site.redis("ACL", "SETUSER", "default", "-del")
            let refused = try await site.post("/logout", cookie: key)
            XCTAssertEqual(refused.status, 503, refused.text)
            XCTAssertEqual(refused.values("Set-Cookie"), [], "the cookie is kept, to retry the logout")
            let logged = recorder.messages.withLock { $0 }.filter { $0.0 >= .warning }
            XCTAssertEqual(logged.count, 1, "one clear line: \(logged)")
            XCTAssertTrue(logged.first?.1.contains("logout") == true, "\(logged)")
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

    func testLoginWithRedisKilledAnswers503RatherThanLeaveTheOldKeyAlive() async throws {
        try await withSite { site in
            let old = try cookieKey(try await site.get("/session"))
            site.server.kill()
            let down = try await site.post("/login", cookie: old)
            XCTAssertEqual(down.status, 503, down.text)
            XCTAssertEqual(down.values("Set-Cookie"), [], "the visitor keeps the old cookie, to retry")

            try await site.server.restart()
            let login = try await site.post("/login", cookie: old)
            XCTAssertEqual(login.status, 200, login.text)
            let new = try cookieKey(login)
            XCTAssertNotEqual(new, old)
            let oldRow = try await XCTUnwrap(site.database).row(key: old)
            XCTAssertNil(oldRow, "the old key is worthless after login")
            let read = try await site.get("/read", cookie: new)
            XCTAssertEqual(read.text, "count 1", "the data moved to the new key")
        }
    }
}
