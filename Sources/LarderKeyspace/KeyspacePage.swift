/// One page of a database's keys, read with `SCAN` from a cursor, each key described.
public struct KeyspacePage: Hashable, Sendable {
    /// The database read.
    public var database: Int
    /// The pattern asked for (`MATCH`), `nil` for every key.
    public var pattern: String?
    /// The cursor this page started from (`"0"` for the first).
    public var cursor: String
    /// Where the next page starts; `"0"` when this was the last.
    public var nextCursor: String
    /// The keys found, described, in the order SCAN returned them.
    public var keys: [KeyDescription]
    /// How many `SCAN` calls the page took (an empty page with a non-zero cursor is normal:
    /// SCAN walks buckets, and a `MATCH` filters after the walk).
    public var scanCalls: Int

    /// Whether the scan is complete after this page.
    public var isLast: Bool { nextCursor == "0" }
}
