import LarderCache
import Hummingbird
import LarderRedis
import RedisTestSupport
import LarderWebCache
import WebTestSupport
import XCTest

/// The page cache with its Redis frozen (`SIGSTOP`), a server that takes commands and answers
/// none: pages are still served, each request gives up on Redis within the cache's timeout
/// (most without waiting at all), and caching resumes by itself once Redis continues.
final class PageCacheStallTests: XCTestCase {
    func testWithRedisFrozenPagesAreServedWithinTheTimeoutAndCachingResumesByItself() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let site = try await PageCacheFixture.start(server: server, database: 0) { router, pageCache, runs in
            router.cachePage(60 * 15, pageCache).get("/") { _, _ in page("render \(runs.increment())") }
            router.cachePage(60 * 15, pageCache).get("/later") { _, _ in page("later, render \(runs.increment())") }
        }
        // Values written before the stall, read back after it through the same connections.
        let names = (0..<10).map { "before-stall-\($0)" }
        for name in names { try await site.cache.set(name, "value of \(name)") }
        _ = try await site.client.get("/")
        let timeout = site.cache.configuration.redis.commandTimeout

        var durations: [Duration] = []
        try await server.whileSuspended {
            let stalled = ContinuousClock.now
            // A request every 20 ms for 2 s, one after the other (with a 30 s timeout the
            // loop would end after the first).
            while durations.count < 100, ContinuousClock.now - stalled < .seconds(2) {
                let started = ContinuousClock.now
                let response = try await site.client.get("/")
                durations.append(ContinuousClock.now - started)
                XCTAssertEqual(response.status, 200)
                XCTAssertTrue(response.text.hasPrefix("<p>render "), response.text)
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        let slowest = durations.max() ?? .zero
        XCTAssertLessThan(slowest, timeout + .milliseconds(750), "a request waited for Redis past the cache's timeout (\(timeout))")
        XCTAssertLessThan(timeout, .seconds(1), "the page cache's Redis cache must give up on a stalled Redis fast")
        let waited = durations.filter { $0 >= timeout * 0.8 }
        XCTAssertLessThan(
            waited.count * 3, durations.count,
            "most requests during the outage should not wait for Redis: \(waited.count) of \(durations.count) did")

        // Continued, Redis is found again without help: a page not seen before is stored, then served.
        let served = await waitUntil(limit: .seconds(10)) { () -> Bool? in
            guard let first = try? await site.client.get("/later"), first.status == 200,
                let second = try? await site.client.get("/later"), second.status == 200
            else { return nil }
            return second.text == first.text && second["Age"] != nil ? true : nil
        }
        XCTAssertEqual(served, true, "after SIGCONT the page cache did not store and serve a page again")
        // No reply reached another command's caller: each value reads as itself.
        for name in names {
            let value = try await site.cache.get(name, as: String.self)
            XCTAssertEqual(value, "value of \(name)")
        }
        await site.stop()
    }
}
