import LarderRedis
/// What can go wrong inspecting a keyspace, each case saying what to do.
public enum KeyspaceError: Error, Sendable, CustomStringConvertible {
    /// Redis failed or refused; its error names the fix.
    case redis(RedisError)
    /// A database number outside the server's `databases` setting (`nil` when not known).
    case noSuchDatabase(Int, databases: Int?)
    /// A SCAN cursor that is not a non-negative integer (the page's link was edited by hand?).
    case invalidCursor(String)
    /// A COUNT hint or a limit outside what the inspector accepts.
    case invalidCount(Int, allowed: ClosedRange<Int>)
    /// `KEYS` refused because the database is too large: it would block the server.
    case keysRefused(database: Int, size: Int, limit: Int)

    public var description: String {
        switch self {
        case .redis(let error):
            "\(error)"
        case .noSuchDatabase(let database, let databases?):
            "there is no database \(database): this server has \(databases) (0–\(databases - 1), the `databases` setting of redis.conf)"
        case .noSuchDatabase(let database, nil):
            "there is no database \(database): databases are numbered from 0 (`databases` in redis.conf says how many)"
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
