import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import LarderRESP
import LarderRedis
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

    func testConnectionsOpenedAcrossARestartUnderLoadAreAllClosedByClose() async throws {
        // A late waiter of a failed connect must not clobber a newer attempt: otherwise
        // connections opened after the restart are orphaned and outlive close().
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        var configuration = server.configuration()
        configuration.clientName = "mux-restart-\(UUID().uuidString.prefix(8))"
        let redis = RedisMultiplexer(configuration: configuration, connections: 2)
        func load() async {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<500 { group.addTask { _ = try? await redis.send(PING()) } }
            }
        }
        await load()
        server.kill()
        async let during: Void = load()
        try await server.restart()
        await during
        await load()
        await redis.close()
        let left = try await clientCount(redis, on: server)
        XCTAssertEqual(left, 0, "connections outlived close(): \(left)")
    }

    func testAServerThatDoesNotAnswerConnectsIsFailedFastAfterTheFirstTimeout() async throws {
        // A listener whose accept queue is full: the kernel drops further SYNs, so a connect
        // hangs until its timeout, like a Redis host that went away.
        let listener = try FullBacklogListener()
        defer { listener.close() }
        var configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: listener.port))
        configuration.connectTimeout = .milliseconds(300)
        let redis = RedisMultiplexer(configuration: configuration, connections: 1)
        let first = ContinuousClock.now
        do {
            _ = try await redis.send(PING())
            XCTFail("PING answered by a listener that never accepts")
        } catch {
            guard error.code == .connectTimeout else { return XCTFail("expected a connect timeout, got \(error)") }
        }
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - first, .milliseconds(250))
        let next = ContinuousClock.now
        for _ in 0..<10 {
            do {
                _ = try await redis.send(PING())
                XCTFail("PING answered")
            } catch {
                guard error.code == .connectTimeout else { return XCTFail("expected the remembered timeout, got \(error)") }
            }
        }
        XCTAssertLessThan(ContinuousClock.now - next, .milliseconds(200), "calls in the backoff window must not wait for a connect")
        await redis.close()
    }

    func testAfterACommandTimeoutCallsFailFastWhileOneProbeAtATimeTriesTheServer() async throws {
        // A frozen server (SIGSTOP) accepts connections and takes commands but answers none:
        // each command in flight times out, and a new connection's handshake waits out the
        // connect timeout. Calls arriving meanwhile must fail at once, not queue behind either.
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        var configuration = server.configuration()
        configuration.commandTimeout = .milliseconds(200)
        configuration.connectTimeout = .seconds(1)  // longer than a command's: a call that reconnects shows
        let redis = RedisMultiplexer(configuration: configuration, connections: 2)
        let keys = (0..<20).map { RedisKey("stall:\($0)") }
        for (index, key) in keys.enumerated() { _ = try await redis.send(SET(key, "value \(index)")) }

        let outcomes: [(elapsed: Duration, error: RedisError?)] = try await server.whileSuspended {
            // Commands in flight on both connections when the server stops: each times out.
            await withTaskGroup(of: Void.self) { group in
                for key in keys { group.addTask { _ = try? await redis.send(GET(key)) } }
            }
            // Then a call every 20 ms for 2.5 s, as requests arrive, each on its own.
            return await withTaskGroup(of: (elapsed: Duration, error: RedisError?).self) { group in
                let stalled = ContinuousClock.now
                while ContinuousClock.now - stalled < .milliseconds(2_500) {
                    group.addTask {
                        let started = ContinuousClock.now
                        do throws(RedisError) {
                            _ = try await redis.send(PING())
                            return (ContinuousClock.now - started, nil)
                        } catch {
                            return (ContinuousClock.now - started, error)
                        }
                    }
                    try? await Task.sleep(for: .milliseconds(20))
                }
                var outcomes: [(elapsed: Duration, error: RedisError?)] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
        }
        XCTAssertTrue(outcomes.allSatisfy { $0.error != nil }, "a frozen server answered")
        // Turned away without being sent, or a probe's handshake that timed out: nothing else.
        for case let error? in outcomes.map(\.error) {
            switch error.code {
            case .unresponsive:
                XCTAssertEqual(error.command, "GET", "the command that timed out, not this call's")
                XCTAssertEqual(error.duration, .milliseconds(200))
            case .connectTimeout: break
            default: XCTFail("unexpected \(error)")
            }
        }
        let slowest = outcomes.map(\.elapsed).max() ?? .zero
        XCTAssertLessThan(slowest, .milliseconds(1_500), "a call waited longer than a connect timeout")
        let waited = outcomes.filter { $0.elapsed >= .milliseconds(150) }
        XCTAssertLessThanOrEqual(
            waited.count, 5,
            "of \(outcomes.count) calls, \(waited.count) waited for the server (only the probes should): \(waited.map(\.error))")

        // Continued, the server is found again by a probe of the multiplexer's own.
        let pong = await waitUntil(limit: .seconds(10)) { try? await redis.send(PING()) }
        XCTAssertEqual(pong, "PONG", "the multiplexer did not find the server again")
        // The replies the timed-out GETs got late went nowhere: each key reads as itself.
        let values = await redis.execute(keys.map { GET($0) })
        for (index, value) in values.enumerated() {
            XCTAssertEqual(try value.get().map { String(buffer: $0) }, "value \(index)", "stall:\(index)")
        }
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
            guard error.code == .poolClosed else { return XCTFail("\(error)") }
        }
        let connections = try await clientCount(redis, on: server)
        XCTAssertEqual(connections, 0, "close() must close the connections")
    }
}

/// A loopback TCP listener that never accepts, its queue filled so that new connects hang.
final class FullBacklogListener {
    let port: Int
    private let descriptor: Int32
    private let fillers: [Int32]

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound, listen(descriptor, 0) == 0 else { throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: address.sin_port))
        var fillers: [Int32] = []
        // Fill the accept queue (backlog 0 holds one connection on Linux), without blocking.
        for _ in 0..<4 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var target = address
            _ = withUnsafeMutablePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            fillers.append(filler)
        }
        self.fillers = fillers
    }

    func close() {
        for filler in fillers { Glibc.close(filler) }
        Glibc.close(descriptor)
    }
}
