import LarderCache
import LarderRedis
import XCTest

final class CacheConfigurationTests: XCTestCase {
    func testDjangosDefaults() {
        let configuration = CacheConfiguration()
        XCTAssertEqual(configuration.defaultTimeout, 300)
        XCTAssertEqual(configuration.keyPrefix, "")
        XCTAssertEqual(configuration.version, 1)
        XCTAssertEqual(configuration.keyFunction("my_key", "", 1), ":1:my_key")
        XCTAssertEqual(configuration.redis.endpoint, .unixSocket(path: "/var/run/redis/redis.sock"))
        XCTAssertEqual(configuration.redis.database, 1, "the article's cache lives in DB 1")
        XCTAssertEqual(configuration.failureMode, .failClosed)
    }

    func testALocationWithoutADatabaseMeansDB1() throws {
        XCTAssertEqual(try CacheConfiguration(location: "/var/run/redis/redis.sock").redis.database, 1)
        XCTAssertEqual(try CacheConfiguration(location: "unix:///var/run/redis/redis.sock").redis.database, 1)
        XCTAssertEqual(try CacheConfiguration(location: "redis://127.0.0.1:6379").redis.database, 1)
        XCTAssertEqual(try CacheConfiguration(location: "unix:///var/run/redis/redis.sock?db=0").redis.database, 0)
        XCTAssertEqual(try CacheConfiguration(location: "redis://127.0.0.1:6379/2").redis.database, 2)
        // Read as RedisConfiguration reads the URL: scheme in any case, surrounding spaces.
        XCTAssertEqual(try CacheConfiguration(location: "Redis://127.0.0.1:6379/0").redis.database, 0)
        XCTAssertEqual(try CacheConfiguration(location: " redis://127.0.0.1:6379/0 ").redis.database, 0)
        XCTAssertEqual(try CacheConfiguration(location: "redis://127.0.0.1:6379/").redis.database, 1)
        XCTAssertEqual(try CacheConfiguration(location: "unix:///tmp/db=2/redis.sock").redis.database, 1, "db= in the path names no database")
    }

    func testAnInvalidLocationSaysWhatIsWrongOnceAndNamesTheVariable() {
        XCTAssertThrowsError(try CacheConfiguration.fromEnvironment(["REDIS_URL": "redis//host/0"])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("invalid cache configuration: REDIS_URL: 'redis//host/0' is not a Redis location"), text)
            XCTAssertEqual(text.components(separatedBy: "configuration").count, 2, "said once: \(text)")
        }
        XCTAssertThrowsError(try CacheConfiguration.fromEnvironment(["CACHE_URL": "redis://h/x"])) { error in
            XCTAssertTrue("\(error)".contains("CACHE_URL: "), "\(error)")
        }
    }

    func testEnvironmentPrefersCACHE_URLThenREDIS_URL() throws {
        XCTAssertEqual(try CacheConfiguration.fromEnvironment([:]).redis.database, 1)
        let fromRedis = try CacheConfiguration.fromEnvironment(["REDIS_URL": "redis://10.0.0.9:6380/3"])
        XCTAssertEqual(fromRedis.redis.endpoint, .tcp(host: "10.0.0.9", port: 6380))
        XCTAssertEqual(fromRedis.redis.database, 3)
        let fromCache = try CacheConfiguration.fromEnvironment(["CACHE_URL": "/tmp/r.sock", "REDIS_URL": "redis://x/0"])
        XCTAssertEqual(fromCache.redis.endpoint, .unixSocket(path: "/tmp/r.sock"))
        XCTAssertThrowsError(try CacheConfiguration.fromEnvironment(["CACHE_URL": "ftp://nope"])) { error in
            guard let typed = error as? CacheError, typed.code == .invalidConfiguration, let text = typed.reason else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(text.contains("ftp"), text)
        }
    }

    func testEveryWayToConfigureTheCacheGivesUpOnRedisAfterTheRequestTimeout() throws {
        // A bare RedisConfiguration waits 30 s, for scripts; the cache answers web requests.
        XCTAssertEqual(RedisConfiguration().commandTimeout, .seconds(30))
        let configurations = [
            CacheConfiguration(),
            CacheConfiguration(redis: RedisConfiguration(endpoint: .unixSocket(path: "/tmp/r.sock"), database: 2)),
            try CacheConfiguration(location: "redis://127.0.0.1:6379/1"),
            try CacheConfiguration.fromEnvironment(["REDIS_URL": "unix:///tmp/r.sock?db=3"]),
        ]
        for configuration in configurations {
            XCTAssertEqual(configuration.redisTimeout, .milliseconds(250))
            XCTAssertEqual(configuration.redis.commandTimeout, .milliseconds(250))
            XCTAssertEqual(configuration.redis.connectTimeout, .milliseconds(250))
        }
        var slow = CacheConfiguration(redisTimeout: .seconds(2))
        XCTAssertEqual(slow.redis.connectTimeout, .seconds(2))
        slow.redisTimeout = .milliseconds(100)
        XCTAssertEqual(slow.redis.commandTimeout, .milliseconds(100))
        XCTAssertEqual(slow.redis.connectTimeout, .milliseconds(100))
    }
}
