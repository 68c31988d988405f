import LarderRESP
import LarderRedis
/// A read-only view of a Redis keyspace (chapter 06): the databases from `INFO keyspace`, keys
/// walked with `SCAN`, each described (`TYPE`, `PTTL`, `OBJECT ENCODING`, `MEMORY USAGE`, its
/// value decoded) and grouped by what wrote it.
///
/// It only ever sends ``ReadOnlyCommand``s, over a ``ReadOnlyConnection`` opened per call on
/// the database asked for, so it never writes and never leaks a `SELECT` into a shared
/// connection.
///
/// ```swift
/// let inspector = KeyspaceInspector(configuration: try RedisConfiguration(url: "unix:///var/run/redis/redis.sock"))
/// let overview = try await inspector.overview()                 // db1: 9 keys, 9 expire
/// let page = try await inspector.page(database: 1, match: ":1:*")
/// let groups = KeyGroups(page.keys)                                // page cache, cache API, sessions, other
/// ```
public struct KeyspaceInspector: Sendable {
    /// Where the server is; its `database` is ignored (each call names its own).
    public var configuration: RedisConfiguration
    /// At most this many bytes of a string value are read (`GETRANGE`); a longer value is shown
    /// raw and marked truncated. Default 256 KiB.
    public var previewBytes: Int = 256 * 1024
    /// How many elements of a list, hash, set, sorted set or stream are shown. Default 5.
    public var sampleElements: Int = 5
    /// The `COUNT` hints accepted.
    public static let countRange = 1...10_000

    /// An inspector for the server `configuration` points to.
    public init(configuration: RedisConfiguration) {
        self.configuration = configuration
    }

    /// Runs `body` with a read-only connection on `database`.
    public func withDatabase<Result>(_ database: Int, _ body: (ReadOnlyConnection) async throws -> Result) async throws -> Result {
        guard database >= 0 else { throw KeyspaceError.noSuchDatabase(database, databases: nil) }
        var configuration = configuration
        configuration.database = database
        return try await ReadOnlyConnection.with(configuration, body)
    }

    /// The databases holding keys, from `INFO keyspace`, and how many databases there are.
    public func overview() async throws -> KeyspaceOverview {
        try await withDatabase(0) { redis in
            let info = try await redis.send(INFO(["keyspace"]))
            let databases = try? await redis.send(CONFIG.GET(["databases"]))["databases"].flatMap { Int($0) }
            // The same parser as `info.keyspace`, keeping each entry's line beside it.
            let parsed = info["keyspace"].compactMap { name, value in
                KeyspaceEntry(name: name, value: value).map { (entry: $0, line: "\(name):\(value)") }
            }.sorted { $0.entry.database < $1.entry.database }
            return KeyspaceOverview(entries: parsed.map(\.entry), lines: parsed.map(\.line), databaseCount: databases)
        }
    }

    /// Keys of `database` from `cursor`, as `SCAN` returns them (with `MATCH` and `COUNT`):
    /// `SCAN` is called until at least `pageSize` keys are found, the scan ends, or
    /// `maximumCalls` calls were made, so a selective pattern cannot keep one call busy for
    /// long. Redis returns every key present for the whole scan at least once; a key may come
    /// twice only if the database shrinks during the scan.
    ///
    /// - Throws: ``KeyspaceError/invalidCursor(_:)``, ``KeyspaceError/invalidCount(_:allowed:)``,
    ///   or ``KeyspaceError/redis(_:)``.
    public func scan(
        database: Int, cursor: String = "0", match pattern: String? = nil, count: Int = 100,
        pageSize: Int = 100, maximumCalls: Int = 100
    ) async throws -> KeyspaceScan {
        try Self.validate(cursor: cursor, count: count, pageSize: pageSize)
        return try await withDatabase(database) { redis in
            try await Self.scan(on: redis, cursor: cursor, match: pattern, count: count, pageSize: pageSize, maximumCalls: maximumCalls)
        }
    }

