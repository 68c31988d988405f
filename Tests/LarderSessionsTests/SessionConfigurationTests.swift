import LarderCache
import Foundation
import LarderRedis
import RedisTestSupport
import LarderSessions
import XCTest

/// Start-up checks: an unusable session configuration is an error before the first request,
/// never a silent fallback to TCP.
final class SessionConfigurationTests: XCTestCase {
    let signer = try! SessionSigner(secret: "chapter-05-test-secret")

    func assertInvalidConfiguration(_ error: any Error, mentions text: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let error = error as? SessionError, error.code == .invalidConfiguration, let message = error.reason else {
            return XCTFail("not invalidConfiguration: \(error)", file: file, line: line)
        }
        XCTAssertTrue(message.contains(text), message, file: file, line: line)
    }

    func testTheArticlesFlatSettingNamesTheSocket() throws {
        let configuration = try RedisSessionConfiguration(settings: ["SESSION_REDIS_UNIX_DOMAIN_SOCKET_PATH": "/var/run/redis/redis.sock"])
        XCTAssertEqual(configuration.socketPath, "/var/run/redis/redis.sock")
        XCTAssertEqual(configuration.database, 0)
        XCTAssertEqual(configuration.prefix, "")
    }

    func testTheStoreGivesUpOnRedisAfterTheRequestTimeoutOrTheSocketTimeoutSetting() throws {
        let socket = "/var/run/redis/redis.sock"
        let defaults = try RedisSessionConfiguration(socketPath: socket)
        XCTAssertEqual(defaults.redisTimeout, .milliseconds(250))
        XCTAssertEqual(defaults.redis.commandTimeout, .milliseconds(250))
        XCTAssertEqual(defaults.redis.connectTimeout, .milliseconds(250))
        let flat = try RedisSessionConfiguration(settings: ["SESSION_REDIS_UNIX_DOMAIN_SOCKET_PATH": socket, "SESSION_REDIS_SOCKET_TIMEOUT": "0.1"])
        XCTAssertEqual(flat.redis.commandTimeout, .milliseconds(100))
        for invalid in ["0", "-1", "soon", "nan", "7200"] {
            XCTAssertThrowsError(
                try RedisSessionConfiguration(settings: ["SESSION_REDIS_UNIX_DOMAIN_SOCKET_PATH": socket, "SESSION_REDIS_SOCKET_TIMEOUT": invalid])
            ) { assertInvalidConfiguration($0, mentions: "SESSION_REDIS_SOCKET_TIMEOUT '\(invalid)'") }
        }
        XCTAssertThrowsError(try RedisSessionConfiguration(socketPath: socket, redisTimeout: .zero)) {
            assertInvalidConfiguration($0, mentions: "not positive")
        }
    }

    func testNoSocketIsAnErrorNotATCPFallback() {
        XCTAssertThrowsError(try RedisSessionConfiguration(settings: [:])) { assertInvalidConfiguration($0, mentions: "never falls back to TCP") }
        XCTAssertThrowsError(try RedisSessionConfiguration(settings: ["SESSION_REDIS_HOST": "localhost", "SESSION_REDIS_PORT": "6379"])) {
            assertInvalidConfiguration($0, mentions: "SESSION_REDIS_HOST")
        }
        XCTAssertThrowsError(try RedisSessionConfiguration(socketPath: "redis.sock")) { assertInvalidConfiguration($0, mentions: "absolute") }
        XCTAssertThrowsError(try RedisSessionConfiguration(socketPath: "")) { assertInvalidConfiguration($0, mentions: "absolute") }
    }

    func testAMissingSocketFailsAtStartUp() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-redis-\(UUID().uuidString.prefix(8)).sock").path
        let started = ContinuousClock.now
        do {
            _ = try await RedisSessionStore.connect(configuration: try RedisSessionConfiguration(socketPath: missing), signer: signer)
            XCTFail("connected to a socket that does not exist")
        } catch {
            assertInvalidConfiguration(error, mentions: missing)
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(3))
    }

    func testADatabaseTheServerLacksFailsAtStartUp() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        do {
            _ = try await RedisSessionStore.connect(configuration: try RedisSessionConfiguration(socketPath: server.socketPath, database: 99), signer: signer)
            XCTFail("connected to DB 99 of a 16-database server")
        } catch {
            assertInvalidConfiguration(error, mentions: "DB 99")
        }
    }

    func testTheCacheEngineRefusesAFailOpenCache() {
        var configuration = CacheConfiguration()
        configuration.failureMode = .failOpen
        let cache = RedisCache(configuration: configuration)
        XCTAssertThrowsError(try CacheSessionStore(cache: cache)) { assertInvalidConfiguration($0, mentions: "fail-closed") }
    }
}
