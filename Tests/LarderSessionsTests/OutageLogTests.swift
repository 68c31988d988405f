import Foundation
import Logging
import RedisTestSupport
import LarderSessions
import XCTest

/// What the stores log while Redis is down: one line when an outage starts, one when it ends,
/// never one per request.
final class OutageLogTests: XCTestCase {
    /// Whether loading `key` fails because the store is unreachable.
    static func isUnavailable(_ store: RedisSessionStore, key: String) async -> Bool {
        do {
            _ = try await store.load(key: key)
            return false
        } catch {
            if error.code == .storeUnavailable { return true }
            return false
        }
    }

    func testTheStandaloneStoreLogsAnOutageOnceAndItsEndOnce() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let recorder = LogRecorder()
        let store = try await RedisSessionStore.connect(
            configuration: try RedisSessionConfiguration(socketPath: server.socketPath),
            signer: try SessionSigner(secret: "chapter-05-test-secret"), logger: recorder.logger())
        defer { Task { await store.close() } }
        _ = try await store.load(key: SessionKey.generate())
        server.kill()
        var failures = 0
        for _ in 0..<5 {
            if await Self.isUnavailable(store, key: SessionKey.generate()) { failures += 1 }
        }
        XCTAssertEqual(failures, 5, "every load with Redis killed fails as unavailable")
        try await server.restart()
        _ = try await store.load(key: SessionKey.generate())
        _ = try await store.load(key: SessionKey.generate())
        // Connections log at debug level; the outage lines are what an operator sees.
        let messages = recorder.events(atLeast: .notice)
        XCTAssertEqual(messages.map(\.level), [.warning, .notice], "\(messages)")
        XCTAssertTrue(messages.first?.message.contains("unreachable") == true, "\(messages)")
    }
}
