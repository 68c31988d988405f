import Foundation
import NIOCore
import LarderRESP
import LarderRedis
import RedisTestSupport
import XCTest

/// Faults done for real: the server killed mid-command, stopped, restarted; a reply over the
/// configured limit; many tasks sharing one connection.
///
/// Tests that kill, stop or restart a server start their own; the others share the suite's.
final class RedisFaultTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    // MARK: The server goes away

    func testKillDuringBlockingCommandFailsItPromptlyWithConnectionClosed() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let redis = try await RedisConnection.connect(configuration: server.configuration())
        let blocked = Task { try await redis.send("BLPOP", "never-filled", 5) }
        try await waitUntilBlockedClients(on: server, are: 1)

        let killed = ContinuousClock.now
        server.kill()
        let result = await blocked.result
        let elapsed = ContinuousClock.now - killed

        guard case .failure(let error) = result, let redisError = error as? RedisError, redisError.code == .connectionClosed,
            let endpoint = redisError.endpoint
        else {
            return XCTFail("unexpected \(result)")
        }
        XCTAssertEqual(endpoint, .unixSocket(path: server.socketPath))
        XCTAssertLessThan(elapsed, .seconds(2), "BLPOP's own 5 s timeout must not be what ends the wait")
        XCTAssertFalse(redis.isOpen)
        do {
            _ = try await redis.send(PING())
            XCTFail("a connection to a killed server answered")
        } catch {
            guard error.code == .connectionClosed else { return XCTFail("unexpected \(error)") }
        }
    }

    func testKilledServerLeavesItsSocketBehindAndConnectIsRefused() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        server.kill()
        // SIGKILL gives Redis no chance to remove its socket file.
        XCTAssertTrue(FileManager.default.fileExists(atPath: server.socketPath))
        do {
            let redis = try await RedisConnection.connect(configuration: server.configuration())
            await redis.close()
            XCTFail("connected to a killed server")
        } catch {
            guard error.code == .connectionRefused, case .unixSocket(let path)? = error.endpoint else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(path, server.socketPath)
            XCTAssertTrue(error.description.contains("Redis stopped and left it behind?"), error.description)
        }
    }

    func testStoppedServerRemovesItsSocketAndConnectSaysSoWithTheFix() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let redis = try await RedisConnection.connect(configuration: server.configuration())
        server.stop()
        // A clean shutdown (SIGTERM) unlinks the socket file.
        XCTAssertFalse(FileManager.default.fileExists(atPath: server.socketPath))
        do {
            let again = try await RedisConnection.connect(configuration: server.configuration())
            await again.close()
            XCTFail("connected to a stopped server")
        } catch {
            guard error.code == .socketNotFound, let path = error.path else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(path, server.socketPath)
            XCTAssertTrue(error.description.contains("is Redis running?"), error.description)
            XCTAssertTrue(error.description.contains("Start the Redis server"), error.description)
            XCTAssertFalse(error.description.contains("setup.sh"), error.description)
        }
        // The connection opened before the stop learns of it on its next command.
        do {
            _ = try await redis.send(PING())
            XCTFail("a connection to a stopped server answered")
        } catch {
            guard error.code == .connectionClosed else { return XCTFail("unexpected \(error)") }
        }
    }

    func testAfterRestartANewConnectionWorksAndTheOldOneIsClosed() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let before = try await RedisConnection.connect(configuration: server.configuration())
        let firstPID = try XCTUnwrap(server.pid)
        _ = try await before.send("SET", "survives-restart", "no")

        try await server.restart()

        XCTAssertNotEqual(server.pid, firstPID, "restart must start a new process")
        do {
            _ = try await before.send(PING())
            XCTFail("the connection to the old process answered")
        } catch {
            guard error.code == .connectionClosed else { return XCTFail("unexpected \(error)") }
        }
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            let pong = try await redis.send(PING())
            XCTAssertEqual(pong, "PONG")
            // The private server has no persistence: a restart starts empty.
            let value = try await redis.send("GET", "survives-restart")
            XCTAssertNil(try String?(fromRESP: value))
        }
    }

    // MARK: Replies over the limit

    func testReplyOverMaxBulkLengthIsAProtocolErrorAndClosesTheConnection() async throws {
        let server = try await Self.redis.server()
        let key = "big-\(UUID())"
        let value = String(repeating: "x", count: 4096)
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            _ = try await redis.send("SET", key, value)
        }
        var limited = server.configuration()
        limited.limits.maxBulkLength = 1024
        let redis = try await RedisConnection.connect(configuration: limited)
        do {
            _ = try await redis.send("GET", key)
            XCTFail("a 4096-byte reply passed a 1024-byte limit")
        } catch {
            guard error.code == .protocolError, let endpoint = error.endpoint, let decodeError = error.decodeError,
                decodeError.code == .bulkTooLong, let length = decodeError.length, let limit = decodeError.limit
            else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(endpoint, .unixSocket(path: server.socketPath))
            XCTAssertEqual(length, 4096)
            XCTAssertEqual(limit, 1024)
            XCTAssertTrue(error.description.contains("maxBulkLength"), error.description)
        }
        XCTAssertFalse(redis.isOpen, "the stream cannot be resynchronised after a refused frame")
        do {
            _ = try await redis.send(PING())
            XCTFail("the connection answered after a protocol error")
        } catch {
            switch error.code {
            case .connectionClosed, .protocolError: break
            default: XCTFail("unexpected \(error)")
            }
        }
        // Replies under the limit still pass on a fresh connection with the same limit.
        let small = try await RedisConnection.withConnection(configuration: limited) { redis in
            try await redis.send(PING(message: String(repeating: "y", count: 1024)))
        }
        XCTAssertEqual(small.count, 1024)
    }

    // MARK: Sharing one connection

    func testConcurrentSetThenGetOnOneConnectionEachSeeItsOwnValue() async throws {
        let server = try await Self.redis.server()
        let redis = try await RedisConnection.connect(configuration: server.configuration(database: 1))
        let prefix = "concurrent-\(UUID())"
        try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<100 {
                group.addTask {
                    let key = "\(prefix)-\(index)"
                    let stored = try await redis.send("SET", key, "value-\(index)")
                    XCTAssertEqual(try String(fromRESP: stored), "OK")
                    let read = try await redis.send("GET", key)
                    return (index, try String?(fromRESP: read))
                }
            }
            var seen = Set<Int>()
            for try await (index, value) in group {
                XCTAssertEqual(value, "value-\(index)")
                seen.insert(index)
            }
            XCTAssertEqual(seen.count, 100)
        }
        XCTAssertTrue(redis.isOpen)
        await redis.close()
    }

    // MARK: Helpers

    /// Waits, by asking the server itself, until `count` clients are blocked (in BLPOP and the like).
    private func waitUntilBlockedClients(on server: PrivateRedisServer, are count: Int) async throws {
        try await RedisConnection.withConnection(configuration: server.configuration()) { observer in
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline {
                let info = try await observer.send(INFO(["clients"]))
                if info["clients"]["blocked_clients"] == String(count) { return }
                await Task.yield()
            }
            XCTFail("the server never reported \(count) blocked client(s)")
        }
    }
}
