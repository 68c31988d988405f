import Foundation
import GRDB

/// Django's `db` session engine: Django's own `django_session` table, in SQLite through GRDB
/// (the system `libsqlite3`), in WAL mode so that reads never wait for the writer.
///
/// ```sql
/// CREATE TABLE "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY,
///                                "session_data" text NOT NULL, "expire_date" datetime NOT NULL);
/// CREATE INDEX "django_session_expire_date_a5c62663" ON "django_session" ("expire_date");
/// ```
///
/// `session_data` is Django's signed session string (``SessionSigner``), `expire_date` UTC text
/// as Django writes it. Expired rows stay until ``clearExpired(now:)`` (Django's
/// `clearsessions`) removes them; they are never loaded.
public final class DatabaseSessionStore: SessionStore {
    /// The database.
    public let database: DatabasePool
    /// Signs and checks `session_data`.
    public let signer: SessionSigner
    public var name: String { "db" }

    /// Opens (or creates) the SQLite database at `path`, in WAL mode, and creates Django's
    /// table and index if they are missing.
    ///
    /// - Throws: ``SessionError/database(_:)`` when the file cannot be opened or written.
    public init(path: String, signer: SessionSigner) throws(SessionError) {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // WAL's own recommendation: fsync at checkpoints, not at every commit. A crash of
            // the machine may lose the last commits, never corrupt the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        configuration.busyMode = .timeout(5)
        do {
            database = try DatabasePool(path: path, configuration: configuration)  // WAL mode
            try database.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS "django_session" (
                        "session_key" varchar(40) NOT NULL PRIMARY KEY,
                        "session_data" text NOT NULL,
                        "expire_date" datetime NOT NULL);
                    CREATE INDEX IF NOT EXISTS "django_session_expire_date_a5c62663" ON "django_session" ("expire_date");
                    """)
            }
        } catch {
            throw .database("cannot open the session database \(path): \(error)")
        }
        self.signer = signer
    }

    /// The journal mode SQLite reports (`wal`).
    public func journalMode() throws(SessionError) -> String {
        do {
            return try database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
        } catch {
            throw .database("\(error)")
        }
    }

    /// A session row as stored.
    public struct Row: Sendable, Hashable {
        /// The signed session string.
        public var sessionData: String
        /// When the session expires.
        public var expireDate: Date
    }

    /// The unexpired row of `key`, or `nil`.
    public func row(key: String, now: Date = Date()) async throws(SessionError) -> Row? {
        let nowText = SQLDateTime.string(from: now)
        do {
            return try await database.read { db -> Row? in
                guard let row = try GRDB.Row.fetchOne(
                    db, sql: "SELECT session_data, expire_date FROM django_session WHERE session_key = ? AND expire_date > ?",
                    arguments: [key, nowText])
                else { return nil }
                let data: String = row[0]
                let expires: String = row[1]
                return Row(sessionData: data, expireDate: SQLDateTime.date(from: expires) ?? now)
            }
        } catch {
            throw .database("\(error)")
        }
    }

    public func load(key: String) async throws(SessionError) -> DjangoSessionData? {
        try await loadWithExpiry(key: key)?.data
    }

    /// The session under `key` and when it expires (the cached-DB engine refills the cache
    /// with what remains), or `nil`. A row whose data does not verify reads as absent.
    public func loadWithExpiry(key: String, now: Date = Date()) async throws(SessionError) -> (data: DjangoSessionData, expires: Date)? {
        guard let row = try await row(key: key, now: now), let data = signer.unsign(Array(row.sessionData.utf8)) else { return nil }
        return (data, row.expireDate)
    }

    /// `INSERT`; `false` when the key is taken (Django's `force_insert` and its `IntegrityError`).
    public func create(key: String, data: DjangoSessionData, age: Int) async throws(SessionError) -> Bool {
        let now = Date()
        // Django's create_model_instance: expire_date = get_expiry_date().
        let arguments: StatementArguments = [key, signer.sign(data, at: now), SQLDateTime.string(from: data.expiryDate(cookieAge: age, now: now))]
        do {
            return try await database.write { db in
                try db.execute(
                    sql: "INSERT OR IGNORE INTO django_session (session_key, session_data, expire_date) VALUES (?, ?, ?)",
                    arguments: arguments)
                return db.changesCount == 1
            }
        } catch {
            throw .database("\(error)")
        }
    }

    /// `UPDATE`; `false` when no row has the key (Django's `force_update` that "did not affect
    /// any rows").
    public func update(key: String, data: DjangoSessionData, age: Int) async throws(SessionError) -> Bool {
        let now = Date()
        let arguments: StatementArguments = [signer.sign(data, at: now), SQLDateTime.string(from: data.expiryDate(cookieAge: age, now: now)), key]
        do {
            return try await database.write { db in
                try db.execute(sql: "UPDATE django_session SET session_data = ?, expire_date = ? WHERE session_key = ?", arguments: arguments)
                return db.changesCount == 1
            }
        } catch {
            throw .database("\(error)")
        }
    }

    public func delete(key: String) async throws(SessionError) {
        do {
            try await database.write { db in
                try db.execute(sql: "DELETE FROM django_session WHERE session_key = ?", arguments: [key])
            }
        } catch {
            throw .database("\(error)")
        }
    }

    /// Django's `manage.py clearsessions`: deletes the rows that expired before `now`;
    /// returns how many.
    @discardableResult
    public func clearExpired(now: Date = Date()) async throws(SessionError) -> Int {
        let nowText = SQLDateTime.string(from: now)
        do {
            return try await database.write { db in
                try db.execute(sql: "DELETE FROM django_session WHERE expire_date < ?", arguments: [nowText])
                return db.changesCount
            }
        } catch {
            throw .database("\(error)")
        }
    }

    /// How many rows the table holds, expired ones included.
    public func count() async throws(SessionError) -> Int {
        do {
            return try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM django_session") ?? 0 }
        } catch {
            throw .database("\(error)")
        }
    }
}
