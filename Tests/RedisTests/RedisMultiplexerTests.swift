import Foundation
import NIOCore
import RESP
import Redis
import RedisTestSupport
import XCTest

/// The multiplexer against a real private server: concurrent callers share its few
/// connections (counted by the server in `CLIENT LIST`), replies reach their callers, it
/// refuses state-changing commands, fails fast while Redis is down and recovers after.
final class RedisMultiplexerTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func named(_ server: PrivateRedisServer, connections: Int) -> RedisMultiplexer {
        var configuration = server.configuration()
        configuration.clientName = "mux-test-\(UUID().uuidString.prefix(8))"
        return RedisMultiplexer(configuration: configuration, connections: connections)
    }

    func clientCount(_ redis: RedisMultiplexer, on server: PrivateRedisServer) async throws -> Int {
        let name = try XCTUnwrap(redis.configuration.clientName)
        return try await RedisConnection.withConnection(configuration: server.configuration()) { connection in
            let list = try String(fromRESP: try await connection.send("CLIENT", "LIST"))
            return list.split(whereSeparator: \.isNewline).filter { $0.split(separator: " ").contains("name=\(name)") }.count
        }
    }

    func testThousandsOfConcurrentCallersShareTwoConnectionsAndGetTheirOwnReplies() async throws {
        let server = try await Self.redis.server()
        let redis = named(server, connections: 2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<2_000 {
                group.addTask {
                    let key = RedisKey("mux:\(caller)")
                    _ = try await redis.send(SET(key, "value \(caller)", expiration: .seconds(30)))
                    let (value, ttl) = await redis.execute(GET(key), PTTL(key))
                    XCTAssertEqual(try value.get().map { String(buffer: $0) }, "value \(caller)")
                    guard case .expires = try ttl.get() else { return XCTFail("no TTL for \(key)") }
                }
            }
            try await group.waitForAll()
        }
        let connections = try await clientCount(redis, on: server)
        await redis.close()
        XCTAssertEqual(connections, 2, "2,000 concurrent callers must share the two connections")
    }

    func testStateChangingCommandsAreRefused() async throws {
        let server = try await Self.redis.server()
        let redis = named(server, connections: 1)
        do {
            _ = try await redis.send(SELECT(database: 2))
            XCTFail("SELECT ran on a shared connection")
        } catch {
            XCTAssertTrue("\(error)".contains("SELECT"), "\(error)")
        }
        await redis.close()
    }

    func testWhileRedisIsDownCallsFailFastAndTheNextCallAfterARestartWorks() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let redis = RedisMultiplexer(configuration: server.configuration(), connections: 2)
        _ = try await redis.send(PING())
        server.kill()
        let started = ContinuousClock.now
        for _ in 0..<20 {
            do {
                _ = try await redis.send(PING())
                XCTFail("PING answered with the server killed")
            } catch {
                // The connection closing, then each new connect refused.
            }
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(2), "calls should fail at once while Redis is down")
        try await server.restart()
        let pong = try await redis.send(PING())
        XCTAssertEqual(pong, "PONG")
        await redis.close()
    }

    func testCloseFailsLaterCallsWithPoolClosed() async throws {
        let server = try await Self.redis.server()
        let redis = named(server, connections: 2)
        _ = try await redis.send(PING())
        await redis.close()
        do {
            _ = try await redis.send(PING())
            XCTFail("a closed multiplexer sent a command")
        } catch {
            guard case .poolClosed = error else { return XCTFail("\(error)") }
        }
        let connections = try await clientCount(redis, on: server)
        XCTAssertEqual(connections, 0, "close() must close the connections")
    }
}
