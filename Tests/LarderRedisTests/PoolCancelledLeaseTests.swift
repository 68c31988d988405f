import Foundation
import NIOCore
import LarderRESP
@testable import LarderRedis
import RedisTestSupport
import XCTest

/// A lease whose caller cancelled a command goes back closed, not lent again: the cancelled
/// command's reply may still be due (a `BLPOP … 0` for ever), and the next caller would wait
/// behind it until its command timeout.
final class PoolCancelledLeaseTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func testTheNextCallerIsNotQueuedBehindACancelledBlockingCommand() async throws {
        let server = try await Self.redis.server()
        var configuration = server.configuration()
        configuration.commandTimeout = .seconds(10)
        let pool = RedisConnectionPool(
            configuration: configuration, poolConfiguration: RedisConnectionPoolConfiguration(maximumConnections: 1))
        let list = RedisKey("never-filled-\(UUID())")
        let key = RedisKey("after-the-cancel-\(UUID())")

        try await pool.withConnection { connection in
            let blocked = Task { try await connection.send("BLPOP", list, 0) }
            let written = await waitUntil(limit: .seconds(5), interval: .milliseconds(2)) {
                await connection.repliesAwaited() == 1 ? true : nil
            }
            XCTAssertNotNil(written, "the BLPOP was never written")
            blocked.cancel()
            do {
                _ = try await blocked.value
                XCTFail("the cancelled BLPOP returned a reply")
            } catch let error as RedisError {
                guard error.code == .cancelled else { return XCTFail("unexpected \(error)") }
            }
        }

        let started = ContinuousClock.now
        _ = try await pool.send(SET(key, "stored"))
        let value = try await pool.send(GET(key))
        let waited = ContinuousClock.now - started
        XCTAssertEqual(value.map { String(buffer: $0) }, "stored")
        XCTAssertLessThan(waited, .seconds(2), "the next caller waited \(waited) behind the cancelled BLPOP")
        await pool.close()
    }
}
