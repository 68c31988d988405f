@testable import Chapters
import Foundation
import LarderSessions
import Logging
import RedisTestSupport
import XCTest

/// `sessions --serve` records every session its site creates; `sessions --clean` deletes exactly
/// those, on each engine, and leaves other sessions alone. On a private server.
final class ServedSessionCleanTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func testCleanDeletesEverySessionTheServedSiteCreatedAndNoOther() async throws {
        let server = try await Self.redis.server()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("served-sessions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let databasePath = folder.appendingPathComponent("db.sqlite3").path
        let ledger = ServedSessionLedger(path: folder.appendingPathComponent(ServedSessionLedger.fileName).path)
        let logger = Logger(label: "test")
        let data = DjangoSessionData(["count": .int(1)])

        var created: [(SessionsSite.Engine, String)] = []
        var others: [(SessionsSite.Engine, String)] = []
        for engine in SessionsSite.Engine.allCases {
            let backend = try await SessionsSite.backend(engine, socketPath: server.socketPath, databasePath: databasePath, secret: "s", logger: logger)
            let served = SessionsSite.servedStore(backend, engine: engine, ledger: ledger)
            for index in 0..<2 {
                let key = "served\(engine.rawValue.replacingOccurrences(of: "_", with: ""))\(index)".padding(toLength: 32, withPad: "0", startingAt: 0)
                let createdNow = try await served.create(key: key, data: data, age: 600)
                XCTAssertTrue(createdNow)
                created.append((engine, key))
            }
            // A session the served site did not create: the reader's own app's.
            let other = "readersown\(engine.rawValue.replacingOccurrences(of: "_", with: ""))".padding(toLength: 32, withPad: "0", startingAt: 0)
            let createdOther = try await backend.store.create(key: other, data: data, age: 600)
            XCTAssertTrue(createdOther)
            others.append((engine, other))
            await backend.close()
        }
        XCTAssertEqual(try ledger.entries().map { "\($0.engine.rawValue) \($0.key)" }, created.map { "\($0.0.rawValue) \($0.1)" })

        let counts = try await SessionsSite.cleanServed(ledger: ledger, socketPath: server.socketPath, databasePath: databasePath, logger: logger)
        XCTAssertEqual(counts.map { "\($0.engine.rawValue)=\($0.deleted)" }, ["cache=2", "cached_db=2", "redis=2"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: ledger.path), "the ledger outlives the sessions it listed")

        for engine in SessionsSite.Engine.allCases {
            let backend = try await SessionsSite.backend(engine, socketPath: server.socketPath, databasePath: databasePath, secret: "s", logger: logger)
            for (owner, key) in created where owner == engine {
                let left = try await backend.store.load(key: key)
                XCTAssertNil(left, "\(engine.rawValue): \(key) is still there")
            }
            for (owner, key) in others where owner == engine {
                let kept = try await backend.store.load(key: key)
                XCTAssertNotNil(kept, "\(engine.rawValue): the reader's \(key) was deleted")
            }
            await backend.close()
        }
        let again = try await SessionsSite.cleanServed(ledger: ledger, socketPath: server.socketPath, databasePath: databasePath, logger: logger)
        XCTAssertTrue(again.isEmpty)
    }

    func testALedgerLineThatIsNotEngineAndKeyNamesItsLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "cache abc\nmemcached def\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ServedSessionLedger(path: path).entries()) { error in
            XCTAssertTrue("\(error)".contains("line 2"), "\(error)")
        }
    }
}
