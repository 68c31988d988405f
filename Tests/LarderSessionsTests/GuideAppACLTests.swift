import Foundation
import Hummingbird
import LarderCache
import LarderRESP
import LarderRedis
import LarderSessions
import LarderWebCache
import RedisTestSupport
import WebTestSupport
import XCTest

/// The app's least-privilege Redis user, created on a private server with the very rules
/// `./setup.sh --app-user` gives the reader's (chapters/acl/guide-app.acl): the cache API, the
/// page cache and every session engine work under it, while FLUSHALL, FLUSHDB, CONFIG and KEYS
/// are refused, each with an error that says so.
final class GuideAppACLTests: XCTestCase {
    static let password = "guide-app-test-\(UInt32.random(in: 0...UInt32.max))"
    static let acl = Result { () throws(GuideAppACL.Failure) in try GuideAppACL.load() }
    static let redis = SuiteServer {
        try await PrivateRedisServer.start(extraDirectives: [try acl.get().userDirective(password: password)])
    }
    override class func tearDown() { redis.stop() }

    var user: (name: String, password: String) {
        get throws { (try Self.acl.get().name, Self.password) }
    }

    /// `server`'s configuration on `database`, logged in as the app's user.
    func appConfiguration(_ server: PrivateRedisServer, database: Int = 1) throws -> RedisConfiguration {
        try Self.acl.get().configuration(server.configuration(database: database), password: Self.password)
    }

    // MARK: What the app does works

    func testTheRulesAreTheOnesSetupShGives() throws {
        let acl = try Self.acl.get()
        XCTAssertEqual(acl.name, "guide-app")
        for rule in ["~:1:*", "-@all", "-@dangerous", "+eval"] {
            XCTAssertTrue(acl.rules.split(separator: " ").contains(Substring(rule)), "\(rule) missing from \(acl.rules)")
        }
        let setup = try String(contentsOf: GuideAppACL.file.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("setup.sh"), encoding: .utf8)
        XCTAssertTrue(setup.contains("chapters/acl/guide-app.acl"), "setup.sh reads the rules from another file")
    }

    func testTheCacheAPIWorksUnderTheAppUser() async throws {
        let server = try await Self.redis.server()
        let cache = RedisCache(configuration: CacheConfiguration(redis: try appConfiguration(server)))
        do {
            try await cache.set("greeting", "hello")
            let greeting = try await cache.get("greeting", as: String.self)
            XCTAssertEqual(greeting, "hello")
            try await cache.set("visits", 1)
            let visits = try await cache.incr("visits", by: 2)  // EVAL: the Lua script the user may run
            XCTAssertEqual(visits, 3)
            let decremented = try await cache.decr("visits")
            XCTAssertEqual(decremented, 2)
            let refused = try await cache.setMany(["a": 1, "b": 2, "c": 3])
            XCTAssertEqual(refused, [])
            let many = try await cache.getMany(["a", "b", "c", "missing"], as: Int.self)
            XCTAssertEqual(many, ["a": 1, "b": 2, "c": 3])
            let added = try await cache.add("greeting", "again")
            XCTAssertFalse(added)
            let touched = try await cache.touch("greeting", timeout: .seconds(60))
            XCTAssertTrue(touched)
            let deleted = try await cache.delete("greeting")
            XCTAssertTrue(deleted)
            try await cache.deleteMany(["a", "b", "c"])
            let left = try await cache.getMany(["a", "b", "c"], as: Int.self)
            XCTAssertEqual(left, [:])
        } catch {
            await cache.close()
            throw error
        }
        await cache.close()
    }

