import LarderCache
import Foundation
import Hummingbird
import Logging
import RedisTestSupport
import LarderSessions
import Synchronization
import LarderWebCache
import WebTestSupport
import XCTest

/// A ``Cache`` written outside the library: what the page cache and the `cache` session engine
/// need of a cache is on the protocol, so they decide by its answers, never by its type.
final class ThirdPartyCacheTests: XCTestCase {
    /// Keeps its values in a ``MemoryCache``, says whether it fails open, counts its
    /// conditional writes: all the page cache and the session store may know of it.
    final class ForwardingCache: Cache {
        let base = MemoryCache()
        let failsOpen: Bool
        let updates = Atomic<Int>(0)

        init(failsOpen: Bool = false) { self.failsOpen = failsOpen }

        func update<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout, version: Int?) async throws(CacheError) -> Bool {
            updates.add(1, ordering: .relaxed)
            guard try await base.hasKey(key, version: version) else { return false }
            try await base.set(key, value, timeout: timeout, version: version)
            return true
        }

        func set<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout, version: Int?) async throws(CacheError) {
            try await base.set(key, value, timeout: timeout, version: version)
        }
        func get<Value: Decodable & Sendable>(_ key: String, as type: Value.Type, version: Int?) async throws(CacheError) -> Value? {
            try await base.get(key, as: type, version: version)
        }
        func add<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout, version: Int?) async throws(CacheError) -> Bool {
            try await base.add(key, value, timeout: timeout, version: version)
        }
        func setMany<Value: Encodable & Sendable>(_ values: [String: Value], timeout: CacheTimeout, version: Int?) async throws(CacheError) -> [String] {
            try await base.setMany(values, timeout: timeout, version: version)
        }
        func getMany<Value: Decodable & Sendable>(_ keys: [String], as type: Value.Type, version: Int?) async throws(CacheError) -> [String: Value] {
            try await base.getMany(keys, as: type, version: version)
        }
        func delete(_ key: String, version: Int?) async throws(CacheError) -> Bool { try await base.delete(key, version: version) }
        func deleteMany(_ keys: [String], version: Int?) async throws(CacheError) { try await base.deleteMany(keys, version: version) }
        func hasKey(_ key: String, version: Int?) async throws(CacheError) -> Bool { try await base.hasKey(key, version: version) }
        func incr(_ key: String, by delta: Int, version: Int?) async throws(CacheError) -> Int { try await base.incr(key, by: delta, version: version) }
        func touch(_ key: String, timeout: CacheTimeout, version: Int?) async throws(CacheError) -> Bool {
            try await base.touch(key, timeout: timeout, version: version)
        }
        func incrVersion(_ key: String, by delta: Int, version: Int?) async throws(CacheError) -> Int {
            try await base.incrVersion(key, by: delta, version: version)
        }
        func clear() async throws(CacheError) { try await base.clear() }
        func close() async { await base.close() }
    }

    func testTheCacheSessionEngineRefusesACustomCacheThatFailsOpen() throws {
        XCTAssertThrowsError(try CacheSessionStore(cache: ForwardingCache(failsOpen: true))) { error in
            guard (error as? SessionError)?.code == .invalidConfiguration else { return XCTFail("not a configuration error: \(error)") }
        }
        XCTAssertNoThrow(try CacheSessionStore(cache: ForwardingCache(failsOpen: false)))
    }

    func testAPageCacheThatFailsClosedWarnsOverACustomCacheThatFailsOpen() {
        let log = LogRecorder()
        _ = PageCache(cache: ForwardingCache(failsOpen: true), configuration: PageCacheConfiguration(failureMode: .failClosed, logger: log.logger()))
        XCTAssertEqual(log.messages(containing: "its cache fails open").count, 1, "\(log.lines)")

        let quiet = LogRecorder()
        _ = PageCache(cache: ForwardingCache(failsOpen: false), configuration: PageCacheConfiguration(failureMode: .failClosed, logger: quiet.logger()))
        XCTAssertEqual(quiet.events(atLeast: .warning).count, 0, "\(quiet.lines)")
    }

    func testACustomCacheHoldsPagesAndSessionsOverRealSockets() async throws {
        let cache = ForwardingCache()
        let router = Router(context: BasicDjangoSessionRequestContext.self)
        router.add(middleware: DjangoSessionMiddleware(store: try CacheSessionStore(cache: cache)))
        router.post("visit") { _, context -> String in
            let visits = (try await context.session.get("visits", as: Int.self) ?? 0) + 1
            try await context.session.set("visits", visits)
            return "visit \(visits)"
        }
        router.cachePage(60, PageCache(cache: cache)).get("news") { _, _ in "news \(UUID().uuidString)" }
        let site = try await RunningSite.start(router, port: 0, logger: SessionFixture.quiet)
        do {
            let client = LoopbackHTTPClient(port: site.port)
            let first = try await client.send("POST", "/visit")
            let cookie = try XCTUnwrap(first.values("Set-Cookie").first { $0.hasPrefix("sessionid=") }, "\(first)")
            let key = String(cookie.dropFirst("sessionid=".count).prefix { $0 != ";" })
            let second = try await client.send("POST", "/visit", headers: [("Cookie", "sessionid=\(key)")])
            XCTAssertEqual(second.text, "visit 2", "the session did not survive in the custom cache")
            XCTAssertEqual(cache.updates.load(ordering: .relaxed), 1, "saving an existing session went around the cache's update")
            let stored = try await cache.base.get(CacheSessionStore.cacheKey(key), as: DjangoSessionData.self, version: nil)
            XCTAssertNotNil(stored, "the session is not under the engine's key in the custom cache")

            let news = try await client.get("/news")
            let again = try await client.get("/news")
            XCTAssertEqual(again.text, news.text, "the second visitor did not get the cached page")
            XCTAssertNotNil(again["Age"], "not served from the custom cache: \(again)")
        } catch {
            await site.stop()
            throw error
        }
        await site.stop()
    }
}
