import Foundation
import LarderCache
import LarderRedis
import LarderSessions
import NIOCore
import RedisTestSupport
import XCTest

/// Sessions written by Django itself read here, and sessions written here read in Django, for
/// every engine: `cache` (Django's `RedisCache`), `cached_db` and `db` (one `django_session`
/// table in SQLite) and the standalone Redis store (django-redis-sessions), with the session
/// payload compressed where Django compresses it, `_session_expiry` kept, and
/// `SECRET_KEY_FALLBACKS` honoured.
final class SessionInteropTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    static let secret = "django-insecure-interop-test-secret"
    static let engines = ["cache", "cached_db", "db", "redis"]

    /// A session big enough that Django compresses its payload, and one too small to.
    static let bigSession: [String: any Sendable] = [
        "_auth_user_id": "42", "cart": Array(repeating: "book", count: 60), "visits": 3, "name": "derington",
    ]
    static let smallSession: [String: any Sendable] = ["count": 2]

    struct Sides {
        let django: DjangoSide
        let store: any SessionStore
        let close: @Sendable () async -> Void
    }

    /// Django and the Swift store of `engine` over the same Redis (DB 0) and SQLite file.
    func sides(_ engine: String, server: PrivateRedisServer, folder: URL, secret: String = secret, fallbacks: [String] = []) async throws -> Sides {
        let database = folder.appendingPathComponent("db.sqlite3").path
        var arguments = [
            "--location", "unix://\(server.socketPath)?db=0", "--database", database, "--secret", secret,
            "--session-socket", server.socketPath, "--session-db", "0",
        ]
        for fallback in fallbacks { arguments += ["--fallback", fallback] }
        let django = try DjangoSide(environment: .djangoRedis, arguments: arguments)
        // Django makes the django_session table (its migration), as in a real project.
        _ = try django.run("session-save", ["engine": "db", "data": ["setup": true]])
        let signer = try SessionSigner(secret: secret, fallbackSecrets: fallbacks)
        let cache = RedisCache(configuration: try CacheConfiguration.django(location: "unix://\(server.socketPath)?db=0"))
        let sql = try DatabaseSessionStore(path: database, signer: signer)
        let store: any SessionStore
        switch engine {
        case "cache": store = try CacheSessionStore(cache: cache)
        case "cached_db": store = CachedDatabaseSessionStore(database: sql, cache: cache)
        case "db": store = sql
        default: store = try await RedisSessionStore.connect(configuration: try RedisSessionConfiguration(socketPath: server.socketPath), signer: signer)
        }
        return Sides(django: django, store: store, close: { await cache.close(); await (store as? RedisSessionStore)?.close() })
    }

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("django-sessions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    func testASessionDjangoSavedReadsHereOnEveryEngine() async throws {
        let server = try await Self.redis.server()
        for engine in Self.engines {
            for data in [Self.bigSession, Self.smallSession] {
                let sides = try await sides(engine, server: server, folder: try temporaryFolder())
                let reply = try sides.django.run("session-save", ["engine": engine, "data": data])
                let key = try XCTUnwrap(reply["session_key"] as? String)
                let loaded = try await sides.store.load(key: key)
                await sides.close()
                let expected = try Self.sessionData(data)
                XCTAssertEqual(loaded, expected, "\(engine): Django's session \(key) read as \(String(describing: loaded))")
            }
        }
    }

    func testASessionSavedHereReadsInDjangoOnEveryEngine() async throws {
        let server = try await Self.redis.server()
        for engine in Self.engines {
            for data in [Self.bigSession, Self.smallSession] {
                let sides = try await sides(engine, server: server, folder: try temporaryFolder())
                let key = SessionKey.generate()
                let created = try await sides.store.create(key: key, data: try Self.sessionData(data), age: 1_209_600)
                await sides.close()
                XCTAssertTrue(created, engine)
                let reply = try sides.django.run("session-load", ["engine": engine, "session_key": key])
                XCTAssertEqual(reply["exists"] as? Bool, true, "\(engine): \(reply)")
                let read = try XCTUnwrap(reply["data"] as? [String: Any])
                XCTAssertEqual(try Self.sessionData(read), try Self.sessionData(data), "\(engine): Django read \(read)")
            }
        }
    }

    /// `set_expiry` in Django (an int, a datetime) is kept by a write here, and one set here
    /// is Django's: the same expiry age on both sides.
    func testSessionExpiryCrossesBothWays() async throws {
        let server = try await Self.redis.server()
        for engine in Self.engines {
            let sides = try await sides(engine, server: server, folder: try temporaryFolder())
            let reply = try sides.django.run("session-save", ["engine": engine, "data": ["count": 1], "expiry": 600])
            let key = try XCTUnwrap(reply["session_key"] as? String)
            var data = try await XCTUnwrapAsync(try await sides.store.load(key: key), engine)
            XCTAssertEqual(data.expiry, .seconds(600), engine)
            try data.set("count", 2)
            _ = try await sides.store.update(key: key, data: data, age: data.expiryAge(cookieAge: 1_209_600))
            let absolute = Date().addingTimeInterval(3_600)
            var mine = DjangoSessionData()
            try mine.set("count", 5)
            mine.expiry = .date(absolute)
            let myKey = SessionKey.generate()
            _ = try await sides.store.create(key: myKey, data: mine, age: mine.expiryAge(cookieAge: 1_209_600))
            await sides.close()
            let back = try sides.django.run("session-load", ["engine": engine, "session_key": key])
            XCTAssertEqual((back["data"] as? [String: Any])?["count"] as? Int, 2, "\(engine): \(back)")
            XCTAssertEqual(back["expiry_age"] as? Int, 600, "\(engine): \(back)")
            let theirs = try sides.django.run("session-load", ["engine": engine, "session_key": myKey])
            let age = try XCTUnwrap(theirs["expiry_age"] as? Int, "\(engine): \(theirs)")
            XCTAssertTrue((3_590...3_600).contains(age), "\(engine): Django reads the absolute expiry as \(age) s")
            XCTAssertEqual(theirs["expiry_type"] as? String, "str", "Django keeps a datetime expiry as its ISO-8601 string")
        }
    }

    /// A session Django signed with the secret now in `SECRET_KEY_FALLBACKS` still reads here
    /// when the signer lists it as a fallback, and not without.
    func testAnOldSecretReadsOnlyAsAFallback() async throws {
        let server = try await Self.redis.server()
        let folder = try temporaryFolder()
        let old = try await sides("redis", server: server, folder: folder, secret: "old-secret")
        let key = try XCTUnwrap(try old.django.run("session-save", ["engine": "redis", "data": Self.bigSession])["session_key"] as? String)
        await old.close()
        let rotated = try await sides("redis", server: server, folder: folder, secret: "new-secret", fallbacks: ["old-secret"])
        let withFallback = try await rotated.store.load(key: key)
        await rotated.close()
        let withoutFallback = try await sides("redis", server: server, folder: folder, secret: "new-secret")
        let unreadable = try await withoutFallback.store.load(key: key)
        await withoutFallback.close()
        XCTAssertEqual(withFallback, try Self.sessionData(Self.bigSession))
        XCTAssertNil(unreadable, "a session signed with a secret the signer does not list must not read")
    }

    /// With django-redis and its zlib compressor, Django compresses a cache-engine session's
    /// pickled dict like any value; the same preset here reads and writes that form.
    func testCacheEngineSessionsThroughDjangoRedisWithZlibCrossBothWays() async throws {
        let server = try await Self.redis.server()
        let django = try DjangoSide(environment: .djangoRedis, arguments: [
            "--backend", "django-redis", "--location", "unix://\(server.socketPath)?db=0",
            "--options", #"{"COMPRESSOR": "django_redis.compressors.zlib.ZlibCompressor"}"#,
        ])
        let theirs = try XCTUnwrap(try django.run("session-save", ["engine": "cache", "data": Self.bigSession])["session_key"] as? String)
        let configuration = try CacheConfiguration.djangoRedis(location: "unix://\(server.socketPath)?db=0", compressor: ZlibCacheCompressor())
        let mine = SessionKey.generate()
        let (read, stored) = try await RedisCache.withCache(configuration: configuration) { cache in
            let store = try CacheSessionStore(cache: cache)
            let read = try await store.load(key: theirs)
            _ = try await store.create(key: mine, data: try Self.sessionData(Self.bigSession), age: 1_209_600)
            let stored = try await RedisConnection.withConnection(configuration: configuration.redis) { connection in
                try await connection.send(GET(RedisKey(":1:" + CacheSessionStore.cacheKey(mine))))
            }
            return (read, stored)
        }
        XCTAssertEqual(read, try Self.sessionData(Self.bigSession))
        XCTAssertEqual(stored?.readableBytesView.first, 0x78, "the session is stored zlib-compressed, as django-redis stores it")
        let back = try django.run("session-load", ["engine": "cache", "session_key": mine])
        XCTAssertEqual(try Self.sessionData(try XCTUnwrap(back["data"] as? [String: Any])), try Self.sessionData(Self.bigSession), "\(back)")
    }

    /// JSON from either side as session data, through the JSON Django's session serializer writes.
    static func sessionData(_ object: [String: Any]) throws -> DjangoSessionData {
        let json = try JSONSerialization.data(withJSONObject: object)
        return try XCTUnwrap(DjangoSessionData(json: [UInt8](json)))
    }
}

/// `XCTUnwrap` for an optional an `await` produces.
func XCTUnwrapAsync<T>(_ value: @autoclosure () async throws -> T?, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    let result = try await value()
    return try XCTUnwrap(result, message, file: file, line: line)
}
