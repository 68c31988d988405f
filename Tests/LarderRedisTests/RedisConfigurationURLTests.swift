import LarderRESP
import LarderRedis
import XCTest

/// `RedisConfiguration(url:)`, `url(maskingPassword:)` and `fromEnvironment`: every form the
/// guide, Django's `LOCATION` and `REDIS_URL` use, and every way to get one wrong.
final class RedisConfigurationURLTests: XCTestCase {

    // MARK: Unix socket forms

    func testUnixURLWithDatabase() throws {
        let configuration = try RedisConfiguration(url: "unix:///var/run/redis/redis.sock?db=1")
        XCTAssertEqual(configuration.endpoint, .unixSocket(path: "/var/run/redis/redis.sock"))
        XCTAssertEqual(configuration.database, 1)
        XCTAssertNil(configuration.username)
        XCTAssertNil(configuration.password)
        XCTAssertNil(configuration.clientName)
        XCTAssertTrue(configuration.preferRESP3)
    }

    func testBareAbsolutePathIsTheSocketInDatabaseZero() throws {
        // The article's Django setting: LOCATION: '/var/run/redis/redis.sock'.
        let configuration = try RedisConfiguration(url: "/var/run/redis/redis.sock")
        XCTAssertEqual(configuration, RedisConfiguration(endpoint: .unixSocket(path: "/var/run/redis/redis.sock")))
    }

    func testBareAbsolutePathAcceptsQueryOptions() throws {
        // The documentation promises the query options on every form, the bare path included.
        let configuration = try RedisConfiguration(url: "/var/run/redis/redis.sock?db=2&password=pw")
        XCTAssertEqual(configuration.endpoint, .unixSocket(path: "/var/run/redis/redis.sock"))
        XCTAssertEqual(configuration.database, 2)
        XCTAssertEqual(configuration.password, "pw")
    }

    func testSurroundingWhitespaceIsIgnored() throws {
        // A REDIS_URL copied with a trailing newline or space still works.
        let configuration = try RedisConfiguration(url: "  unix:///tmp/redis.sock?db=3\n")
        XCTAssertEqual(configuration.endpoint, .unixSocket(path: "/tmp/redis.sock"))
        XCTAssertEqual(configuration.database, 3)
    }

    func testUnixURLWithUserInfoBeforeThePath() throws {
        let configuration = try RedisConfiguration(url: "unix://user:pass@/path/to/redis.sock")
        XCTAssertEqual(configuration.endpoint, .unixSocket(path: "/path/to/redis.sock"))
        XCTAssertEqual(configuration.username, "user")
        XCTAssertEqual(configuration.password, "pass")
        XCTAssertEqual(configuration.database, 0)
    }

    func testRedisPlusUnixSchemeIsAnAliasOfUnix() throws {
        XCTAssertEqual(
            try RedisConfiguration(url: "redis+unix:///tmp/redis.sock?db=4"),
            try RedisConfiguration(url: "unix:///tmp/redis.sock?db=4"))
    }

    func testSchemeIsCaseInsensitive() throws {
        XCTAssertEqual(try RedisConfiguration(url: "UNIX:///tmp/r.sock").endpoint, .unixSocket(path: "/tmp/r.sock"))
        XCTAssertEqual(try RedisConfiguration(url: "Redis://127.0.0.1").endpoint, .tcp(host: "127.0.0.1", port: 6379))
    }

    // MARK: TCP forms

    func testRedisURLWithHostPortAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1:6379/1")
        XCTAssertEqual(configuration.endpoint, .tcp(host: "127.0.0.1", port: 6379))
        XCTAssertEqual(configuration.database, 1)
        XCTAssertNil(configuration.password)
    }

    func testRedisURLDefaultsToPort6379AndDatabaseZero() throws {
        for text in ["redis://example.org", "redis://example.org/"] {
            let configuration = try RedisConfiguration(url: text)
            XCTAssertEqual(configuration.endpoint, .tcp(host: "example.org", port: 6379), text)
            XCTAssertEqual(configuration.database, 0, text)
        }
    }

    func testUserAndPercentEncodedPasswordAreDecoded() throws {
        let configuration = try RedisConfiguration(url: "redis://user:p%40ss@host:6380/2")
        XCTAssertEqual(configuration.endpoint, .tcp(host: "host", port: 6380))
        XCTAssertEqual(configuration.username, "user")
        XCTAssertEqual(configuration.password, "p@ss")
        XCTAssertEqual(configuration.database, 2)
    }

    func testEmptyUserWithPasswordMeansTheDefaultUser() throws {
        let configuration = try RedisConfiguration(url: "redis://:secret@host")
        XCTAssertNil(configuration.username)
        XCTAssertEqual(configuration.password, "secret")
        XCTAssertEqual(configuration.endpoint, .tcp(host: "host", port: 6379))
    }

    func testLoneUserInfoIsThePassword() throws {
        // redis-py and django-redis read redis://secret@host as a password for the default user.
        let configuration = try RedisConfiguration(url: "redis://secret@host")
        XCTAssertNil(configuration.username)
        XCTAssertEqual(configuration.password, "secret")
    }

    func testBracketedIPv6Address() throws {
        let configuration = try RedisConfiguration(url: "redis://[::1]:6379/0")
        XCTAssertEqual(configuration.endpoint, .tcp(host: "::1", port: 6379))
        XCTAssertEqual(configuration.endpoint.description, "[::1]:6379")
        XCTAssertEqual(configuration.database, 0)
        XCTAssertEqual(try RedisConfiguration(url: "redis://[::1]").endpoint, .tcp(host: "::1", port: 6379))
    }

    // MARK: Query options

    func testEveryQueryOption() throws {
        let configuration = try RedisConfiguration(
            url: "unix:///tmp/redis.sock?db=3&password=p%26w&username=app&client_name=web-1&protocol=2")
        XCTAssertEqual(configuration.endpoint, .unixSocket(path: "/tmp/redis.sock"))
        XCTAssertEqual(configuration.database, 3)
        XCTAssertEqual(configuration.password, "p&w")
        XCTAssertEqual(configuration.username, "app")
        XCTAssertEqual(configuration.clientName, "web-1")
        XCTAssertFalse(configuration.preferRESP3)
    }

    func testQueryOptionsApplyToRedisURLsAndOverrideThePath() throws {
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1:6379/1?db=5&protocol=3&user=app&name=worker")
        XCTAssertEqual(configuration.database, 5)
        XCTAssertTrue(configuration.preferRESP3)
        XCTAssertEqual(configuration.username, "app")
        XCTAssertEqual(configuration.clientName, "worker")
    }

    func testURLLeavesTimeoutsAndLimitsAtTheirDefaults() throws {
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1/1")
        let defaults = RedisConfiguration()
        XCTAssertEqual(configuration.connectTimeout, defaults.connectTimeout)
        XCTAssertEqual(configuration.commandTimeout, defaults.commandTimeout)
        XCTAssertEqual(configuration.limits, defaults.limits)
    }

    // MARK: Errors

    func testMissingSchemeIsRejectedWithTheFormsToUse() {
        let text = invalidConfigurationText(for: "localhost:6379")
        XCTAssertTrue(text.contains("is not a Redis location"), text)
        XCTAssertTrue(text.contains("unix:///var/run/redis/redis.sock"), text)
        XCTAssertTrue(text.contains("redis://host:port/db"), text)
    }

    func testTLSSchemeIsTheRedisFormWithTLS() throws {
        // Once refused as unsupported; now TLS (Tests/LarderRedisTests/TLSConfigurationURLTests.swift).
        let configuration = try RedisConfiguration(url: "rediss://cache.example.org:6380/0")
        XCTAssertEqual(configuration.endpoint, .tcp(host: "cache.example.org", port: 6380))
        XCTAssertEqual(configuration.tls, RedisTLSConfiguration())
    }

    func testUnknownSchemeIsNamed() {
        let text = invalidConfigurationText(for: "http://127.0.0.1:6379")
        XCTAssertTrue(text.contains("the scheme 'http'"), text)
    }

    func testPortMustBeANumberFrom1To65535() {
        for port in ["99999", "0", "abc", "-1", ""] {
            let text = invalidConfigurationText(for: "redis://127.0.0.1:\(port)/0")
            XCTAssertTrue(text.contains("port '\(port)' is not a number from 1 to 65535"), text)
        }
    }

    func testDatabaseMustBeANonNegativeNumber() {
        for url in ["redis://127.0.0.1/-1", "redis://127.0.0.1/one", "unix:///tmp/r.sock?db=-2", "unix:///tmp/r.sock?db=x"] {
            let text = invalidConfigurationText(for: url)
            XCTAssertTrue(text.contains("is not a number 0 or greater"), "\(url): \(text)")
        }
    }

    func testUnknownQueryOptionIsNamedWithTheKnownOnes() {
        let text = invalidConfigurationText(for: "unix:///tmp/r.sock?database=1")
        XCTAssertTrue(text.contains("unknown option 'database'"), text)
        XCTAssertTrue(text.contains("known: db, username, password, client_name, protocol"), text)
    }

    func testProtocolMustBe2Or3() {
        let text = invalidConfigurationText(for: "unix:///tmp/r.sock?protocol=4")
        XCTAssertTrue(text.contains("protocol must be 2 or 3, not '4'"), text)
    }

    func testUnixURLWithoutAPathIsRejected() {
        for url in ["unix://", "unix:///", "unix://localhost/tmp/r.sock", "unix://?db=1"] {
            let text = invalidConfigurationText(for: url)
            XCTAssertTrue(text.contains("has no socket path"), "\(url): \(text)")
            XCTAssertTrue(text.contains("three slashes"), "\(url): \(text)")
        }
    }

    func testRedisURLWithoutAHostIsRejected() {
        let text = invalidConfigurationText(for: "redis://:6379/0")
        XCTAssertTrue(text.contains("has no host"), text)
    }

    func testInvalidPercentEscapeIsRejected() {
        let text = invalidConfigurationText(for: "redis://user:p%zzss@host")
        XCTAssertTrue(text.contains("invalid %-escape"), text)
    }

    func testErrorsNeverContainThePassword() {
        let password = "hunter2-sekrit"
        let invalid = [
            "redis://app:\(password)@127.0.0.1:notaport/0",  // user and password, bad port
            "redis://:\(password)@127.0.0.1/abc",  // password only, bad database
            "redis://\(password)@127.0.0.1:0",  // lone userinfo (the password), bad port
            "rediss://:\(password)@cache.example.org?ssl_cert_reqs=sometimes",  // TLS option with an invalid value
            "unix://app:\(password)@/tmp/r.sock?protocol=9",  // unix form with userinfo
            "unix:///tmp/r.sock?password=\(password)&bogus=1",  // password in the query
            "redis://127.0.0.1/0?username=app&password=\(password)&db=x",  // password before the error
            "app:\(password)@127.0.0.1:6379",  // scheme forgotten
            ":\(password)@127.0.0.1:6379/0",  // scheme forgotten, password only
            "redis://:pa/\(password)@127.0.0.1:notaport",  // an unescaped `/` inside the password
            "unix:///tmp/r.sock?password=x&password=\(password)&bogus=1",  // the option twice
            "unix:///tmp/r.sock?PASSWORD=\(password)&bogus=1",  // the option in capitals
        ]
        for url in invalid {
            do {
                let configuration = try RedisConfiguration(url: url)
                XCTFail("accepted \(url): \(configuration)")
            } catch {
                XCTAssertFalse(error.description.contains(password), error.description)
                XCTAssertFalse(String(reflecting: error).contains(password), String(reflecting: error))
                XCTAssertTrue(error.description.contains("***"), "the masked URL should still show where the password was: \(error)")
            }
        }
    }

    // MARK: Writing the URL back

    func testDescriptionMasksThePassword() throws {
        let configuration = try RedisConfiguration(url: "redis://app:secret@127.0.0.1:6379/1")
        XCTAssertEqual(configuration.description, "redis://app:***@127.0.0.1:6379/1")
        XCTAssertEqual(configuration.url(), configuration.description)
        XCTAssertFalse("\(configuration)".contains("secret"))
    }

    func testUnmaskedURLPercentEncodesThePassword() throws {
        let configuration = RedisConfiguration(endpoint: .tcp(host: "host", port: 6380), database: 2, username: "user", password: "p@ss:/?")
        XCTAssertEqual(configuration.url(maskingPassword: false), "redis://user:p%40ss%3A%2F%3F@host:6380/2")
        XCTAssertEqual(configuration.url(maskingPassword: true), "redis://user:***@host:6380/2")
    }

    func testDefaultConfigurationIsTheArticlesSocket() {
        XCTAssertEqual(RedisConfiguration().description, "unix:///var/run/redis/redis.sock")
        XCTAssertEqual(RedisConfiguration(database: 1).description, "unix:///var/run/redis/redis.sock?db=1")
    }

    func testURLRoundTripsEveryConfigurationAURLCanExpress() throws {
        let configurations: [RedisConfiguration] = [
            RedisConfiguration(),
            RedisConfiguration(database: 1),
            RedisConfiguration(endpoint: .unixSocket(path: "/tmp/redis.sock"), database: 15, username: "app", password: "pw"),
            RedisConfiguration(endpoint: .unixSocket(path: "/tmp/redis.sock"), password: "only-a-password"),
            RedisConfiguration(endpoint: .unixSocket(path: "/tmp/redis.sock"), username: "only-a-user"),
            RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 6379), database: 1),
            RedisConfiguration(endpoint: .tcp(host: "::1", port: 6380), password: "p@ss:/?#&= é"),
            RedisConfiguration(endpoint: .tcp(host: "cache.example.org", port: 1), username: "ü:ser", password: ""),
            RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 65535), username: "app"),
            RedisConfiguration(clientName: "web 1&2"),
            RedisConfiguration(preferRESP3: false),
            RedisConfiguration(
                endpoint: .tcp(host: "10.0.0.1", port: 7000), database: 7, username: "u", password: "p",
                clientName: "worker", preferRESP3: false),
        ]
        for configuration in configurations {
            let url = configuration.url(maskingPassword: false)
            XCTAssertEqual(try RedisConfiguration(url: url), configuration, url)
        }
    }

    // MARK: Environment

    func testEnvironmentWithoutREDIS_URLGivesTheFallback() throws {
        let fallback = RedisConfiguration(database: 5)
        XCTAssertEqual(try RedisConfiguration.fromEnvironment(["HOME": "/root"], fallback: fallback), fallback)
        XCTAssertEqual(try RedisConfiguration.fromEnvironment([:]), RedisConfiguration())
    }

    func testEmptyREDIS_URLGivesTheFallback() throws {
        let fallback = RedisConfiguration(database: 6)
        XCTAssertEqual(try RedisConfiguration.fromEnvironment(["REDIS_URL": ""], fallback: fallback), fallback)
    }

    func testREDIS_URLIsRead() throws {
        let configuration = try RedisConfiguration.fromEnvironment(
            ["REDIS_URL": "redis://:pw@127.0.0.1:6380/2"], fallback: RedisConfiguration(database: 9))
        XCTAssertEqual(configuration, RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 6380), database: 2, password: "pw"))
    }

    func testInvalidREDIS_URLIsAnErrorNamingTheVariable() {
        do {
            let configuration = try RedisConfiguration.fromEnvironment(["REDIS_URL": "rediss://:hunter2@host:notaport"])
            XCTFail("accepted an invalid REDIS_URL: \(configuration)")
        } catch {
            guard error.code == .invalidConfiguration, let text = error.detail else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(text.hasPrefix("REDIS_URL: "), text)
            XCTAssertTrue(text.contains("is not a number from 1 to 65535"), text)
            XCTAssertFalse(error.description.contains("hunter2"), error.description)
            // The description says what it is once, not "invalid Redis configuration: REDIS_URL: invalid Redis configuration: ...".
            XCTAssertEqual(error.description.ranges(of: "invalid Redis configuration").count, 1, error.description)
        }
    }

    // MARK: Helpers

    /// The text of the `.invalidConfiguration` error `url` is rejected with, or a failure.
    private func invalidConfigurationText(for url: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let configuration = try RedisConfiguration(url: url)
            XCTFail("accepted \(url): \(configuration)", file: file, line: line)
            return ""
        } catch {
            guard error.code == .invalidConfiguration, let text = error.detail else {
                XCTFail("\(url): unexpected \(error)", file: file, line: line)
                return ""
            }
            XCTAssertTrue(error.description.hasPrefix("invalid Redis configuration: "), error.description, file: file, line: line)
            return text
        }
    }
}
