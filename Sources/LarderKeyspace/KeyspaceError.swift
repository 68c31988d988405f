import LarderRedis
/// What can go wrong inspecting a keyspace, each error saying what to do.
///
/// ``code`` says which problem it is and the accessors (``database``, ``redisError``...) return
/// what the error carries. A struct rather than an enum so that new codes can be added without
/// breaking a caller's `switch` (Hummingbird's `HTTPError`, valkey-swift's `ValkeyClientError`):
/// compare `error.code == .keysRefused`.
public struct KeyspaceError: Error, Sendable, CustomStringConvertible {
    /// Which problem a ``KeyspaceError`` is. New codes may be added in any release: compare with
    /// `==`, and give a `switch` over codes a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        // Internal, not public: outside the module a code is only its static members, so one
        // can be added without breaking anyone; inside, a `switch` over `base` stays exhaustive
        // and the compiler points at every place a new code must be handled.
        enum Base: String, Hashable, Sendable {
            case redis, noSuchDatabase, invalidCursor, invalidCount, keysRefused
        }

        let base: Base

        /// Redis failed or refused (``KeyspaceError/redisError``); its error names the fix.
        public static var redis: Self { Self(base: .redis) }
        /// A database number outside the server's `databases` setting.
        public static var noSuchDatabase: Self { Self(base: .noSuchDatabase) }
        /// A SCAN cursor that is not a non-negative integer (the page's link was edited by hand?).
        public static var invalidCursor: Self { Self(base: .invalidCursor) }
        /// A COUNT hint or a limit outside what the inspector accepts.
        public static var invalidCount: Self { Self(base: .invalidCount) }
        /// `KEYS` refused because the database is too large: it would block the server.
        public static var keysRefused: Self { Self(base: .keysRefused) }

        /// The code's name, e.g. `keysRefused`.
        public var description: String { base.rawValue }
    }

    /// What the error carries, kept typed; the public accessors read it.
    private enum Payload: Sendable {
        case redis(RedisError)
        case noSuchDatabase(Int, databases: Int?)
        case invalidCursor(String)
        case invalidCount(Int, allowed: ClosedRange<Int>)
        case keysRefused(database: Int, size: Int, limit: Int)
    }

    private let payload: Payload

    private init(_ payload: Payload) { self.payload = payload }

    // MARK: Creating errors (the names the enum this type replaced had)

    /// Redis failed or refused with `error`.
    public static func redis(_ error: RedisError) -> Self { Self(.redis(error)) }
    /// `database` is outside the server's `databases` setting (`nil` when not known).
    public static func noSuchDatabase(_ database: Int, databases: Int?) -> Self {
        Self(.noSuchDatabase(database, databases: databases))
    }
    /// `cursor` is not a SCAN cursor.
    public static func invalidCursor(_ cursor: String) -> Self { Self(.invalidCursor(cursor)) }
    /// `count` is outside `allowed`.
    public static func invalidCount(_ count: Int, allowed: ClosedRange<Int>) -> Self {
        Self(.invalidCount(count, allowed: allowed))
    }
    /// `KEYS` refused on `database`, which holds `size` keys, more than `limit`.
    public static func keysRefused(database: Int, size: Int, limit: Int) -> Self {
        Self(.keysRefused(database: database, size: size, limit: limit))
    }

    // MARK: What the error carries

    /// Which problem this is.
    public var code: Code {
        switch payload {
        case .redis: .redis
        case .noSuchDatabase: .noSuchDatabase
        case .invalidCursor: .invalidCursor
        case .invalidCount: .invalidCount
        case .keysRefused: .keysRefused
        }
    }

    /// Redis's error (``Code/redis``); `nil` for other codes.
    public var redisError: RedisError? {
        if case .redis(let error) = payload { error } else { nil }
    }

    /// The database the error is about (``Code/noSuchDatabase``, ``Code/keysRefused``); `nil`
    /// for other codes.
    public var database: Int? {
        switch payload {
        case .noSuchDatabase(let database, _), .keysRefused(let database, _, _): database
        default: nil
        }
    }

    /// How many databases the server has (``Code/noSuchDatabase``, when known); `nil` otherwise.
    public var databases: Int? {
        if case .noSuchDatabase(_, let databases) = payload { databases } else { nil }
    }

    /// The cursor that is not one (``Code/invalidCursor``); `nil` for other codes.
    public var cursor: String? {
        if case .invalidCursor(let cursor) = payload { cursor } else { nil }
    }

    /// The count that was refused (``Code/invalidCount``); `nil` for other codes.
    public var count: Int? {
        if case .invalidCount(let count, _) = payload { count } else { nil }
    }

    /// The counts accepted (``Code/invalidCount``); `nil` for other codes.
    public var allowed: ClosedRange<Int>? {
        if case .invalidCount(_, let allowed) = payload { allowed } else { nil }
    }

    /// How many keys the database holds (``Code/keysRefused``); `nil` for other codes.
    public var size: Int? {
        if case .keysRefused(_, let size, _) = payload { size } else { nil }
    }

    /// The most keys `KEYS` is sent for (``Code/keysRefused``); `nil` for other codes.
    public var limit: Int? {
        if case .keysRefused(_, _, let limit) = payload { limit } else { nil }
    }

    /// A sentence naming the problem and what to do.
    public var description: String {
        switch payload {
        case .redis(let error):
            "\(error)"
        case .noSuchDatabase(let database, let databases?):
            "there is no database \(database): this server has \(databases) (0–\(databases - 1), its `databases` setting)"
        case .noSuchDatabase(let database, nil):
            "there is no database \(database): databases are numbered from 0 (the server's `databases` setting says how many)"
        case .invalidCursor(let cursor):
            "'\(cursor)' is not a SCAN cursor: a cursor is a number, 0 to start; use the one the previous page returned"
        case .invalidCount(let count, let allowed):
            "a count of \(count) is outside \(allowed.lowerBound)–\(allowed.upperBound)"
        case .keysRefused(let database, let size, let limit):
            "KEYS refused: database \(database) holds \(size) keys (more than \(limit)), and KEYS would block the server "
                + "while it walks them all. Use SCAN (`keyspace scan --db \(database) --match PATTERN`), or --force on a server nobody else uses"
        }
    }
}
