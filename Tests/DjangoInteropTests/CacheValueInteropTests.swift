import Foundation
import LarderCache
import LarderPickle
import LarderRedis
import NIOCore
import RedisTestSupport
import XCTest

/// Cache values written by Django itself read here, and values written here read in Django, for
/// each preset: Django's built-in `RedisCache`, django-redis (pickle, pickle + zlib, JSON) and
/// django-redis-cache (the article's), on a private Redis.
final class CacheValueInteropTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    /// One Django backend and the preset that should match it.
    struct Backend {
        let name: String
        let environment: DjangoSide.Environment
        let backend: String
        let options: String
        let database: Int
        let configuration: (String) throws -> CacheConfiguration
        /// Samples this backend can carry (JSON has no sets, tuples, bytes...).
        var samples: [String] = DjangoSamples.values.keys.sorted()
    }

    static func backends(socket: String) -> [Backend] {
        [
            Backend(
                name: "Django's RedisCache", environment: .djangoRedis, backend: "builtin", options: "", database: 0,
                configuration: { try CacheConfiguration.django(location: "unix://\($0)") }),
            Backend(
                name: "django-redis", environment: .djangoRedis, backend: "django-redis", options: "", database: 0,
                configuration: { try CacheConfiguration.djangoRedis(location: "unix://\($0)") }),
            Backend(
                name: "django-redis + zlib", environment: .djangoRedis, backend: "django-redis",
                options: #"{"COMPRESSOR": "django_redis.compressors.zlib.ZlibCompressor"}"#, database: 0,
                configuration: { try CacheConfiguration.djangoRedis(location: "unix://\($0)", compressor: ZlibCacheCompressor()) }),
            Backend(
                name: "django-redis + JSON", environment: .djangoRedis, backend: "django-redis",
                options: #"{"SERIALIZER": "django_redis.serializers.json.JSONSerializer"}"#, database: 0,
                configuration: { try CacheConfiguration.djangoRedis(location: "unix://\($0)", serializer: .json) },
                samples: ["none", "true", "false", "int", "int_negative", "int_zero", "int_64", "float", "float_negative", "str", "str_empty", "list", "dict", "long_text", "article"]),
            Backend(
                name: "django-redis-cache", environment: .djangoRedisCache, backend: "django-redis-cache", options: "", database: 1,
                configuration: { try CacheConfiguration.djangoRedisCache(location: $0) }),
        ]
    }

    func django(_ backend: Backend, socket: String) throws -> DjangoSide {
        // django-redis-cache takes the article's bare socket path; the others a URL without a DB.
        let location = backend.backend == "django-redis-cache" ? socket : "unix://\(socket)"
        var arguments = ["--backend", backend.backend, "--location", location]
        if !backend.options.isEmpty { arguments += ["--options", backend.options] }
        return try DjangoSide(environment: backend.environment, arguments: arguments)
    }

    func testEverySampleWrittenByDjangoReadsHereForEachBackend() async throws {
        let server = try await Self.redis.server()
        for backend in Self.backends(socket: server.socketPath) {
            let django = try django(backend, socket: server.socketPath)
            let items = backend.samples.map { ["key": "from-django:\($0)", "sample": $0] }
            _ = try django.run("cache-set", ["items": items])
            let configuration = try backend.configuration(server.socketPath)
            XCTAssertEqual(configuration.redis.database, backend.database, backend.name)
            try await RedisCache.withCache(configuration: configuration) { cache in
                for name in backend.samples {
                    let read = try await cache.get("from-django:\(name)", as: PickleValue.self)
                    let expected = try XCTUnwrap(DjangoSamples.values[name])
                    XCTAssertTrue(read.map { DjangoSamples.equalAsPython($0, expected) } ?? false,
                                  "\(backend.name): \(name) read as \(read.map { "\($0)" } ?? "nothing"), expected \(expected)")
                }
                let article = try await cache.get("from-django:article", as: DjangoSamples.Article.self)
                XCTAssertEqual(article, DjangoSamples.Article(name: "derington", site: "craigderington.me", visits: 26), backend.name)
            }
        }
    }

    func testEverySampleWrittenHereReadsInDjangoForEachBackend() async throws {
        let server = try await Self.redis.server()
        for backend in Self.backends(socket: server.socketPath) {
            let configuration = try backend.configuration(server.socketPath)
            try await RedisCache.withCache(configuration: configuration) { cache in
                for name in backend.samples {
                    try await cache.set("from-swift:\(name)", try XCTUnwrap(DjangoSamples.values[name]))
                }
                try await cache.set("from-swift:typed-article", DjangoSamples.Article(name: "derington", site: "craigderington.me", visits: 26))
            }
            let django = try django(backend, socket: server.socketPath)
            var items = backend.samples.map { ["key": "from-swift:\($0)", "sample": $0] }
            items.append(["key": "from-swift:typed-article", "sample": "article"])
            let reply = try django.run("cache-check", ["items": items])
            let results = try XCTUnwrap(reply["results"] as? [[String: Any]])
            XCTAssertEqual(results.count, items.count)
            for result in results where result["equal"] as? Bool != true {
                XCTFail("\(backend.name): Django read \(result["key"] ?? "?") as \(result["type"] ?? "?") \(result["repr"] ?? "?")")
            }
        }
    }

    /// An integer is stored as its digits by both sides, so `incr` on either side counts it.
    func testCountersAreSharedDigits() async throws {
        let server = try await Self.redis.server()
        for backend in Self.backends(socket: server.socketPath) {
            let configuration = try backend.configuration(server.socketPath)
            let stored = try await RedisCache.withCache(configuration: configuration) { cache in
                try await cache.set("counter", 41)
                _ = try await cache.incr("counter")
                return try await RedisConnection.withConnection(configuration: configuration.redis) { connection in
                    try await connection.send(GET(RedisKey(":1:counter")))
                }
            }
            XCTAssertEqual(stored.map { String(buffer: $0) }, "42", backend.name)
            let reply = try django(backend, socket: server.socketPath).run("cache-check", ["items": [["key": "counter", "sample": "int"]]])
            let result = try XCTUnwrap((reply["results"] as? [[String: Any]])?.first)
            XCTAssertEqual(result["repr"] as? String, "42", "\(backend.name): Django reads the counter as \(result)")
        }
    }

    /// The stored key names are Django's: `make_key` in Django gives the keys this cache writes.
    func testKeyNamesAreDjangosMakeKey() async throws {
        let server = try await Self.redis.server()
        for backend in Self.backends(socket: server.socketPath) {
            let keys = ["my_key", "article:26", "ünï"]
            let reply = try django(backend, socket: server.socketPath).run("make-key", ["keys": keys])
            XCTAssertEqual(reply["keys"] as? [String], keys.map { CacheConfiguration.djangoKey($0, "", 1) }, backend.name)
        }
    }

    /// Django's built-in backend and django-redis refuse a bare socket path; so do their presets,
    /// saying what to write instead.
    func testURLOnlyPresetsRefuseABareSocketPath() {
        for make in [{ try CacheConfiguration.django(location: "/var/run/redis/redis.sock") }, { try CacheConfiguration.djangoRedis(location: "/var/run/redis/redis.sock") }] {
            XCTAssertThrowsError(try make()) { error in
                XCTAssertTrue("\(error)".contains("unix:///var/run/redis/redis.sock?db=0"), "\(error)")
            }
        }
        XCTAssertEqual(try CacheConfiguration.djangoRedisCache(location: "/var/run/redis/redis.sock").redis.database, 1)
    }
}

