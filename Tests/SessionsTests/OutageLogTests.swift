import Foundation
import Logging
import RedisTestSupport
import Sessions
import Synchronization
import XCTest

/// What the stores log while Redis is down: one line when an outage starts, one when it ends,
/// never one per request.
final class OutageLogTests: XCTestCase {
    /// Keeps every message logged through it.
    final class Recorder: Sendable {
        let messages = Mutex<[(Logger.Level, String)]>([])
        var logger: Logger {
            Logger(label: "outage-test") { _ in RecordingHandler(recorder: self) }
        }
    }

    struct RecordingHandler: LogHandler {
        let recorder: Recorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            recorder.messages.withLock { $0.append((event.level, "\(event.message)")) }
        }
    }

    /// Whether loading `key` fails because the store is unreachable.
    static func isUnavailable(_ store: RedisSessionStore, key: String) async -> Bool {
        do {
            _ = try await store.load(key: key)
            return false
        } catch {
            if case .storeUnavailable = error { return true }
            return false
        }
    }

    func testTheStandaloneStoreLogsAnOutageOnceAndItsEndOnce() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let recorder = Recorder()
        let store = try await RedisSessionStore.connect(
            configuration: try RedisSessionConfiguration(socketPath: server.socketPath),
            signer: try SessionSigner(secret: "chapter-05-test-secret"), logger: recorder.logger)
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
        let messages = recorder.messages.withLock { $0 }.filter { $0.0 >= .notice }
        XCTAssertEqual(messages.map(\.0), [.warning, .notice], "\(messages)")
        XCTAssertTrue(messages.first?.1.contains("unreachable") == true, "\(messages)")
    }
}
