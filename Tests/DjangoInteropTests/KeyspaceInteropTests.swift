import LarderKeyspace
import LarderPickle
import LarderRedis
import RedisTestSupport
import XCTest

/// The keyspace inspector (`swift run keyspace describe`) shows what Django wrote decoded: a
/// pickled cache value, a zlib-compressed one (django-redis), and a session whose signed
/// payload Django compressed (django-redis-sessions).
final class KeyspaceInteropTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func testDjangosPickledValuesAndCompressedSessionsAreShownDecoded() async throws {
        let server = try await Self.redis.server()
        let builtin = try DjangoSide(environment: .djangoRedis, arguments: ["--location", "unix://\(server.socketPath)?db=0"])
        _ = try builtin.run("cache-set", ["items": [["key": "article", "sample": "article"]]])
        let zlib = try DjangoSide(environment: .djangoRedis, arguments: [
            "--backend", "django-redis", "--location", "unix://\(server.socketPath)?db=0",
            "--options", #"{"COMPRESSOR": "django_redis.compressors.zlib.ZlibCompressor"}"#,
        ])
        _ = try zlib.run("cache-set", ["items": [["key": "long", "sample": "long_text"]]])
        let sessions = try DjangoSide(environment: .djangoRedis, arguments: [
            "--location", "unix://\(server.socketPath)?db=0", "--session-socket", server.socketPath, "--session-db", "0",
        ])
        let cart = Array(repeating: "book", count: 60)
        let key = try XCTUnwrap(try sessions.run("session-save", ["engine": "redis", "data": ["cart": cart]])["session_key"] as? String)

        let inspector = KeyspaceInspector(configuration: server.configuration(database: 0))
        let described = try await inspector.describe([":1:article", ":1:long", RedisKey(key)], database: 0)
        XCTAssertEqual(described.count, 3)
        XCTAssertEqual(described[0].value, .pickle(DjangoSamples.article, compressed: false))
        XCTAssertEqual(described[0].value.summary(), "pickle {'name': 'derington', 'site': 'craigderington.me', 'visits': 26}")
        guard case .pickle(.string(let text), compressed: true) = described[1].value else {
            return XCTFail("django-redis's zlib value shown as \(described[1].value.summary())")
        }
        XCTAssertEqual(text.count, 4_500)
        guard case .signedSession(let session) = described[2].value else {
            return XCTFail("the compressed session shown as \(described[2].value.summary())")
        }
        XCTAssertTrue(session.isCompressed, "Django compresses a session this size")
        XCTAssertEqual(session.json, #"{"cart":[\#(cart.map { "\"\($0)\"" }.joined(separator: ","))]}"#)
        XCTAssertTrue(described[2].value.summary().hasPrefix(#"signed session (zlib) {"cart":["book","#), described[2].value.summary())
    }
}
