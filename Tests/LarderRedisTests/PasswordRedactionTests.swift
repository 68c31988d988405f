import Foundation
import Logging
import LarderRESP
import LarderRedis
import RedisTestSupport
import Synchronization
import XCTest

/// No error, log line or description ever shows a password: every path that formats a URL, a
/// configuration, a command or an error is taken here with one distinctive password, for real
/// where a server is involved (found in review: a password holding `?` came out of the URL
/// masking whole, a bad-port error quoted part of it, and `send("AUTH", password)` on a pooled
/// connection failed with it in the message).
///
/// The password holds every character a URL gives a meaning to. Pieces of it count as a leak
/// too, in any case (some messages quote part of an argument, or quote it in capitals).
final class PasswordRedactionTests: XCTestCase {
    static let password = "s3cr?t#pa@ss/w0rd%21"
    /// The password as a URL must spell it.
    static let encoded = "s3cr%3Ft%23pa%40ss%2Fw0rd%2521"
    /// A wrong password, for failures; it holds the same pieces.
    static let wrong = "s3cr?t#pa@ss/w0rd%21-but-wr0ng"

    static let redis = SuiteServer(start: { try await PrivateRedisServer.start(password: PasswordRedactionTests.password) })
    override class func tearDown() { redis.stop() }

    // MARK: URLs

    func testNoURLErrorShowsThePassword() {
        let password = Self.password
        let encoded = Self.encoded
        let invalid = [
            // A scheme this client does not take.
            "foo://app:\(password)@127.0.0.1:6379/0",
            // A TLS option with a value it does not take.
            "rediss://:\(encoded)@cache.example.org?ssl_cert_reqs=sometimes",
            // A port that is not one: written so, or made so by the `?` inside the password.
            "redis://app:\(password)@127.0.0.1:6379/0",
            "redis://app:\(password)@127.0.0.1:notaport/0",
            "redis://app:\(encoded)@127.0.0.1:notaport/0",
            "redis://\(password)@127.0.0.1:0",
            // A database that is not one.
            "redis://app:\(encoded)@127.0.0.1:6379/abc",
            "unix:///tmp/r.sock?password=\(password)&db=x",
            // An unknown option, before or after the password.
            "unix:///tmp/r.sock?password=\(password)&bogus=1",
            "unix:///tmp/r.sock?password=\(encoded)&bogus=1",
            "unix:///tmp/r.sock?bogus=1&password=\(password)",
            "unix://app:\(encoded)@/tmp/r.sock?bogus=1",
            // An invalid percent-escape, in or after the password.
            "redis://app:\(password)%zz@127.0.0.1",
            "redis://app:\(encoded)%zz@127.0.0.1",
            "unix:///tmp/r.sock?password=\(encoded)%2",
            // Other options and forms.
            "redis://app:\(encoded)@127.0.0.1/0?protocol=9",
            "redis://app:\(encoded)@:6379",
            "redis://app:\(encoded)@[::1",
            "unix://app:\(password)@/tmp/r.sock",
            "app:\(password)@127.0.0.1:6379",
            "app:\(encoded)@127.0.0.1:6379",
        ]
        for url in invalid {
            do {
                let configuration = try RedisConfiguration(url: url)
                XCTFail("accepted \(url): \(configuration)")
            } catch {
                assertNoPassword(in: error, "RedisConfiguration(url: \(url))")
            }
            do {
                let configuration = try RedisConfiguration.fromEnvironment(["REDIS_URL": url])
                XCTFail("accepted REDIS_URL=\(url): \(configuration)")
            } catch {
                assertNoPassword(in: error, "REDIS_URL=\(url)")
            }
        }
    }

    func testAURLErrorCausedByThePasswordSaysToPercentEncodeIt() {
        do {
            _ = try RedisConfiguration(url: "redis://app:\(Self.password)@127.0.0.1:6379/0")
            XCTFail("accepted a URL whose password holds an unescaped ?")
        } catch {
            XCTAssertTrue(error.description.contains("percent-encode"), error.description)
            XCTAssertTrue(error.description.contains("redis://app:***"), error.description)
        }
    }

