import LarderRedis
/// The databases of a server, from `INFO keyspace` (and `CONFIG GET databases`).
public struct KeyspaceOverview: Hashable, Sendable {
    /// One entry per database holding keys, by number, parsed into numbers.
    public var entries: [KeyspaceEntry]
    /// The `INFO keyspace` line of each entry as the server sent it
    /// (`db1:keys=9,expires=9,avg_ttl=899387`): `lines[i]` is `entries[i]`'s.
    public var lines: [String]
    /// How many databases the server has (its `databases` setting, 16 by default), or `nil`
    /// when `CONFIG GET` is not allowed (a managed server may rename it).
    public var databaseCount: Int?

    /// The entry of `database`, or `nil` when it holds no key.
    public func entry(_ database: Int) -> KeyspaceEntry? {
        entries.first { $0.database == database }
    }

    /// How many keys all databases hold together.
    public var totalKeys: Int { entries.reduce(0) { $0 + $1.keys } }
}