/// The errors chapter 07's "What goes wrong" table quotes.
final class DjangoPresetErrorTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func testAJSONValueAndAModelInstanceReadAsTheChapterSays() async throws {
        let server = try await Self.redis.server()
        let location = "unix://\(server.socketPath)?db=0"
        try await RedisConnection.withConnection(configuration: try RedisConfiguration(url: location)) { connection in
            _ = try await connection.send(SET(":1:json", ByteBuffer(string: #"{"name":"derington"}"#)))
            // pickle.dumps(User()) for a class User in module myapp.models, protocol 5.
            let model: [UInt8] = [0x80, 0x05, 0x95, 0x1c, 0, 0, 0, 0, 0, 0, 0, 0x8c, 0x0c] + Array("myapp.models".utf8)
                + [0x94, 0x8c, 0x04] + Array("User".utf8) + [0x94, 0x93, 0x94, 0x29, 0x81, 0x94, 0x2e]
            _ = try await connection.send(SET(":1:model", ByteBuffer(bytes: model)))
        }
        try await RedisCache.withCache(configuration: try CacheConfiguration.django(location: location)) { cache in
            do {
                _ = try await cache.get("json", as: PickleValue.self)
                XCTFail("JSON read as a pickle")
            } catch {
                XCTAssertTrue("\(error)".contains("pickle: unsupportedProtocol at byte 0"), "\(error)")
            }
            do {
                _ = try await cache.get("model", as: PickleValue.self)
                XCTFail("a model instance read")
            } catch {
                XCTAssertTrue("\(error)".contains("pickle: forbiddenGlobal at byte 33, STACK_GLOBAL (0x93): myapp.models User is not allow-listed"), "\(error)")
            }
        }
    }
}
