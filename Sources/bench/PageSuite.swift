import LarderCache
import Chapters
import Foundation
import Logging
import LarderRedis
import RedisTestSupport
import LarderWebCache
import WebTestSupport

/// `bench page`: chapter 03's site, started in this (release) process on a private Redis,
/// loaded with the reference's `wrk -t2 -c32 -d10s` on `/` (every request a hit) and
/// `/uncached`, beside the Django figures measured on the article's stack (below).
struct PageSuite {
    var seconds: Int
    var threads: Int
    var connections: Int
    /// The paths to load, each in a run of its own.
    var paths: [String]
    var progress: (String) -> Void

    /// The article's stack (django-redis-cache, gunicorn, 2 sync workers), req/s and p99 µs.
    static let django: [String: (rate: Double, p99Microseconds: Double?)] = [
        "/": (2_571, 16_000),
        "/uncached": (93, nil),
    ]

    func run() async throws -> BenchReport {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        var logger = Logger(label: "bench-page")
        logger.logLevel = .error
        var configuration = CacheConfiguration(redis: server.configuration(database: 1))
        configuration.logger = logger
        // The cache's default client: one connection per event loop, shared by all requests.
        let cache = RedisCache(configuration: configuration)
        let site = try await RunningSite.start(
            CacheBackendSite.router(pageCache: CacheBackendSite.pageCache(over: cache), cache: cache), port: 0, logger: logger)
        let client = LoopbackHTTPClient(port: site.port)

        var rows: [BenchRow] = []
        for path in paths {
            // Store the page first, so that every request of the run is a hit.
            let warm = try await client.get(path)
            guard warm.status == 200 else { throw BenchError("GET \(path) answered \(warm.status)") }
            let url = "http://127.0.0.1:\(site.port)\(path)"
            progress("wrk -t\(threads) -c\(connections) -d\(seconds)s --latency \(url)")
            let run = try await WrkRun.run(url: url, threads: threads, connections: connections, seconds: seconds)
            guard run.failures == 0 else { throw BenchError("\(run.failures) failed requests on \(path)") }
            guard let reference = Self.django[path] else { throw BenchError("no Django figure for \(path): choose among \(Self.django.keys.sorted())") }
            let name = "GET \(path) wrk -c\(connections)"
            progress("\(name): \(Int(run.requestsPerSecond)) req/s, p50 \(Int(run.p50Microseconds)) µs, p99 \(Int(run.p99Microseconds)) µs; Django \(Int(reference.rate)) req/s")
            rows.append(BenchRow(
                name: name, ours: run.requestsPerSecond, reference: reference.rate, ratio: run.requestsPerSecond / reference.rate,
                oursP50Microseconds: run.p50Microseconds, referenceP50Microseconds: nil,
                oursP99Microseconds: run.p99Microseconds, referenceP99Microseconds: reference.p99Microseconds))
        }
        await site.stop()
        await cache.close()
        return BenchReport(suite: "page", rows: rows)
    }
}