    // MARK: Values

    func testNoConfigurationDescriptionShowsThePassword() throws {
        let configurations = [
            RedisConfiguration(password: Self.password),
            RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 6379), database: 1, username: "app", password: Self.password),
            try RedisConfiguration(url: "redis://app:\(Self.encoded)@127.0.0.1:6379/1"),
            try RedisConfiguration(url: "unix:///tmp/r.sock?password=\(Self.encoded)"),
        ]
        for configuration in configurations {
            XCTAssertEqual(configuration.password, Self.password)
            assertNoPassword(in: configuration, "a configuration")
            assertNoPassword(in: configuration.url(), "url()")
            XCTAssertTrue(String(reflecting: configuration).contains("***"), String(reflecting: configuration))
        }
    }

    func testNoDescriptionOfACommandCarryingThePasswordShowsIt() {
        let commands: [any RedisCommand] = [
            AUTH(password: Self.password),
            AUTH(username: "app", password: Self.password),
            HELLO(protocolVersion: 3, username: "app", password: Self.password, clientName: "me"),
        ]
        for command in commands {
            assertNoPassword(in: command, "\(type(of: command))")
            XCTAssertTrue(String(describing: command).contains("<redacted>"), String(describing: command))
        }
    }

    func testEveryCommandWhoseArgumentsAreSecretDescribesThemRedacted() {
        let pw = Self.password
        let cases: [([String], String)] = [
            (["AUTH", pw], "AUTH <redacted>"),
            (["auth", "app", pw], "auth <redacted> <redacted>"),
            (["HELLO", "3", "AUTH", "app", pw, "SETNAME", "me"], "HELLO 3 AUTH <redacted> <redacted> <redacted> <redacted>"),
            (["HELLO", "3"], "HELLO 3"),
            (["MIGRATE", "10.0.0.2", "6379", "", "0", "5000", "AUTH", pw, "KEYS", "k"], "MIGRATE 10.0.0.2 6379  0 5000 AUTH <redacted> <redacted> <redacted>"),
            (["MIGRATE", "10.0.0.2", "6379", "k", "0", "5000", "AUTH2", "app", pw], "MIGRATE 10.0.0.2 6379 k 0 5000 AUTH2 <redacted> <redacted>"),
            (["CONFIG", "SET", "requirepass", pw], "CONFIG SET requirepass <redacted>"),
            (["config", "set", "maxmemory", "1mb", "masterauth", pw], "config set maxmemory 1mb masterauth <redacted>"),
            (["CONFIG", "GET", "requirepass"], "CONFIG GET requirepass"),
            (["ACL", "SETUSER", "app", "on", ">\(pw)", "~cache:*", "+@all", "<old", "#ab12"], "ACL SETUSER app on <redacted> ~cache:* +@all <redacted> <redacted>"),
            (["SENTINEL", "SET", "mymaster", "auth-pass", pw], "SENTINEL SET mymaster auth-pass <redacted>"),
            (["GET", "key"], "GET key"),
        ]
        for (words, expected) in cases {
            XCTAssertEqual(Words(words).redactedDescription, expected)
        }
    }

    // MARK: A real server with `requirepass`

    func testFailedHandshakesNeverShowThePassword() async throws {
        let server = try await Self.redis.server()
        var wrongRESP3 = server.configuration(password: Self.wrong)
        wrongRESP3.username = "default"
        var wrongRESP2 = wrongRESP3
        wrongRESP2.preferRESP3 = false
        var none = server.configuration()
        none.password = nil
        for configuration in [wrongRESP3, wrongRESP2, none] {
            do {
                let connection = try await RedisConnection.connect(configuration: configuration)
                await connection.close()
                XCTFail("connected with \(configuration)")
            } catch {
                guard error.code == .authenticationFailed else { return XCTFail("unexpected \(error)") }
                assertNoPassword(in: error, "connect with \(configuration)")
            }
        }
    }

    func testFailedCommandsCarryingThePasswordNeverShowIt() async throws {
        let server = try await Self.redis.server()
        let user = "redaction-\(UUID().uuidString.prefix(8))"
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            let attempts: [(String, @Sendable () async throws -> Void)] = [
                ("AUTH wrong", { _ = try await redis.send("AUTH", Self.wrong) }),
                ("AUTH user wrong", { _ = try await redis.send("AUTH", "default", Self.wrong) }),
                ("AUTH, too many arguments", { _ = try await redis.send("auth", "default", Self.wrong, Self.password) }),
                ("typed AUTH", { _ = try await redis.send(AUTH(username: "default", password: Self.wrong)) }),
                ("HELLO AUTH", { _ = try await redis.send("HELLO", "3", "AUTH", "default", Self.wrong) }),
                // The server quotes a failing ACL rule whole, password and all.
                ("ACL SETUSER <password", { _ = try await redis.send("ACL", "SETUSER", user, "<\(Self.password)") }),
                ("ACL SETUSER bad rule", { _ = try await redis.send("ACL", "SETUSER", user, ">\(Self.password)", "bad\(Self.password)") }),
                ("CONFIG SET", { _ = try await redis.send("CONFIG", "SET", "masterauth", Self.password, "bogus", Self.password) }),
                // A misspelt AUTH is an unknown command, whose arguments the server quotes back.
                ("AUTHX", { _ = try await redis.send("AUTHX", Self.password) }),
                ("AUTH with a trailing space", { _ = try await redis.send("AUTH ", "default", Self.password) }),
            ]
            for (label, attempt) in attempts {
                do {
                    try await attempt()
                    XCTFail("\(label) succeeded")
                } catch {
                    assertNoPassword(in: error, label)
                }
            }
            // The connection still works, and still as the default user.
            let whoami = try await redis.send("ACL", "WHOAMI")
            XCTAssertEqual(try String(fromRESP: whoami), "default")
        }
    }

    func testAnErrorReplyIsRedactedByTheWordsSentNotByTheCommandsDeclaredName() async throws {
        // A caller's own command type whose name says nothing of what it sends (found in
        // review: redaction went by `name`, and the server quotes the failing rule whole).
        struct MisleadinglyNamed: RedisCommand {
            static var name: RedisCommandName { "SETUSER" }
            var words: [String]
            func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(words) }
        }
        let server = try await Self.redis.server()
        let user = "redaction-\(UUID().uuidString.prefix(8))"
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            do {
                _ = try await redis.send(MisleadinglyNamed(words: ["ACL", "SETUSER", user, ">\(Self.password)", "bad\(Self.password)"]))
                XCTFail("a bad ACL rule was accepted")
            } catch {
                guard (error as? RedisError)?.code == .server else { return XCTFail("expected the server's error reply, got \(error)") }
                assertNoPassword(in: error, "ACL SETUSER sent by a command named SETUSER")
            }
        }
    }

    func testARedactedReplyKeepsWhatIsNotSecret() async throws {
        let server = try await Self.redis.server()
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            // One-letter secrets: the words of the reply that merely contain them stay whole.
            let expected = [
                (["AUTH", "a", "b", "c"], "ERR syntax error"),
                // The command's own name, quoted by the server, is no secret.
                (["CONFIG", "SET", "requirepass"], "ERR wrong number of arguments for 'config|set' command"),
            ]
            for (words, reply) in expected {
                do {
                    _ = try await redis.send(Words(words))
                    XCTFail("\(words) succeeded")
                } catch {
                    guard let redisError = error as? RedisError, redisError.code == .server, let serverError = redisError.serverError else { return XCTFail("\(words): unexpected \(error)") }
                    XCTAssertEqual(serverError.description, reply)
                }
            }
        }
    }

    func testAUTHRefusedOnAPooledConnectionNeverShowsThePassword() async throws {
        let server = try await Self.redis.server()
        let pool = RedisConnectionPool(configuration: server.configuration())
        let attempts: [(String, @Sendable (RedisConnection) async throws -> Void)] = [
            ("AUTH", { _ = try await $0.send("AUTH", Self.password) }),
            ("auth", { _ = try await $0.send("auth", Self.password) }),
            ("AUTH user", { _ = try await $0.send("AUTH", "default", Self.password) }),
            ("typed AUTH", { _ = try await $0.send(AUTH(password: Self.password)) }),
        ]
        for (label, attempt) in attempts {
            do {
                try await pool.withConnection(attempt)
                XCTFail("\(label) went through a pooled connection")
            } catch let error as RedisError {
                guard error.code == .unsupportedCommand else { return XCTFail("\(label): unexpected \(error)") }
                assertNoPassword(in: error, label)
            }
        }
        do {
            _ = try await pool.send(AUTH(password: Self.password))
            XCTFail("AUTH went through the pool")
        } catch {
            assertNoPassword(in: error, "pool.send(AUTH)")
        }
        await pool.close()
    }

    func testNothingLoggedShowsThePassword() async throws {
        let server = try await Self.redis.server()
        let recorder = LogRecorder()
        let logger = recorder.logger()
        // A running pool that cannot open its minimum logs why.
        try await RedisConnectionPool.withPool(
            configuration: server.configuration(password: Self.wrong),
            poolConfiguration: RedisConnectionPoolConfiguration(minimumConnections: 1, maximumConnections: 1), logger: logger
        ) { failing in
            // First, so that no call holds the pool's one place while run() opens its minimum.
            let logged = await waitUntil(limit: .seconds(5), interval: .milliseconds(5)) {
                recorder.lines.contains { $0.contains("could not open a minimum connection") } ? true : nil
            }
            XCTAssertNotNil(logged, "the running pool did not log its failed minimum connection")
            do {
                _ = try await failing.send(PING())
                XCTFail("a wrong password connected")
            } catch {
                assertNoPassword(in: error, "pool with a wrong password")
            }
        }
        let working = RedisConnectionPool(configuration: server.configuration(), logger: logger)
        try await working.withConnection { redis in
            _ = try? await redis.send("AUTH", Self.wrong)
            _ = try? await redis.send("ACL", "SETUSER", "logged", "<\(Self.password)")
            _ = try await redis.send(PING())
        }
        await working.close()
        try await RedisConnection.withConnection(configuration: server.configuration(), logger: logger) { redis in
            _ = try? await redis.send("AUTH", Self.wrong)
        }
        let lines = recorder.lines
        XCTAssertFalse(lines.isEmpty, "nothing was logged: the test would prove nothing")
        for line in lines { assertNoPassword(in: line, "log line") }
    }

    // MARK: Helpers

    /// A caller's own command that sends `words` as they are, whatever its declared name says:
    /// what is redacted goes by the words sent.
    private struct Words: RedisCommand {
        static var name: RedisCommandName { "WORDS" }
        var words: [String]
        init(_ words: [String]) { self.words = words }
        func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(words) }
    }

    /// Fails if any rendering of `value` holds the password, the wrong one, or a piece of either.
    private func assertNoPassword(in value: Any, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        var dumped = ""
        dump(value, to: &dumped)
        for text in [String(describing: value), String(reflecting: value), dumped] {
            let lowered = text.lowercased()
            for piece in ["s3cr", "w0rd", "pa@ss", "pa%40ss", "wr0ng"] where lowered.contains(piece) {
                XCTFail("\(label): '\(piece)' shows in: \(text)", file: file, line: line)
            }
        }
    }
}
