import NIOCore
import LarderRESP
import LarderRedis
import RedisTestSupport
import Foundation
import XCTest

final class RedisConnectionTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func server() async throws -> PrivateRedisServer { try await Self.redis.server() }

    func testConnectsOverUnixSocketAndAnswersPong() async throws {
        let server = try await server()
        let pong = try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            try await redis.send(PING())
        }
        XCTAssertEqual(pong, "PONG")
    }

    func testNegotiatesRESP3AndReportsServerVersion() async throws {
        let server = try await server()
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            XCTAssertEqual(redis.protocolVersion, 3)
            let version = try XCTUnwrap(redis.serverVersion)
            XCTAssertTrue(version.hasPrefix("7."), "unexpected version \(version)")
        }
    }

    func testSpeaksRESP2WhenRESP3IsNotWanted() async throws {
        let server = try await server()
        var configuration = server.configuration()
        configuration.preferRESP3 = false
        try await RedisConnection.withConnection(configuration: configuration) { redis in
            XCTAssertEqual(redis.protocolVersion, 2)
            let reply = try await redis.send("HGETALL", "no-such-hash")
            // RESP2 answers an empty array where RESP3 answers an empty map.
            guard case .array(let elements) = reply.value else { return XCTFail("expected an array, got \(reply)") }
            XCTAssertEqual(elements.count, 0)
        }
    }

    func testSelectsTheConfiguredDatabaseAtConnect() async throws {
        let server = try await server()
        let key = "select-test-\(UInt32.random(in: 0...UInt32.max))"
        try await RedisConnection.withConnection(configuration: server.configuration(database: 3)) { redis in
            _ = try await redis.send("SET", key, "in-db-3")
        }
        let inDB0 = try await RedisConnection.withConnection(configuration: server.configuration(database: 0)) { redis in
            try await redis.send("EXISTS", key)
        }
        let inDB3 = try await RedisConnection.withConnection(configuration: server.configuration(database: 3)) { redis in
            try await redis.send("GET", key)
        }
        XCTAssertEqual(try Int(fromRESP: inDB0), 0)
        XCTAssertEqual(try String(fromRESP: inDB3), "in-db-3")
    }

    func testDatabaseOutOfRangeIsAConfigurationError() async throws {
        let server = try await server()
        do {
            _ = try await RedisConnection.connect(configuration: server.configuration(database: 99))
            XCTFail("connected to database 99")
        } catch {
            guard error.code == .invalidConfiguration, let text = error.detail else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(text.contains("database 99 does not exist"), text)
        }
    }

    func testErrorRepliesAreTypedServerErrors() async throws {
        let server = try await server()
        try await RedisConnection.withConnection(configuration: server.configuration(database: 2)) { redis in
            _ = try await redis.send("DEL", "a-list")
            _ = try await redis.send("RPUSH", "a-list", "x")
            do {
                _ = try await redis.send("GET", "a-list")
                XCTFail("GET on a list succeeded")
            } catch let error as RedisError {
                guard error.code == .server, let serverError = error.serverError else { return XCTFail("unexpected \(error)") }
                XCTAssertEqual(serverError.kind, .wrongType)
                XCTAssertTrue(serverError.message.hasPrefix("Operation against a key"), serverError.message)
            }
            // The connection stays usable after an error reply.
            let pong = try await redis.send(PING())
            XCTAssertEqual(pong, "PONG")
        }
    }

    func testConcurrentCommandsGetTheirOwnReplies() async throws {
        let server = try await server()
        let redis = try await RedisConnection.connect(configuration: server.configuration())
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<200 {
                group.addTask { (index, try await redis.send(PING(message: "message-\(index)"))) }
            }
            for try await (index, echoed) in group {
                XCTAssertEqual(echoed, "message-\(index)")
            }
        }
        await redis.close()
    }

    func testBinaryValuesRoundTrip() async throws {
        let server = try await server()
        let bytes: [UInt8] = Array(0...255) + [13, 10, 13, 10]
        let reply = try await RedisConnection.withConnection(configuration: server.configuration(database: 4)) { redis in
            _ = try await redis.send("SET", "binary", RESPBytes(bytes))
            return try await redis.send("GET", "binary")
        }
        XCTAssertEqual(Array(try ByteBuffer(fromRESP: reply).readableBytesView), bytes)
    }

    func testCommandTimeoutFailsTheCommandAndClosesTheConnection() async throws {
        let server = try await server()
        var configuration = server.configuration()
        configuration.commandTimeout = .milliseconds(200)
        let redis = try await RedisConnection.connect(configuration: configuration)
        let started = ContinuousClock.now
        do {
            _ = try await redis.send("BLPOP", "never-filled-\(UUID())", 5)
            XCTFail("BLPOP returned")
        } catch {
            guard error.code == .commandTimeout, let command = error.command else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(command, "BLPOP")
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(2))
        XCTAssertFalse(redis.isOpen, "a connection whose reply timed out must be closed")
        do {
            _ = try await redis.send(PING())
            XCTFail("a closed connection answered")
        } catch {
            guard error.code == .connectionClosed else { return XCTFail("unexpected \(error)") }
        }
    }
}


