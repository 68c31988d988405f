import Foundation
import NIOCore
import LarderRESP
@testable import LarderRedis
import RedisTestSupport
import Synchronization
import XCTest

/// The multiplexer's backoff ends only when Redis is found answering, and never outlives
/// `close()` (found in review: a probe that was never answered, failed by an older command's
/// timeout or refused before it was sent, ended the backoff; and calls after `close()` during
/// a backoff failed with the backoff's error instead of `poolClosed`).
final class RedisMultiplexerBackoffTests: XCTestCase {
    // MARK: What a probe's outcome says

    func testOnlyATimeoutOrAnAnswerDecidesAndEverythingElseIsInconclusive() {
        let endpoint = RedisEndpoint.unixSocket(path: "/tmp/probe-verdict.sock")
        let timedOut: [RedisError] = [.commandTimeout(command: "GET", .milliseconds(200)), .connectTimeout(endpoint, .seconds(1))]
        let reached: [RedisError?] = [
            nil, .server(RedisServerError(reply: "WRONGTYPE Operation against a key holding the wrong kind of value")),
            .protocolError(endpoint, .missingCRLF(offset: 3)), .notARedisServer(endpoint, detail: "HTTP"),
            .connectionRefused(endpoint), .socketNotFound(path: "/tmp/probe-verdict.sock"), .connectFailed(endpoint, reason: "EHOSTUNREACH"),
        ]
        let inconclusive: [RedisError] = [
            .connectionClosed(endpoint), .unresponsive(endpoint, command: "GET", .milliseconds(200)), .cancelled, .poolClosed,
            .requiresLease(command: "MULTI"), .unsupportedCommand("SUBSCRIBE"), .selectOnPooledConnection,
        ]
        for error in timedOut {
            guard case .timedOut = ProbeVerdict(error) else { return XCTFail("\(error) is a timeout") }
        }
        for error in reached {
            guard case .reached = ProbeVerdict(error) else { return XCTFail("\(String(describing: error)) says the server answered or is gone") }
        }
        for error in inconclusive {
            guard case .inconclusive = ProbeVerdict(error) else { return XCTFail("\(error) says nothing of the server") }
        }
    }

    func testCommandsSentTogetherTimeOutIfAnyDidAndReachTheServerIfAnyWasAnswered() {
        let endpoint = RedisEndpoint.unixSocket(path: "/tmp/probe-verdict.sock")
        let timeout = RedisError.commandTimeout(command: "GET", .milliseconds(200))
        guard case .timedOut = ProbeVerdict(outcomes: [nil, .connectionClosed(endpoint), timeout]) else { return XCTFail("a timeout") }
        guard case .reached = ProbeVerdict(outcomes: [.connectionClosed(endpoint), nil]) else { return XCTFail("one was answered") }
        guard case .inconclusive = ProbeVerdict(outcomes: [RedisError.requiresLease(command: "MULTI"), .connectionClosed(endpoint)]) else {
            return XCTFail("none was sent and answered")
        }
        guard case .inconclusive = ProbeVerdict(outcomes: [RedisError?]()) else { return XCTFail("nothing was sent") }
    }

    // MARK: Against a stalled server

    func testAProbeRefusedBeforeItIsSentLeavesTheBackoffOn() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let redis = try await startBackoff(on: server)

        // The server answers again, but the first call let through after the delay is refused
        // before it is sent (a multiplexer refuses MULTI): it learns nothing of the server.
        let refused: RedisError? = await waitUntil(limit: .seconds(5), interval: .milliseconds(20)) {
            do throws(RedisError) {
                _ = try await redis.send(MULTI())
                return nil
            } catch {
                if error.code == .unresponsive { return nil }  // turned away: the delay is not over
                return error
            }
        }
        guard refused?.code == .requiresLease else { return XCTFail("expected MULTI refused as the probe, got \(String(describing: refused))") }
        XCTAssertTrue(redis.backingOff.load(ordering: .relaxed), "a probe that was never sent ended the backoff")