    /// One page of keys of `database` from `cursor`, each described: what
    /// ``scan(database:cursor:match:count:pageSize:maximumCalls:)`` finds (each key once),
    /// then ``describe(_:database:)``, on one connection.
    public func page(
        database: Int, cursor: String = "0", match pattern: String? = nil, count: Int = 100,
        pageSize: Int = 100, maximumCalls: Int = 100
    ) async throws -> KeyspacePage {
        try Self.validate(cursor: cursor, count: count, pageSize: pageSize)
        return try await withDatabase(database) { redis in
            let found = try await Self.scan(
                on: redis, cursor: cursor, match: pattern, count: count, pageSize: pageSize, maximumCalls: maximumCalls)
            var seen: Set<RedisKey> = []
            let described = try await describe(found.keys.filter { seen.insert($0).inserted }, on: redis)
            return KeyspacePage(
                database: database, pattern: pattern, cursor: cursor, nextCursor: found.nextCursor, keys: described,
                scanCalls: found.scanCalls)
        }
    }

    static func validate(cursor: String, count: Int, pageSize: Int) throws(KeyspaceError) {
        guard !cursor.isEmpty, cursor.utf8.count <= 20, cursor.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw .invalidCursor(cursor)
        }
        guard countRange.contains(count) else { throw .invalidCount(count, allowed: countRange) }
        guard countRange.contains(pageSize) else { throw .invalidCount(pageSize, allowed: countRange) }
    }

    static func scan(
        on redis: ReadOnlyConnection, cursor: String, match pattern: String?, count: Int, pageSize: Int, maximumCalls: Int
    ) async throws(KeyspaceError) -> KeyspaceScan {
        var keys: [RedisKey] = []
        var next = cursor
        var calls = 0
        repeat {
            let reply = try await redis.send(SCAN(cursor: next, match: pattern, count: count))
            calls += 1
            next = reply.cursor
            keys += reply.keys
        } while next != "0" && keys.count < pageSize && calls < maximumCalls
        return KeyspaceScan(keys: keys, nextCursor: next, scanCalls: calls)
    }

    /// Describes `keys` of `database`.
    public func describe(_ keys: [RedisKey], database: Int) async throws -> [KeyDescription] {
        try await withDatabase(database) { redis in try await describe(keys, on: redis) }
    }

    /// Every key of `database` matching `pattern` (`KEYS`), refused when the database holds
    /// more than `refuseAbove` keys. `KEYS` is O(N) and blocks the server until it has walked
    /// the whole database: fine on a small development server, never on one that serves
    /// traffic. Use ``page(database:cursor:match:count:pageSize:maximumCalls:)`` there.
    ///
    /// - Throws: ``KeyspaceError/keysRefused(database:size:limit:)`` above the limit.
    public func keys(database: Int, matching pattern: String = "*", refuseAbove: Int = 10_000) async throws -> [RedisKey] {
        try await withDatabase(database) { redis in
            let size = try await redis.send(DBSIZE())
            guard size <= refuseAbove else { throw KeyspaceError.keysRefused(database: database, size: size, limit: refuseAbove) }
            return try await redis.send(KEYS(pattern)).map(RedisKey.init)
        }
    }

    /// Walks all of `database` (or the keys matching `pattern`) with `SCAN`, describing keys a
    /// batch at a time, and groups them; stops after `limit` keys (the report then says it is
    /// incomplete).
    public func report(database: Int, match pattern: String? = nil, count: Int = 1000, limit: Int = 10_000) async throws -> KeyspaceReport {
        try Self.validate(cursor: "0", count: count, pageSize: count)
        return try await withDatabase(database) { redis in
            var described: [KeyDescription] = []
            var seen: Set<RedisKey> = []
            var cursor = "0"
            var leftOut = false
            repeat {
                let found = try await Self.scan(on: redis, cursor: cursor, match: pattern, count: count, pageSize: 500, maximumCalls: 100)
                cursor = found.nextCursor
                let fresh = found.keys.filter { seen.insert($0).inserted }
                leftOut = fresh.count > limit - described.count
                described += try await describe(Array(fresh.prefix(limit - described.count)), on: redis)
            } while cursor != "0" && !leftOut && described.count < limit
            return KeyspaceReport(
                database: database, pattern: pattern, groups: KeyGroups(described), keyCount: described.count,
                isComplete: cursor == "0" && !leftOut)
        }
    }
}
