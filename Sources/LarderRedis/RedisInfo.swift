import LarderRESP
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


extension Substring {
    func trimmingCharacters(in set: String) -> String {
        String(drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}
