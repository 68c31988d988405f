/// One line of `INFO keyspace`: `db1:keys=9,expires=9,avg_ttl=899387`.
public struct KeyspaceEntry: Hashable, Sendable {
    /// The database number (the `1` of `db1`).
    public var database: Int
    /// How many keys it holds.
    public var keys: Int
    /// How many of them have a time to live.
    public var expires: Int
    /// Redis's sampled estimate of the average remaining TTL, in milliseconds; noisy, and 0
    /// when no key expires.
    public var averageTTLMilliseconds: Int

    /// A keyspace entry from its parts.
    public init(database: Int, keys: Int, expires: Int, averageTTLMilliseconds: Int) {
        self.database = database
        self.keys = keys
        self.expires = expires
        self.averageTTLMilliseconds = averageTTLMilliseconds
    }

    /// Parses `db1` and `keys=9,expires=9,avg_ttl=899387`, or returns `nil`.
    public init?(name: String, value: String) {
        guard name.hasPrefix("db"), let database = Int(name.dropFirst(2)) else { return nil }
        var fields: [Substring: Int] = [:]
        for field in value.split(separator: ",") {
            let parts = field.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            fields[parts[0].drop(while: { $0 == " " })] = Int(parts[1])
        }
        guard let keys = fields["keys"] else { return nil }
        self.init(database: database, keys: keys, expires: fields["expires"] ?? 0, averageTTLMilliseconds: fields["avg_ttl"] ?? 0)
    }
}
