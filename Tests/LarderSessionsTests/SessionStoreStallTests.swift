import Foundation
import RedisTestSupport
import LarderSessions
import WebTestSupport
import XCTest

/// The session stores with their Redis frozen (`SIGSTOP`): a request that needs the session
/// answers 503 within the store's timeout instead of waiting for a server that does not
/// answer, and the session is there again once Redis continues.
final class SessionStoreStallTests: XCTestCase {
    func testWithRedisFrozenTheRedisStoreAnswers503WithinItsTimeout() async throws {
        try await checkStall(.redis)
    }

    func testWithRedisFrozenTheCacheEngineAnswers503WithinItsTimeout() async throws {
        try await checkStall(.cache)
    }

    /// One session, a request with its cookie while Redis is frozen, then one after.
    func checkStall(_ engine: Engine, file: StaticString = #filePath, line: UInt = #line) async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        try await SessionFixture.with(engine, server: server) { site in
            let created = try await site.get("/session")
            let header = try XCTUnwrap(created.values("Set-Cookie").first { $0.hasPrefix("sessionid=") }, file: file, line: line)
            let key = String(header.dropFirst("sessionid=".count).prefix { $0 != ";" })

            let (down, elapsed) = try await server.whileSuspended {
                let started = ContinuousClock.now
                let response = try await site.get("/session", cookie: key)
                return (response, ContinuousClock.now - started)
            }
            XCTAssertEqual(down.status, 503, down.text, file: file, line: line)
            XCTAssertLessThan(elapsed, .seconds(1), "the \(engine) store waited \(elapsed) for a frozen Redis", file: file, line: line)

            // Continued, the store finds Redis again by itself, and the session is as it was.
            let back = await waitUntil(limit: .seconds(10)) { () -> LoopbackHTTPClient.Response? in
                guard let response = try? await site.get("/session", cookie: key), response.status == 200 else { return nil }
                return response
            }
            XCTAssertEqual(back?.text, "count 2", file: file, line: line)
        }
    }
}
