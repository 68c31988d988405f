import Cache
import Redis
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
    }

    func testEnvironmentPrefersCACHE_URLThenREDIS_URL() throws {
        XCTAssertEqual(try CacheConfiguration.fromEnvironment([:]).redis.database, 1)
        let fromRedis = try CacheConfiguration.fromEnvironment(["REDIS_URL": "redis://10.0.0.9:6380/3"])
        XCTAssertEqual(fromRedis.redis.endpoint, .tcp(host: "10.0.0.9", port: 6380))
        XCTAssertEqual(fromRedis.redis.database, 3)
        let fromCache = try CacheConfiguration.fromEnvironment(["CACHE_URL": "/tmp/r.sock", "REDIS_URL": "redis://x/0"])
        XCTAssertEqual(fromCache.redis.endpoint, .unixSocket(path: "/tmp/r.sock"))
        XCTAssertThrowsError(try CacheConfiguration.fromEnvironment(["CACHE_URL": "ftp://nope"])) { error in
            guard case .invalidConfiguration(let text) = error as? CacheError else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(text.contains("ftp"), text)
        }
    }
}
