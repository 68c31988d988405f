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
    /// Fields this type does not name, as the server sent them: Redis 7.4 adds
    /// `subexpiry=0` (keys with hash-field expiries), and forks add their own.
    public var otherFields: [String: String]

    /// A keyspace entry from its parts.
    public init(database: Int, keys: Int, expires: Int, averageTTLMilliseconds: Int, otherFields: [String: String] = [:]) {
        self.database = database
        self.keys = keys
        self.expires = expires
        self.averageTTLMilliseconds = averageTTLMilliseconds
        self.otherFields = otherFields
    }

    /// Parses `db1` and `keys=9,expires=9,avg_ttl=899387`, or returns `nil` when the name is not
    /// `db<number>` or `keys` is missing or not a number. Spaces around fields are ignored; a
    /// known field that is not a number counts as 0; unknown fields land in ``otherFields``.
    public init?(name: String, value: String) {
        guard name.hasPrefix("db"), let database = Int(name.dropFirst(2)), database >= 0 else { return nil }
        var numbers: [String: Int] = [:]
        var others: [String: String] = [:]
        for field in value.split(separator: ",") {
            let parts = field.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let fieldName = parts[0].trimmingCharacters(in: " \t")
            let fieldValue = parts[1].trimmingCharacters(in: " \t")
            switch fieldName {
            case "keys", "expires", "avg_ttl": numbers[fieldName] = Int(fieldValue)
            default: others[fieldName] = fieldValue
            }
        }
        guard let keys = numbers["keys"] else { return nil }
        self.init(
            database: database, keys: keys, expires: numbers["expires"] ?? 0,
            averageTTLMilliseconds: numbers["avg_ttl"] ?? 0, otherFields: others)
    }
}
