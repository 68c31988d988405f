import Foundation
import Logging
import RedisTestSupport
import LarderSessions
import Synchronization
import WebTestSupport
import XCTest

/// A cookie naming a key of another type (a list: Redis answers `WRONGTYPE`) is a missing
/// session on every engine, not a store outage: no 503, no "unreachable" line in the log.
final class WrongTypeCookieTests: XCTestCase {
    func withSite(_ engine: Engine, logger: Logger, _ body: (SessionFixture) async throws -> Void) async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        try await SessionFixture.with(engine, server: server, logger: logger, body)
    }

    func testCacheEngineReadsACookieNamingAListAsNoSession() async throws {
        try await checkACookieNamingAListIsAFreshSessionWithoutAnOutage(.cache)
    }

    func testCachedDatabaseEngineReadsACookieNamingAListAsNoSession() async throws {
        try await checkACookieNamingAListIsAFreshSessionWithoutAnOutage(.cachedDB)
    }

    func testRedisStoreReadsACookieNamingAListAsNoSession() async throws {
        try await checkACookieNamingAListIsAFreshSessionWithoutAnOutage(.redis)
    }

    /// `WRONGTYPE` is Redis answering: a fresh empty session, a new key on save, nothing logged.
    func checkACookieNamingAListIsAFreshSessionWithoutAnOutage(_ engine: Engine) async throws {
        let recorder = LogRecorder()
        try await withSite(engine, logger: recorder.logger()) { site in
            let planted = SessionFixture.foreignKey(engine)
            let location = site.redisLocation(of: planted)
            try await site.redis("RPUSH", location.key, "job-1", database: location.database)
            let read = try await site.get("/read", cookie: planted)
            XCTAssertEqual(read.status, 200, read.text)
            XCTAssertEqual(read.text, "count 0")
            let written = try await site.get("/session", cookie: planted)
            XCTAssertEqual(written.status, 200, written.text)
            XCTAssertEqual(written.text, "count 1")
            let cookie = written.values("Set-Cookie").first { $0.hasPrefix("sessionid=") }
            let key = cookie.map { String($0.dropFirst("sessionid=".count).prefix { $0 != ";" }) }
            XCTAssertNotEqual(key, planted, "a new key on save")
            XCTAssertEqual(key?.count, 32, "\(written)")
            let type = try await site.type(of: location.key, database: location.database)
            XCTAssertEqual(type, "list", "the list is left alone")
            let logged = recorder.events(atLeast: .notice)
            XCTAssertEqual(logged.map(\.message), [], "a key of another type is no outage")
        }
    }
}
