import Exercises
import Foundation
import Guide
import Hummingbird
import LarderCache
import LarderKeyspace
import LarderRedis
import LarderSessions
import LarderWebCache
import Logging
import NIOCore
import RedisTestSupport
import WebTestSupport

/// The guide's exercises, rustlings-style: each is a small piece of code in
/// `Sources/Exercises/` that starts out wrong, and a check that runs it for real on a private
/// `redis-server` (never yours). `swift run guide exercises` runs the checks on your code; the
/// tests run them on a reference answer (which must pass) and on the starting code (which must
/// fail), so each check can tell the two apart.
public enum Exercises {
    /// One exercise: its chapter, what to do, where, and its check on the reader's code.
    public struct Exercise: Sendable {
        /// The chapter it belongs to.
        public let chapter: Int
        /// What it asks, in a line.
        public let title: String
        /// The file to edit.
        public let file: String
        /// Runs the reader's code; returns what it saw, or throws a ``StepFailure`` saying what is
        /// still wrong.
        public let check: @Sendable () async throws -> String
    }

    /// Every exercise, each checking the code in `Sources/Exercises/` as it is now.
    public static func all() -> [Exercise] {
        [
            Exercise(chapter: 3, title: "one cached copy of /plain per visitor's cookie", file: "Sources/Exercises/Exercise03VaryOnCookie.swift") {
                try await checkVaryOnCookie(headers: VaryOnCookieExercise.headers)
            },
            Exercise(chapter: 4, title: "a counter Redis can INCR, gone within a minute", file: "Sources/Exercises/Exercise04Counter.swift") {
                try await checkCounter(start: CounterExercise.start)
            },
            Exercise(chapter: 5, title: "sessions that survive FLUSHALL", file: "Sources/Exercises/Exercise05SurvivingSessions.swift") {
                try await checkSurvivingSessions(store: SurvivingSessionsExercise.store)
            },
            Exercise(chapter: 6, title: "the biggest key of a database, found with SCAN", file: "Sources/Exercises/Exercise06BiggestKey.swift") {
                try await checkBiggestKey(answer: BiggestKeyExercise.biggestKey)
            },
            Exercise(chapter: 7, title: "read a value a Django app cached", file: "Sources/Exercises/Exercise07DjangoValue.swift") {
                try await checkDjangoValue(configuration: DjangoValueExercise.configuration)
            },
        ]
    }

    // MARK: The checks

    /// Two visitors with different cookies request `/plain` through the site-wide cache; the
    /// page must be stored once per cookie.
    public static func checkVaryOnCookie(headers: @escaping @Sendable () -> HTTPFields) async throws -> String {
        try await withServer { server in
            try await RedisCache.withCache(configuration: quiet(CacheConfiguration(redis: server.configuration(database: 1)))) { cache in
                let pageCache = PageCache(cache: cache, configuration: PageCacheConfiguration(logger: .chapterQuiet("exercises")))
                let router = Router()
                router.addSiteWideCache(pageCache)
                router.get("/plain") { _, _ in Response(status: .ok, headers: headers(), body: .init(byteBuffer: ByteBuffer(string: "<p>plain</p>"))) }
                let site = try await RunningSite.start(router, port: 0, logger: .chapterQuiet("exercises"))
                do {
                    let client = LoopbackHTTPClient(port: site.port)
                    _ = try await client.get("/plain", headers: [("Cookie", "visitor=alice")])
                    _ = try await client.get("/plain", headers: [("Cookie", "visitor=bob")])
                    await site.stop()
                } catch {
                    await site.stop()
                    throw error
                }
            }
            let keys = try await rawKeys(server, database: 1, matching: "*cache_page*")
            guard keys.count == 2 else {
                throw StepFailure(
                    "\(keys.count) page key\(keys.count == 1 ? "" : "s") for two visitors with different cookies: \(keys.joined(separator: ", "))",
                    fix: "the response must say it varies on the Cookie header (chapter 03, \"What is cached\")")
            }
            return "two page keys for two cookies: \(keys.map { String($0.suffix(50)) }.joined(separator: ", "))"
        }
    }

    /// `start` stores `visits`; it must be an integer Redis can count, expiring within 60 s.
    public static func checkCounter(start: @escaping @Sendable (RedisCache) async throws -> Void) async throws -> String {
        try await withServer { server in
            let configuration = quiet(CacheConfiguration(redis: server.configuration(database: 1)))
            try await RedisCache.withCache(configuration: configuration) { cache in try await start(cache) }
            let (encoding, ttl) = try await RedisConnection.withConnection(configuration: server.configuration(database: 1)) { redis in
                (try await redis.send(OBJECT.ENCODING(":1:visits")), try await redis.send(PTTL(":1:visits")))
            }
            guard encoding == "int" else {
                throw StepFailure("Redis holds :1:visits as \(encoding ?? "nothing"), not an integer: INCR would refuse it", fix: "store an Int, not a String (chapter 04, \"set and get\")")
            }
            guard case .expires(let remaining) = ttl, remaining <= .seconds(60) else {
                throw StepFailure("the key's TTL is \(ttl), not 60 s or less", fix: "give set a timeout (chapter 04: `timeout: .seconds(60)`)")
            }
            let next = try await RedisCache.withCache(configuration: configuration) { cache in try await cache.incr("visits") }
            return "an integer (encoding int), TTL \(remaining.components.seconds) s, incr → \(next)"
        }
    }

