import LarderRESP
import LarderRedis
import RedisTestSupport
import XCTest

/// `RedisServerError(reply:)`: the code, the message and the kind of every error reply a client
/// reacts to, from text and from a real server.
final class RedisServerErrorTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    // MARK: Parsing reply text

    func testEveryKnownCodeHasItsKind() {
        let replies: [(reply: String, kind: RedisServerError.Kind)] = [
            ("ERR unknown command 'FOO', with args beginning with: ", .generic),
            ("WRONGTYPE Operation against a key holding the wrong kind of value", .wrongType),
            ("NOAUTH Authentication required.", .noAuth),
            ("WRONGPASS invalid username-password pair or user is disabled.", .wrongPass),
            ("NOPERM User app has no permissions to run the 'flushall' command", .noPermission),
            ("DENIED Redis is running in protected mode because protected mode is enabled", .denied),
            ("LOADING Redis is loading the dataset in memory", .loading),
            ("READONLY You can't write against a read only replica.", .readOnly),
            ("MOVED 3999 127.0.0.1:6381", .moved),
            ("ASK 3999 127.0.0.1:6381", .ask),
            ("NOPROTO unsupported protocol version", .noProtocol),
            ("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", .busy),
            ("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", .masterDown),
            ("OOM command not allowed when used memory > 'maxmemory'.", .outOfMemory),
            ("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.", .misconfigured),
            ("NOREPLICAS Not enough good replicas to write.", .noReplicas),
            ("TRYAGAIN Multiple keys request during rehashing of slot", .tryAgain),
            ("CLUSTERDOWN The cluster is down", .clusterDown),
        ]
        for (reply, kind) in replies {
            let error = RedisServerError(reply: reply)
            let space = reply.firstIndex(of: " ")!
            XCTAssertEqual(error.code, String(reply[..<space]), reply)
            XCTAssertEqual(error.message, String(reply[reply.index(after: space)...]), reply)
            XCTAssertEqual(error.kind, kind, reply)
            XCTAssertEqual(error.description, reply, "the description is the reply as sent")
        }
    }

    func testRedirectionKeepsSlotAndAddressInTheMessage() {
        let moved = RedisServerError(reply: "MOVED 3999 127.0.0.1:6381")
        XCTAssertEqual(moved.kind, .moved)
        XCTAssertEqual(moved.message.split(separator: " "), ["3999", "127.0.0.1:6381"])
        let ask = RedisServerError(reply: "ASK 12182 [::1]:7002")
        XCTAssertEqual(ask.kind, .ask)
        XCTAssertEqual(ask.message, "12182 [::1]:7002")
    }

    func testUnknownCodesAreKindsOfTheirOwn() {
        let known: [RedisServerError.Kind] = [
            .generic, .wrongType, .noAuth, .wrongPass, .noPermission, .denied, .loading, .busy, .masterDown, .readOnly,
            .outOfMemory, .misconfigured, .noReplicas, .moved, .ask, .tryAgain, .clusterDown, .noProtocol,
        ]
        XCTAssertEqual(Set(known.map(\.rawValue)).count, known.count, "two known kinds share a code")
        for reply in ["BUSYGROUP Consumer Group name already exists", "EXECABORT Transaction discarded because of previous errors.",
            "CROSSSLOT Keys in request don't hash to the same slot", "NOT_A_CODE_YET x"]
        {
            let error = RedisServerError(reply: reply)
            let code = String(reply.prefix(while: { $0 != " " }))
            XCTAssertEqual(error.code, code)
            XCTAssertEqual(error.kind, RedisServerError.Kind(rawValue: code), reply)
            XCTAssertEqual(error.kind.description, code, reply)
            XCTAssertFalse(known.contains(error.kind), "\(reply) taken for a known kind")
        }
    }

    func testTextWithoutACodeIsAGenericError() {
        // Some modules and Lua scripts reply with plain text; the whole text is the message.
        for reply in ["unknown command", "Error running script", "I/O error", "err lowercase code"] {
            let error = RedisServerError(reply: reply)
            XCTAssertEqual(error.code, "ERR", reply)
            XCTAssertEqual(error.message, reply)
            XCTAssertEqual(error.kind, .generic, reply)
        }
    }

    func testCodeWithoutMessage() {
        let error = RedisServerError(reply: "NOAUTH")
        XCTAssertEqual(error.code, "NOAUTH")
        XCTAssertEqual(error.message, "")
        XCTAssertEqual(error.kind, .noAuth)
        XCTAssertEqual(error.description, "NOAUTH")
    }

    func testEmptyReplyIsAGenericErrorWithoutMessage() {
        let error = RedisServerError(reply: "")
        XCTAssertEqual(error.code, "ERR")
        XCTAssertEqual(error.message, "")
        XCTAssertEqual(error.kind, .generic)
    }

    // MARK: Replies from a real server

    func testRealErrorRepliesAreClassified() async throws {
        let server = try await Self.redis.server()
        try await RedisConnection.withConnection(configuration: server.configuration(database: 5)) { redis in
            let unknown = await serverError { try await redis.send("NO-SUCH-COMMAND") }
            XCTAssertEqual(unknown?.kind, .generic)
            XCTAssertTrue(unknown?.message.hasPrefix("unknown command 'NO-SUCH-COMMAND'") == true, "\(String(describing: unknown))")

            _ = try await redis.send("DEL", "a-list")
            _ = try await redis.send("RPUSH", "a-list", "x")
            let wrongType = await serverError { try await redis.send("INCR", "a-list") }
            XCTAssertEqual(wrongType?.kind, .wrongType)

            // NOPROTO comes only from HELLO, which this client refuses after its handshake
            // (it would change the protocol under the reply decoder); the parsing of that reply
            // is covered above.

            let wrongPass = await serverError { try await redis.send("AUTH", "no-such-user-\(UInt32.random(in: 0...UInt32.max))", "pw") }
            XCTAssertEqual(wrongPass?.kind, .wrongPass)
        }
    }

    func testRealACLRefusalIsNoPermission() async throws {
        let server = try await Self.redis.server()
        let user = "limited-\(UInt32.random(in: 0...UInt32.max))"
        try await RedisConnection.withConnection(configuration: server.configuration()) { admin in
            _ = try await admin.send("ACL", "SETUSER", user, "on", ">pw", "+ping", "+hello", "+auth")
        }
        var configuration = server.configuration()
        configuration.username = user
        configuration.password = "pw"
        try await RedisConnection.withConnection(configuration: configuration) { redis in
            let pong = try await redis.send(PING())
            XCTAssertEqual(pong, "PONG")
            let refused = await serverError { try await redis.send("GET", "anything") }
            XCTAssertEqual(refused?.kind, .noPermission)
            XCTAssertTrue(refused?.message.contains("'get'") == true, "\(String(describing: refused))")
        }
        try await RedisConnection.withConnection(configuration: server.configuration()) { admin in
            _ = try await admin.send("ACL", "DELUSER", user)
        }
    }

    /// The server error `body` fails with, or `nil` (and a test failure).
    private func serverError(
        file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> RESPToken
    ) async -> RedisServerError? {
        do {
            let reply = try await body()
            XCTFail("expected an error reply, got \(reply)", file: file, line: line)
        } catch {
            guard let redisError = error as? RedisError, redisError.code == .server, let serverError = redisError.serverError else {
                XCTFail("expected an error reply, got \(error)", file: file, line: line)
                return nil
            }
            return serverError
        }
        return nil
    }
}
