import Foundation
import LarderRedis
import RedisTestSupport
import XCTest

/// The connect timeout bounds the whole connect, handshake and all (found in review: each
/// handshake command had a connect timeout of its own, so a slow Redis could take a multiple of
/// it: `HELLO`, `AUTH`, `CLIENT SETNAME`, `SELECT` one after another).
final class HandshakeDeadlineTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func testAHandshakeOfSeveralSlowRepliesFailsWithinOneConnectTimeout() async throws {
        let server = try await Self.redis.server()
        // Each reply 300 ms late: HELLO (which names the client) then SELECT take 600 ms,
        // each well within the 500 ms connect timeout, both together beyond it.
        let relay = try await SlowReplyRelay(upstreamPath: server.socketPath, delay: .milliseconds(300))
        var configuration = RedisConfiguration(endpoint: .unixSocket(path: relay.path))
        configuration.database = 1
        configuration.clientName = "slow-handshake"
        configuration.connectTimeout = .milliseconds(500)
        let started = ContinuousClock.now
        do {
            let connection = try await RedisConnection.connect(configuration: configuration)
            await connection.close()
            XCTFail("connected after \(ContinuousClock.now - started), beyond the 500 ms connect timeout")
        } catch {
            guard error.code == .connectTimeout, let timeout = error.duration else { return XCTFail("expected a connect timeout, got \(error)") }
            XCTAssertEqual(timeout, .milliseconds(500))
        }
        let elapsed = ContinuousClock.now - started
        XCTAssertLessThan(elapsed, .milliseconds(750), "the connect took \(elapsed), not about one connect timeout")
        await relay.close()
    }

    func testAHandshakeOfSlowRepliesWithinTheConnectTimeoutSucceeds() async throws {
        let server = try await Self.redis.server()
        let relay = try await SlowReplyRelay(upstreamPath: server.socketPath, delay: .milliseconds(100))
        var configuration = RedisConfiguration(endpoint: .unixSocket(path: relay.path))
        configuration.database = 1
        configuration.clientName = "slow-handshake"
        configuration.connectTimeout = .seconds(2)
        let connection = try await RedisConnection.connect(configuration: configuration)
        let pong = try await connection.send(PING())
        XCTAssertEqual(pong, "PONG")
        await connection.close()
        await relay.close()
    }
}
