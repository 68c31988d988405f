import LarderCache
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOPosix
import LarderRedis
import RedisTestSupport

/// `bench cache`: get and set of the article's `my-key` value through `RedisCache` (JSON
/// encoding, key function, pool) beside the raw client sending the same bytes with the same
/// commands, on one private server, interleaved.
struct CacheSuite {
    var operations: Int
    var concurrency: [Int]
    /// Rounds per row, raw and cache alternating; the row reports the medians. Figures on a
    /// shared 2-core machine move 20-60 % between runs, so one round can mislead.
    var repeats: Int
    var progress: (String) -> Void

    struct ArticleValue: Codable, Equatable, Sendable {
        var aString = "this is a simple string"
        var anInteger = 123
        var oneList = [9, 10, 11, 12, 13]
        var thisTuple = [1, 2, 3, 4]
        var myDict = ["a": 26, "b": 25, "c": 24]
    }

    func run() async throws -> BenchReport {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let redis = server.configuration(database: 1)
        var rows: [BenchRow] = []
        for tasks in concurrency {
            // Both on the cache's default client: one connection per event loop, shared.
            let cache = RedisCache(configuration: CacheConfiguration(redis: redis))
            let raw = RedisMultiplexer(configuration: redis)
            let value = ArticleValue()
            let bytes = ByteBuffer(data: try JSONCacheSerializer().encode(value))
            let key = RedisKey(":1:my-key")

            for operation in ["set", "get"] {
                var rawRates: [Double] = []
                var cacheRates: [Double] = []
                for _ in 0..<repeats {
                    rawRates.append(
                        try await measure(tasks: tasks) {
                            if operation == "set" {
                                _ = try await raw.send(SET(key, bytes, expiration: .seconds(300)))
                            } else {
                                guard try await raw.send(GET(key)) != nil else { throw BenchError("raw GET missed") }
                            }
                        })
                    cacheRates.append(
                        try await measure(tasks: tasks) {
                            if operation == "set" {
                                try await cache.set("my-key", value)
                            } else {
                                // Decoded in full; compared with the value once, below, not
                                // in the timed loop (the raw side compares nothing either).
                                guard try await cache.get("my-key", as: ArticleValue.self) != nil else { throw BenchError("cache get missed") }
                            }
                        })
                }
                guard try await cache.get("my-key", as: ArticleValue.self) == value else {
                    throw BenchError("the cache returned another value than the one it was given")
                }
                let rawRate = rawRates.sorted()[repeats / 2]
                let cacheRate = cacheRates.sorted()[repeats / 2]
                let name = "\(operation) my-key tasks=\(tasks)"
                progress("\(name): cache \(Int(cacheRate)) ops/s, raw client \(Int(rawRate)) ops/s, ratio \(String(format: "%.2f", cacheRate / rawRate))")
                rows.append(BenchRow(name: name, ours: cacheRate, reference: rawRate, ratio: cacheRate / rawRate))
            }
            await cache.close()
            await raw.close()
        }
        return BenchReport(suite: "cache", rows: rows)
    }

    /// Allocations per set and per get of the article's value, cache beside raw client, one
    /// task (the interposer must be preloaded: see ``AllocationCount``).
    func countAllocations() async throws -> BenchReport {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let redis = server.configuration(database: 1)
        let cache = RedisCache(configuration: CacheConfiguration(redis: redis))
        let raw = RedisMultiplexer(configuration: redis)
        let value = ArticleValue()
        let bytes = ByteBuffer(data: try JSONCacheSerializer().encode(value))
        let key = RedisKey(":1:my-key")
        var rows: [BenchRow] = []
        for operation in ["set", "get"] {
            let rawCount = try await AllocationCount.perCall {
                if operation == "set" {
                    _ = try await raw.send(SET(key, bytes, expiration: .seconds(300)))
                } else {
                    guard try await raw.send(GET(key)) != nil else { throw BenchError("raw GET missed") }
                }
            }
            let cacheCount = try await AllocationCount.perCall {
                if operation == "set" {
                    try await cache.set("my-key", value)
                } else {
                    guard try await cache.get("my-key", as: ArticleValue.self) != nil else { throw BenchError("cache get missed") }
                }
            }
            rows.append(BenchRow(name: "allocations per \(operation) my-key", ours: cacheCount, reference: rawCount, ratio: cacheCount / rawCount))
        }
        await cache.close()
        await raw.close()
        return BenchReport(suite: "cache-allocations", rows: rows)
    }

    /// Operations per second of `operation` run `operations` times by `tasks` concurrent tasks.
    func measure(tasks: Int, _ operation: @escaping @Sendable () async throws -> Void) async throws -> Double {
        let perTask = max(1, operations / tasks)
        for _ in 0..<min(200, perTask) { try await operation() }  // warm up connections and caches
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask { for _ in 0..<perTask { try await operation() } }
            }
            try await group.waitForAll()
        }
        return Double(perTask * tasks) / (ContinuousClock.now - started).seconds
    }
}
