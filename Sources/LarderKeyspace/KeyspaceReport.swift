/// A database walked with `SCAN`, its keys described and grouped by what wrote them.
public struct KeyspaceReport: Hashable, Sendable {
    /// The database walked.
    public var database: Int
    /// The `MATCH` pattern, `nil` for every key.
    public var pattern: String?
    /// The keys, grouped.
    public var groups: KeyGroups
    /// How many keys were described.
    public var keyCount: Int
    /// Whether the walk reached the end (`false` when it stopped at the limit).
    public var isComplete: Bool
}