    func testThePageCacheWorksUnderTheAppUser() async throws {
        let server = try await Self.redis.server()
        let pages = RedisCache(configuration: CacheConfiguration(redis: try appConfiguration(server, database: 3), logger: SessionFixture.quiet))
        let router = Router()
        router.cachePage(60, PageCache(cache: pages)).get("news") { _, _ in "news \(UUID().uuidString)" }
        let site = try await RunningSite.start(router, port: 0, logger: SessionFixture.quiet)
        do {
            let client = LoopbackHTTPClient(port: site.port)
            let first = try await client.get("/news")
            let second = try await client.get("/news")
            XCTAssertEqual(first.status, 200)
            XCTAssertTrue(first.text.hasPrefix("news "), first.text)
            XCTAssertEqual(second.text, first.text, "the second request was not served from the cache")
            let stored = try await RedisConnection.withConnection(configuration: server.configuration(database: 3)) { admin in
                try await admin.send(KEYS(":1:views.decorators.cache.cache_page.*")).count
            }
            XCTAssertEqual(stored, 1)
        } catch {
            await site.stop()
            await pages.close()
            throw error
        }
        await site.stop()
        await pages.close()
    }

    func testEverySessionEngineWorksUnderTheAppUser() async throws {
        let server = try await Self.redis.server()
        for engine in Engine.allCases {
            try await SessionFixture.with(engine, server: server, user: try user) { site in
                let first = try await site.get("/session")
                XCTAssertEqual(first.text, "count 1", "\(engine)")
                let cookie = try XCTUnwrap(first.values("Set-Cookie").first { $0.hasPrefix("sessionid=") }, "\(engine)")
                let key = String(cookie.dropFirst("sessionid=".count).prefix { $0 != ";" })
                let second = try await site.get("/session", cookie: key)
                XCTAssertEqual(second.text, "count 2", "\(engine)")
                let login = try await site.post("/login", cookie: key)
                XCTAssertEqual(login.status, 200, "\(engine)")
                let logout = try await site.post("/logout", cookie: key)
                XCTAssertEqual(logout.status, 200, "\(engine)")
            }
        }
    }

    // MARK: What the app must not do is refused, clearly

    func testDangerousCommandsAreRefusedWithNOPERM() async throws {
        let server = try await Self.redis.server()
        try await RedisConnection.withConnection(configuration: try appConfiguration(server)) { redis in
            let attempts: [(name: String, send: () async throws(RedisError) -> RESPToken)] = [
                ("flushall", { () throws(RedisError) in try await redis.send("FLUSHALL") }),
                ("flushdb", { () throws(RedisError) in try await redis.send("FLUSHDB") }),
                ("config|get", { () throws(RedisError) in try await redis.send("CONFIG", "GET", "port") }),
                ("keys", { () throws(RedisError) in try await redis.send("KEYS", "*") }),
            ]
            for attempt in attempts {
                do throws(RedisError) {
                    let reply = try await attempt.send()
                    XCTFail("\(attempt.name) was allowed: \(reply)")
                } catch {
                    XCTAssertEqual(error.code, .server, attempt.name)
                    XCTAssertEqual(error.serverError?.kind, .noPermission, "\(error)")
                    XCTAssertTrue(error.description.contains("'\(attempt.name)'"), error.description)
                    XCTAssertTrue(error.description.contains("the server's ACL does not allow this"), error.description)
                    XCTAssertTrue(error.description.contains("ACL SETUSER"), error.description)
                }
            }
            // A key outside the patterns too.
            do throws(RedisError) {
                _ = try await redis.send(SET("someone-elses-key", "x"))
                XCTFail("a key outside ~:1:* and ~session:* was written")
            } catch {
                XCTAssertEqual(error.serverError?.kind, .noPermission, "\(error)")
            }
        }
    }

    func testCacheClearSaysTheACLRefusesFLUSHDBAndWhatToDoInstead() async throws {
        let server = try await Self.redis.server()
        let cache = RedisCache(configuration: CacheConfiguration(redis: try appConfiguration(server)))
        try await cache.set("kept", 1)
        do {
            try await cache.clear()
            XCTFail("clear() ran FLUSHDB as the app user")
        } catch {
            XCTAssertEqual(error.code, .invalidConfiguration)
            XCTAssertTrue(error.description.contains("the Redis ACL of user 'guide-app' refuses"), error.description)
            XCTAssertTrue(error.description.contains("deleteMany"), error.description)
            XCTAssertTrue(error.description.contains("redis-cli -n 1 flushdb"), error.description)
        }
        let kept = try await cache.get("kept", as: Int.self)
        XCTAssertEqual(kept, 1)
        await cache.close()
    }
}