        // The next call probes for real, and the server's answer ends the backoff.
        let pong = try await redis.send(PING())
        XCTAssertEqual(pong, "PONG")
        XCTAssertFalse(redis.backingOff.load(ordering: .relaxed), "an answered probe must end the backoff")
        await redis.close()
    }

    func testAProbeFailedByAnOlderCommandsTimeoutLeavesTheBackoffOn() async throws {
        // Two connections to a frozen server. The first GET times out and starts the backoff;
        // a GET sent later is still waiting on the other connection when the backoff lets a
        // probe through, so the probe queues behind it and fails with connectionClosed when
        // that GET times out: the server never answered it.
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let recorder = LogRecorder()
        var configuration = server.configuration()
        configuration.commandTimeout = .milliseconds(1_500)
        configuration.connectTimeout = .milliseconds(500)
        let redis = RedisMultiplexer(configuration: configuration, connections: 2, logger: recorder.logger())
        for _ in 0..<2 { _ = try await redis.send(PING()) }  // both connections open; the next call takes the first
        let key = RedisKey("backoff-\(UUID())")

        let probeError: RedisError? = try await server.whileSuspended {
            let first = Task { _ = try await redis.send(GET(key)) }
            // Half a timeout later, so that they are still waiting when the probe comes: one
            // on each connection (which goes where does not matter), and the probe lands on
            // the second, behind the one there.
            try await Task.sleep(for: .milliseconds(750))
            let later = (0..<2).map { _ in Task { _ = try await redis.send(GET(key)) } }
            let firstOutcome = await first.result
            guard case .failure(let error) = firstOutcome, (error as? RedisError)?.code == .commandTimeout else {
                XCTFail("the first GET did not time out: \(firstOutcome)")
                return nil
            }
            XCTAssertTrue(redis.backingOff.load(ordering: .relaxed), "a command timeout must start a backoff")
            let probeError: RedisError? = await waitUntil(limit: .seconds(3), interval: .milliseconds(20)) {
                do throws(RedisError) {
                    _ = try await redis.send(PING())
                    return nil
                } catch {
                    if error.code == .unresponsive { return nil }  // turned away: the delay is not over
                    return error
                }
            }
            for task in later { _ = await task.result }
            XCTAssertFalse(
                recorder.lines.contains { $0.contains("answers again") },
                "the backoff ended while the server was frozen: \(recorder.lines)")
            XCTAssertTrue(redis.backingOff.load(ordering: .relaxed), "the backoff ended while the server was frozen")
            return probeError
        }
        guard probeError?.code == .connectionClosed else {
            return XCTFail("expected the probe to fail with the older command's connection, got \(String(describing: probeError))")
        }

        // Continued, the server answers a probe, and that ends the backoff.
        let pong = await waitUntil(limit: .seconds(10)) { try? await redis.send(PING()) }
        XCTAssertEqual(pong, "PONG")
        XCTAssertTrue(recorder.lines.contains { $0.contains("answers again") }, "an answered probe must end the backoff")
        await redis.close()
    }

    func testCloseDuringABackoffFailsLaterCallsWithPoolClosed() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let redis = try await startBackoff(on: server)
        await redis.close()
        for _ in 0..<3 {
            do {
                _ = try await redis.send(PING())
                XCTFail("a closed multiplexer answered")
            } catch {
                guard error.code == .poolClosed else { return XCTFail("expected poolClosed after close(), got \(error)") }
            }
        }
    }

    // MARK: Helpers

    /// A multiplexer over two connections to `server` whose GET timed out while the server was
    /// frozen: its backoff is on when this returns, with the server answering again.
    private func startBackoff(on server: PrivateRedisServer) async throws -> RedisMultiplexer {
        var configuration = server.configuration()
        configuration.commandTimeout = .milliseconds(200)
        let redis = RedisMultiplexer(configuration: configuration, connections: 2)
        for _ in 0..<2 { _ = try await redis.send(PING()) }
        try await server.whileSuspended {
            do {
                _ = try await redis.send(GET(RedisKey("backoff-\(UUID())")))
                XCTFail("a frozen server answered")
            } catch {
                guard (error as? RedisError)?.code == .commandTimeout else { return XCTFail("expected a command timeout, got \(error)") }
            }
        }
        XCTAssertTrue(redis.backingOff.load(ordering: .relaxed), "a command timeout must start a backoff")
        return redis
    }

    /// `MULTI`, as a caller may declare it.
    private struct MULTI: RedisCommand {
        static var name: RedisCommandName { "MULTI" }
        func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name) }
    }
}
