import Foundation
import RedisTestSupport
import LarderSessions
import WebTestSupport
import XCTest

/// A cookie naming a key the store does not hold as a session (a plain string, a list, written
/// by something else in the store's database): logout and login never delete it, on any engine.
final class ForeignKeyCookieTests: XCTestCase {
    func withSite(_ engine: Engine, _ body: (SessionFixture) async throws -> Void) async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        try await SessionFixture.with(engine, server: server, body)
    }

    func isDeletingCookie(_ response: LoopbackHTTPClient.Response) -> Bool {
        response.values("Set-Cookie") == [#"sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax"#]
    }

    // MARK: Logout and login delete only sessions

    func testLogoutLeavesAStringThatIsNotASession() async throws {
        for engine in Engine.allCases {
            try await withSite(engine) { site in
                let planted = SessionFixture.foreignKey(engine)
                let location = site.redisLocation(of: planted)
                try await site.redis("SET", location.key, "42", database: location.database)
                let logout = try await site.post("/logout", cookie: planted)
                XCTAssertEqual(logout.status, 200, "\(engine)")
                XCTAssertTrue(isDeletingCookie(logout), "\(engine): a normal logout, \(logout)")
                let kept = try await site.value(location.key, database: location.database)
                XCTAssertEqual(kept?.value, "42", "\(engine): logout deleted a key that is no session")
            }
        }
    }

    func testLogoutLeavesAListThatIsNotASession() async throws {
        for engine in Engine.allCases {
            try await withSite(engine) { site in
                let planted = SessionFixture.foreignKey(engine)
                let location = site.redisLocation(of: planted)
                try await site.redis("RPUSH", location.key, "job-1", "job-2", database: location.database)
                let logout = try await site.post("/logout", cookie: planted)
                XCTAssertEqual(logout.status, 200, "\(engine): \(logout.text)")
                XCTAssertTrue(isDeletingCookie(logout), "\(engine): a normal logout, \(logout)")
                let type = try await site.type(of: location.key, database: location.database)
                XCTAssertEqual(type, "list", "\(engine): logout deleted a key that is no session")
            }
        }
    }

    func testLoginLeavesAKeyThatIsNotASession() async throws {
        for engine in Engine.allCases {
            try await withSite(engine) { site in
                let planted = SessionFixture.foreignKey(engine)
                let location = site.redisLocation(of: planted)
                try await site.redis("SET", location.key, "42", database: location.database)
                let login = try await site.post("/login", cookie: planted)
                XCTAssertEqual(login.status, 200, "\(engine): \(login.text)")
                let cookie = try XCTUnwrap(login.values("Set-Cookie").first { $0.hasPrefix("sessionid=") }, "\(engine)")
                XCTAssertFalse(cookie.hasPrefix("sessionid=\(planted);"), "\(engine): the planted key was adopted")
                let kept = try await site.value(location.key, database: location.database)
                XCTAssertEqual(kept?.value, "42", "\(engine): cycleKey deleted a key that is no session")
            }
        }
    }

    func testLogoutStillDeletesARealSession() async throws {
        for engine in Engine.allCases {
            try await withSite(engine) { site in
                let first = try await site.get("/session")
                let header = try XCTUnwrap(first.values("Set-Cookie").first, "\(engine)")
                let key = String(header.dropFirst("sessionid=".count).prefix { $0 != ";" })
                let logout = try await site.post("/logout", cookie: key)
                XCTAssertEqual(logout.status, 200, "\(engine)")
                XCTAssertTrue(isDeletingCookie(logout), "\(engine)")
                let location = site.redisLocation(of: key)
                let type = try await site.type(of: location.key, database: location.database)
                XCTAssertEqual(type, "none", "\(engine): the session is gone")
                if let database = site.database {
                    let row = try await database.row(key: key)
                    XCTAssertNil(row, "the row is gone")
                }
            }
        }
    }
}