final class RedisPipelineTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func testPipelineOfOneTypeReturnsEveryReplyInOrder() async throws {
        let server = try await Self.redis.server()
        try await RedisConnection.withConnection(configuration: server.configuration(database: 5)) { redis in
            let echoes = await redis.execute((0..<500).map { PING(message: "m\($0)") })
            XCTAssertEqual(echoes.count, 500)
            for (index, echo) in echoes.enumerated() {
                XCTAssertEqual(try echo.get(), "m\(index)")
            }
        }
    }

    func testAnErrorReplyFailsOnlyItsOwnCommandInAPipeline() async throws {
        let server = try await Self.redis.server()
        try await RedisConnection.withConnection(configuration: server.configuration(database: 5)) { redis in
            _ = try await redis.send("DEL", "pipeline-list")
            _ = try await redis.send("RPUSH", "pipeline-list", "x")
            let (pong, info, config) = await redis.execute(PING(), INFO(["server"]), CONFIG.GET(["port"]))
            XCTAssertEqual(try pong.get(), "PONG")
            XCTAssertNotNil(try info.get().serverVersion)
            XCTAssertEqual(try config.get()["port"], "0")
            let mixed = await redis.execute([PING(message: "a"), PING(message: "b")])
            XCTAssertEqual(mixed.map { try? $0.get() }, ["a", "b"])
            // A server error in the middle: the others still succeed.
            let replies = await redis.execute([CONFIG.GET(["port"]), CONFIG.GET([]), CONFIG.GET(["bind"])])
            XCTAssertNoThrow(try replies[0].get())
            XCTAssertThrowsError(try replies[1].get()) { error in
                guard let redisError = error as? RedisError, redisError.code == .server, let serverError = redisError.serverError else { return XCTFail("unexpected \(error)") }
                XCTAssertEqual(serverError.kind, .generic)
            }
            XCTAssertEqual(try replies[2].get()["bind"], "127.0.0.1")
        }
    }

    func testAnEmptyPipelineReturnsAtOnce() async throws {
        let server = try await Self.redis.server()
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            let replies = await redis.execute([PING]())
            XCTAssertTrue(replies.isEmpty)
        }
    }

    func testCommandsOnTheConnectionsEventLoopExecutorWork() async throws {
        let server = try await Self.redis.server()
        let redis = try await RedisConnection.connect(configuration: server.configuration())
        let eventLoop = redis.eventLoop
        let (onLoop, echoes) = try await withTaskExecutorPreference(redis.taskExecutor) {
            var echoes: [String] = []
            for index in 0..<100 { echoes.append(try await redis.send(PING(message: "\(index)"))) }
            let batch = await redis.execute([PING(message: "x"), PING(message: "y")])
            echoes += try batch.map { try $0.get() }
            return (eventLoop.inEventLoop, echoes)
        }
        XCTAssertTrue(onLoop, "the task should have run on the connection's event loop")
        XCTAssertEqual(echoes, (0..<100).map(String.init) + ["x", "y"])
        await redis.close()
    }
}

/// Commands that would break one-reply-per-command matching are refused before they are sent
/// (found in review: after CLIENT REPLY SKIP, callers received each other's replies).
final class RedisCommandPolicyTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func testCommandsThatBreakReplyMatchingAreRefusedAndTheConnectionStaysInStep() async throws {
        let server = try await Self.redis.server()
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            let refused: [() async throws -> RESPToken] = [
                { try await redis.send("CLIENT", "REPLY", "SKIP") },
                { try await redis.send("client", "reply", "off") },
                { try await redis.send("SUBSCRIBE", "news") },
                { try await redis.send(Substring("psubscribe"), "n*") },
                { try await redis.send("MONITOR") },
                { try await redis.send("RESET") },
                { try await redis.send(RedisKey("hello"), 2) },
                { try await redis.send(ByteBuffer(string: "QUIT")) },
            ]
            for send in refused {
                do {
                    _ = try await send()
                    XCTFail("a command that breaks reply matching was sent")
                } catch let error as RedisError {
                    guard error.code == .unsupportedCommand else { return XCTFail("unexpected \(error)") }
                }
            }
            // Nothing was sent, so replies still match their commands.
            _ = try await redis.send(SET("policy-key", "mine"))
            let (pong, value) = await redis.execute(PING(message: "a"), GET("policy-key"))
            XCTAssertEqual(try pong.get(), "a")
            XCTAssertEqual(try value.get().map { String(buffer: $0) }, "mine")
            // Other CLIENT subcommands are fine.
            let name = try await redis.send("CLIENT", "GETNAME")
            XCTAssertEqual(name.isNull, true)
        }
    }

    func testAPooledConnectionRefusesSELECTAndAUTHWhateverTheirSpelling() async throws {
        let server = try await Self.redis.server()
        let pool = RedisConnectionPool(configuration: server.configuration(database: 2))
        for words in [["select", "1"], ["Select", "1"]] {
            do {
                _ = try await pool.withConnection { try await $0.send(words[0], words[1]) }
                XCTFail("SELECT went through")
            } catch let error as RedisError {
                guard error.code == .selectOnPooledConnection else { return XCTFail("unexpected \(error)") }
            }
        }
        do {
            _ = try await pool.withConnection { try await $0.send(RedisKey("SELECT"), 1) }
            XCTFail("SELECT as a RedisKey went through")
        } catch let error as RedisError {
            guard error.code == .selectOnPooledConnection else { return XCTFail("unexpected \(error)") }
        }
        do {
            _ = try await pool.withConnection { try await $0.send("AUTH", "someone", "else") }
            XCTFail("AUTH on a pooled connection went through")
        } catch let error as RedisError {
            guard error.code == .unsupportedCommand else { return XCTFail("unexpected \(error)") }
        }
        await pool.close()
    }
}
