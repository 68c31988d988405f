import LarderCache
import Foundation
import Guide
import Logging
import NIOCore
import LarderRESP
import LarderRedis
/// Chapter 04: the low-level cache API, the article's calls in its order (chapters/04-cache-api.md).
public enum CacheAPI {
    /// The keys this chapter writes, as the cache names them (`--clean` deletes exactly these).
    public static let keys = ["craig", "a", "b", "c", "my-key"]

    /// The article's `my-key` value. A Swift tuple is not `Codable`, so the article's
    /// `(1, 2, 3, 4)` becomes a fixed-size array.
    // snippet: article-value
    struct ArticleValue: Codable, Equatable {
        var aString: String
        var anInteger: Int
        var oneList: [Int]
        var thisTuple: [Int]  // the article's (1, 2, 3, 4)
        var myDict: [String: Int]
    }
    // snippet: end

    /// The chapter's steps, in the article's order.
    public static func chapter(_ settings: GuideSettings = GuideSettings()) -> Chapter {
        let location = "\(settings.url)?db=1"
        return Chapter(
            number: 4, name: "cache-api", title: "The low-level cache API",
            steps: [
                Step("cache.set(\"craig\", \"derington\")") { log in
                    try await withCache(location) { cache in
                        // snippet: cache-set
                        try await cache.set("craig", "derington")
                        // snippet: end
                        log.show("stored under :1:craig in DB 1, for the default 300 s")
                    }
                },
                Step("cache.get(\"craig\")") { log in
                    try await withCache(location) { cache in
                        // snippet: cache-get
                        let name = try await cache.get("craig", as: String.self)
                        // snippet: end
                        log.show("→ \(name.map { "\"\($0)\"" } ?? "nil")")
                        guard name == "derington" else { throw StepFailure("read back \(String(describing: name))", fix: "run the chapter again; is another program writing :1:craig?") }
                    }
                },
                Step("cache.setMany([\"a\": 1, \"b\": 2, \"c\": 3])") { log in
                    try await withCache(location) { cache in
                        // snippet: cache-set-many
                        let failed = try await cache.setMany(["a": 1, "b": 2, "c": 3])
                        // snippet: end
                        log.show("failed keys: \(failed)   (one pipeline: SET :1:a 1 EX 300, ... in one write)")
                    }
                },
                Step("cache.getMany([\"a\", \"b\", \"c\"])") { log in
                    try await withCache(location) { cache in
                        // snippet: cache-get-many
                        let numbers = try await cache.getMany(["a", "b", "c"], as: Int.self)
                        // snippet: end
                        log.show("→ \(numbers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))   (one MGET)")
                        guard numbers == ["a": 1, "b": 2, "c": 3] else { throw StepFailure("read back \(numbers)", fix: "run the chapter again") }
                    }
                },
                Step("cache.set(\"my-key\", ...) with a string, an integer, a list, a tuple and a dictionary") { log in
                    try await withCache(location) { cache in
                        // snippet: cache-set-structured
                        let value = ArticleValue(
                            aString: "this is a simple string",
                            anInteger: 123,
                            oneList: [9, 10, 11, 12, 13],
                            thisTuple: [1, 2, 3, 4],
                            myDict: ["a": 26, "b": 25, "c": 24])
                        try await cache.set("my-key", value)
                        let readBack = try await cache.get("my-key", as: ArticleValue.self)
                        // snippet: end
                        log.show("→ \(readBack.map { "\($0)" } ?? "nil")")
                        guard readBack == value else { throw StepFailure("the value read back differs", fix: "run the chapter again") }
                    }
                },
                Step("the keys as Redis holds them") { log in
                    // snippet: raw-keys
                    let raw = try RedisConfiguration(url: location)
                    try await RedisConnection.withConnection(configuration: raw) { redis in
                        for key in [":1:craig", ":1:a", ":1:b", ":1:c", ":1:my-key"] {
                            let ttl = try await redis.send(PTTL(RedisKey(key)))
                            let encoding = try await redis.send(OBJECT.ENCODING(RedisKey(key))) ?? "-"
                            let value = try await redis.send(GET(RedisKey(key))).map { String(buffer: $0) } ?? "(nil)"
                            log.show("\(key.padding(toLength: 10))  TTL \(ttl.seconds.padding(toLength: 5))  \(encoding.padding(toLength: 7))  \(value)")
                        }
                    }
                    // snippet: end
                    try await RedisConnection.withConnection(configuration: raw) { redis in
                        let encoding = try await redis.send(OBJECT.ENCODING(":1:a"))
                        log.record("encoding-a", encoding ?? "")
                        if case .expires(let remaining) = try await redis.send(PTTL(":1:craig")) {
                            log.record("ttl-craig", "\(remaining.components.seconds)")
                        }
                    }
                },
            ])
    }

    /// Deletes exactly the keys the chapter wrote, and nothing else.
    public static func clean(_ settings: GuideSettings = GuideSettings()) async throws -> Int {
        try await withCache("\(settings.url)?db=1") { cache in
            var deleted = 0
            for key in keys where try await cache.delete(key) { deleted += 1 }
            return deleted
        }
    }

    /// Runs `body` with the chapter's cache on `location`, and closes the cache (awaited) however
    /// `body` ends. By default its logger drops the cache's warnings: a step that fails prints
    /// the error itself, and `cache backend unreachable` on stderr only repeated it.
    static func withCache<Result>(
        _ location: String, logger: Logger = .chapterQuiet("cache-api"), _ body: (RedisCache) async throws -> Result
    ) async throws -> Result {
        // snippet: cache-configuration
        var configuration = try CacheConfiguration(location: location)  // unix:///var/run/redis/redis.sock?db=1
        configuration.logger = logger
        return try await RedisCache.withCache(configuration: configuration) { cache in
            try await body(cache)  // the step's calls; the cache is closed when they end, or throw
        }
        // snippet: end
    }
}

extension CacheAPI.ArticleValue: CustomStringConvertible {
    /// As Swift prints a struct, with `myDict` in key order: a dictionary's own order changes
    /// from run to run, and the chapter shows this line.
    var description: String {
        let dict = myDict.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
        return "ArticleValue(aString: \"\(aString)\", anInteger: \(anInteger), oneList: \(oneList), thisTuple: \(thisTuple), myDict: [\(dict)])"
    }
}

extension TimeToLive {
    /// `TTL`'s reading in whole seconds: `-2` missing, `-1` never expires.
    var seconds: String {
        switch self {
        case .missing: "-2"
        case .persistent: "-1"
        case .expires(let remaining): "\(remaining.components.seconds)"
        }
    }
}
