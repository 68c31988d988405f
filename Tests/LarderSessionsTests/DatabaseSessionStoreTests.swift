import Foundation
import GRDB
import LarderSessions
import XCTest

/// Django's `django_session` table in SQLite, without Redis.
final class DatabaseSessionStoreTests: XCTestCase {
    var folder: URL!

    override func setUp() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sessions-db-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    func makeStore() throws -> DatabaseSessionStore {
        try DatabaseSessionStore(path: folder.appendingPathComponent("db.sqlite3").path, signer: try SessionSigner(secret: "chapter-05-test-secret"))
    }

    func testTheTableIsDjangosInWALMode() throws {
        let store = try makeStore()
        XCTAssertEqual(try store.journalMode(), "wal")
        let schema = try store.database.read { db in
            // The primary key's automatic index has no SQL.
            try String?.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE tbl_name = 'django_session' ORDER BY type DESC").compactMap { $0 }
        }
        XCTAssertEqual(schema.count, 2, "\(schema)")  // the table, the expire_date index
        XCTAssertTrue(schema[0].contains(#""session_key" varchar(40) NOT NULL PRIMARY KEY"#), schema[0])
        XCTAssertTrue(schema.contains { $0.contains(#"CREATE INDEX "django_session_expire_date_a5c62663""#) }, "\(schema)")
    }

    func testClearSessionsDeletesOnlyExpiredRows() async throws {
        let store = try makeStore()
        let awaited1 = try await store.create(key: "expiredkey0000000000000000000000", data: DjangoSessionData(["a": 1]), age: -10)
        XCTAssertTrue(awaited1)
        let awaited2 = try await store.create(key: "livekey000000000000000000000000a", data: DjangoSessionData(["b": 2]), age: 3_600)
        XCTAssertTrue(awaited2)
        let expiredLoad = try await store.load(key: "expiredkey0000000000000000000000")
        XCTAssertNil(expiredLoad, "an expired row is never loaded")
        let awaited3 = try await store.count()
        XCTAssertEqual(awaited3, 2)
        let awaited4 = try await store.clearExpired()
        XCTAssertEqual(awaited4, 1)
        let awaited5 = try await store.count()
        XCTAssertEqual(awaited5, 1)
        let live = try await store.load(key: "livekey000000000000000000000000a")
        XCTAssertEqual(live, DjangoSessionData(["b": 2]))
    }

    func testUpdateOfAMissingRowReportsIt() async throws {
        let store = try makeStore()
        let updated = try await store.update(key: "nosuchkey0000000000000000000000a", data: DjangoSessionData(["a": 1]), age: 60)
        XCTAssertFalse(updated)
    }

    func testATamperedRowReadsAsAbsent() async throws {
        let store = try makeStore()
        let key = "tamperedkey000000000000000000000"
        let awaited6 = try await store.create(key: key, data: DjangoSessionData(["admin": false]), age: 60)
        XCTAssertTrue(awaited6)
        try await store.database.write { db in
            try db.execute(sql: "UPDATE django_session SET session_data = replace(session_data, 'ZmFsc2V9', 'dHJ1ZX0') WHERE session_key = ?", arguments: [key])
        }
        let loaded = try await store.load(key: key)
        XCTAssertNil(loaded)
    }
}
