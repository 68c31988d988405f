import RESP

/// The reply of `INFO`, parsed: sections of `field:value` lines.
///
/// ```
/// # Server
/// redis_version:7.0.15
/// ```
/// becomes `info["server"]?["redis_version"] == "7.0.15"`.
public struct RedisInfo: Hashable, Sendable, RESPTokenDecodable {
    /// Section name (lower-cased, e.g. `server`, `keyspace`) → fields in that section.
    public var sections: [String: [String: String]]
    /// The section names in the order the server sent them.
    public var sectionOrder: [String]

    /// Parses INFO's text.
    public init(text: String) {
        sections = [:]
        sectionOrder = []
        var current = ""
        for rawLine in text.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingCharacters(in: " \t")
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                current = line.dropFirst().trimmingCharacters(in: " ").lowercased()
                if sections[current] == nil {
                    sections[current] = [:]
                    sectionOrder.append(current)
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            if sections[current] == nil {
                sections[current] = [:]
                sectionOrder.append(current)
            }
            sections[current]![String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
    }

    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        self.init(text: try String(fromRESP: token))
    }

    /// The fields of one section, or an empty dictionary.
    public subscript(section: String) -> [String: String] { sections[section.lowercased()] ?? [:] }

    /// `redis_version` from the server section, e.g. `7.0.15`.
    public var serverVersion: String? { self["server"]["redis_version"] }

    /// The `# Keyspace` section parsed into numbers, one entry per non-empty database, by
    /// database number. Fields the server adds later are ignored; a malformed line is skipped.
    public var keyspace: [KeyspaceEntry] {
        self["keyspace"].compactMap { name, value in KeyspaceEntry(name: name, value: value) }.sorted { $0.database < $1.database }
    }
}

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

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        String(drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}
