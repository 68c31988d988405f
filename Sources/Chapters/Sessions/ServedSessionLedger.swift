import Foundation
import Logging
import LarderSessions
import Synchronization

/// The sessions a `sessions --serve` run created, one `engine key` line each, so that
/// `sessions --clean` deletes exactly those and never a session of the reader's own app (the
/// standalone store's keys are bare, in DB 0, where any app's keys may be).
///
/// The file lives beside the SQLite table the served site writes: `sessions-served.txt` in the
/// folder `--serve` ran from (ignored by git, as `db.sqlite3` is).
public final class ServedSessionLedger: Sendable {
    /// The file's name, in the folder the site was served from.
    public static let fileName = "sessions-served.txt"

    /// The ledger's file.
    public let path: String
    private let lock = Mutex(())

    /// The ledger at `path` (created on the first session recorded).
    public init(path: String) {
        self.path = path
    }

    /// Appends `key`, created on `engine`'s store. A line that cannot be written is reported
    /// to the caller's store as an error, so a session is never kept that `--clean` would miss.
    func record(_ key: String, engine: SessionsSite.Engine) throws {
        try lock.withLock { _ in
            let line = Data("\(engine.rawValue) \(key)\n".utf8)
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: line) else {
                    throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
                }
                return
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        }
    }

    /// The recorded sessions, in the order they were created; none when there is no ledger.
    public func entries() throws -> [(engine: SessionsSite.Engine, key: String)] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { number, line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let engine = SessionsSite.Engine(rawValue: String(parts[0])) else {
                throw CocoaError(
                    .fileReadCorruptFile,
                    userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "\(path) line \(number + 1) is not 'engine key': \(line)"])
            }
            return (engine, String(parts[1]))
        }
    }

    /// Deletes the ledger once its sessions are gone.
    public func remove() throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        try FileManager.default.removeItem(atPath: path)
    }
}

/// A store that records in a ``ServedSessionLedger`` every session it creates, and is
/// otherwise the store it wraps.
struct RecordingSessionStore: SessionStore {
    let store: any SessionStore
    let engine: SessionsSite.Engine
    let ledger: ServedSessionLedger

    var name: String { store.name }

    func load(key: String) async throws(SessionError) -> DjangoSessionData? {
        try await store.load(key: key)
    }

    func create(key: String, data: DjangoSessionData, age: Int) async throws(SessionError) -> Bool {
        guard try await store.create(key: key, data: data, age: age) else { return false }
        do {
            try ledger.record(key, engine: engine)
        } catch {
            // Not kept if `--clean` could not find it again.
            try? await store.delete(key: key)
            throw .storeUnavailable(store: store.name, reason: "cannot record the new session in \(ledger.path) for --clean: \(error)")
        }
        return true
    }

    func update(key: String, data: DjangoSessionData, age: Int) async throws(SessionError) -> Bool {
        try await store.update(key: key, data: data, age: age)
    }

    func delete(key: String) async throws(SessionError) {
        try await store.delete(key: key)
    }

    func deleteReplaced(key: String) async throws(SessionError) {
        try await store.deleteReplaced(key: key)
    }

    func deleteUnconfirmed(key: String) async throws(SessionError) {
        try await store.deleteUnconfirmed(key: key)
    }
}

extension SessionsSite {
    /// The store of `engine` for `sessions --serve`: ``backend(_:socketPath:databasePath:secret:fallbackSecrets:logger:)``'s,
    /// recording each session it creates in `ledger`.
    public static func servedStore(_ backend: Backend, engine: Engine, ledger: ServedSessionLedger) -> any SessionStore {
        RecordingSessionStore(store: backend.store, engine: engine, ledger: ledger)
    }

    /// Deletes every session `ledger` recorded, through its engine's own store (the Redis key,
    /// and for the cached DB engine its row in the SQLite file at `databasePath`), then the
    /// ledger. Returns how many sessions were deleted per engine.
    public static func cleanServed(
        ledger: ServedSessionLedger, socketPath: String, databasePath: String, logger: Logger
    ) async throws -> [(engine: Engine, deleted: Int)] {
        let entries = try ledger.entries()
        var counts: [(engine: Engine, deleted: Int)] = []
        for engine in Engine.allCases {
            let keys = entries.filter { $0.engine == engine }.map(\.key)
            guard !keys.isEmpty else { continue }
            let backend = try await backend(engine, socketPath: socketPath, databasePath: databasePath, secret: secret(), logger: logger)
            do {
                for key in keys { try await backend.store.delete(key: key) }
            } catch {
                await backend.close()
                throw error
            }
            await backend.close()
            counts.append((engine, keys.count))
        }
        try ledger.remove()
        return counts
    }
}