    /// `store` keeps a session; after `FLUSHALL` it must still read.
    public static func checkSurvivingSessions(
        store makeStore: @escaping @Sendable (RedisCache, SessionSigner, String) throws -> any SessionStore
    ) async throws -> String {
        try await withServer { server in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exercise-05-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let key = SessionKey.generate()
            let after: DjangoSessionData? = try await RedisCache.withCache(configuration: quiet(CacheConfiguration(redis: server.configuration(database: 1)))) { cache in
                let store = try makeStore(cache, try SessionSigner(secret: "exercise-05"), folder.appendingPathComponent("db.sqlite3").path)
                var data = DjangoSessionData()
                try data.set("_auth_user_id", "42")
                _ = try await store.create(key: key, data: data, age: 1_209_600)
                for database in [0, 1] {
                    _ = try await RedisConnection.withConnection(configuration: server.configuration(database: database)) { redis in try await redis.send(FLUSHDB()) }
                }
                return try await store.load(key: key)
            }
            guard after?["_auth_user_id"] == .string("42") else {
                throw StepFailure("after FLUSHALL the session is \(after.map { "\($0.values)" } ?? "gone"): the visitor is logged out", fix: "keep the session where FLUSHALL cannot reach it (chapter 05's survival table)")
            }
            return "after FLUSHALL the session is still there (_auth_user_id 42)"
        }
    }

    /// `answer` names the biggest key of a database holding keys of known sizes.
    public static func checkBiggestKey(answer: @escaping @Sendable (KeyspaceInspector, Int) async throws -> RedisKey?) async throws -> String {
        try await withServer { server in
            try await RedisConnection.withConnection(configuration: server.configuration(database: 3)) { redis in
                for index in 0..<300 {
                    _ = try await redis.send(SET(RedisKey("small:\(index)"), ByteBuffer(string: String(repeating: "x", count: index % 50))))
                }
                _ = try await redis.send(SET("the-big-one", ByteBuffer(string: String(repeating: "y", count: 20_000))))
            }
            let found = try await answer(KeyspaceInspector(configuration: server.configuration()), 3)
            guard found == "the-big-one" else {
                throw StepFailure("found \(found.map { "\($0)" } ?? "nothing") among 301 keys", fix: "page through the database with inspector.page(database:cursor:) and compare memoryBytes")
            }
            return "found the-big-one among 301 keys"
        }
    }

    /// Django caches the article; `configuration(location)` must read it as Django wrote it.
    public static func checkDjangoValue(configuration: @escaping @Sendable (String) throws -> CacheConfiguration) async throws -> String {
        try await withServer { server in
            let location = "unix://\(server.socketPath)?db=0"
            _ = try DjangoSide(environment: .djangoRedis, arguments: ["--location", location])
                .run("cache-set", ["items": [["key": "article", "sample": "article"]]])
            struct Article: Codable, Equatable {
                var name: String
                var site: String
                var visits: Int
            }
            let read: Article?
            do {
                read = try await RedisCache.withCache(configuration: quiet(try configuration(location))) { cache in
                    try await cache.get("article", as: Article.self)
                }
            } catch {
                throw StepFailure("reading Django's value failed: \(error)", fix: "configure the cache as Django's RedisCache stores values (chapter 07)")
            }
            guard read == Article(name: "derington", site: "craigderington.me", visits: 26) else {
                throw StepFailure("read \(read.map { "\($0)" } ?? "nothing")", fix: "the same database and keys as the Django app (chapter 07)")
            }
            return "read Article(name: \"derington\", site: \"craigderington.me\", visits: 26)"
        }
    }

    // MARK: Helpers

    /// Runs `body` with a private redis-server, stopped and removed afterwards however it ends.
    static func withServer<Result>(_ body: (PrivateRedisServer) async throws -> Result) async throws -> Result {
        let server = try await PrivateRedisServer.start()
        do {
            let result = try await body(server)
            server.shutDownAndRemove()
            return result
        } catch {
            server.shutDownAndRemove()
            throw error
        }
    }

    static func quiet(_ configuration: CacheConfiguration) -> CacheConfiguration {
        var configuration = configuration
        configuration.logger = .chapterQuiet("exercises")
        return configuration
    }

    static func rawKeys(_ server: PrivateRedisServer, database: Int, matching pattern: String) async throws -> [String] {
        try await RedisConnection.withConnection(configuration: server.configuration(database: database)) { redis in
            var keys: [String] = []
            for try await key in redis.scan(match: pattern) { keys.append(key.description) }
            return keys.sorted()
        }
    }
}
