import LarderRedis
/// The inspector's findings as terminal lines, shared by the `keyspace` command and chapter
/// 06's steps. Every key name and value goes through ``DisplayText``: no key can put escape
/// sequences on the reader's terminal.
public enum KeyspaceText {
    /// `db1:keys=9,expires=9,avg_ttl=899387  →  db1: 9 keys, 9 with a TTL, average TTL ≈ 899 s`.
    public static func line(_ entry: KeyspaceEntry, raw: String) -> String {
        var parsed = "db\(entry.database): \(entry.keys) key\(entry.keys == 1 ? "" : "s"), \(entry.expires) with a TTL"
        parsed += entry.expires > 0 ? ", average TTL ≈ \(entry.averageTTLMilliseconds / 1000) s" : ""
        if !entry.otherFields.isEmpty {
            parsed += ", " + entry.otherFields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
        return DisplayText.escaped(raw, limit: 120) + "  →  " + DisplayText.escaped(parsed)
    }

    /// One key: name, type, TTL, memory, encoding, value, in columns.
    public static func line(_ key: KeyDescription, nameWidth: Int = 40, valueLimit: Int = 100) -> String {
        let name = key.name(limit: 120)
        return pad(name, nameWidth) + "  " + pad(key.type, 6) + "  TTL " + pad(key.ttlText, 9) + "  "
            + pad(key.memoryBytes.map { "\($0) B" } ?? "-", 7) + "  " + pad(key.encoding ?? "-", 8) + "  "
            + key.value.summary(limit: valueLimit) + (key.isTruncated ? " (\(key.length ?? 0) bytes, only the start read)" : "")
    }

    /// The groups, headed as the chapter names them; each key as ``line(_:nameWidth:valueLimit:)``.
    ///
    /// `shownPerGroup` cuts each list (a group's keys, the page cache's URLs) after that many,
    /// with one line saying how many more there are and how to list them all: session keys
    /// pile up for 14 days, one per visitor, and the heading already counts them.
    public static func lines(_ groups: KeyGroups, valueLimit: Int = 100, shownPerGroup: Int = .max) -> [String] {
        var lines: [String] = []
        /// The line that stands for `hidden` more of a list, if any are hidden.
        func more(_ hidden: Int, _ noun: String, indent: String) {
            if hidden > 0 { lines.append(indent + "… \(hidden) more \(noun) (keyspace groups lists them all)") }
        }
        /// A group's keys, names padded to the longest of those shown (at most 60 characters).
        func keys(_ list: [KeyDescription], indent: String = "    ") {
            let shown = list.prefix(shownPerGroup)
            let width = min(60, shown.map { $0.name(limit: 120).count }.max() ?? 0)
            lines += shown.map { indent + line($0, nameWidth: width, valueLimit: valueLimit) }
            more(list.count - shown.count, list.count - shown.count == 1 ? "key" : "keys", indent: indent)
        }
        if !groups.pages.isEmpty {
            lines.append("page cache (chapter 03): \(groups.pages.count) URL\(groups.pages.count == 1 ? "" : "s")")
            for page in groups.pages.prefix(shownPerGroup) {
                let suffix = page.pairing.suffix.isEmpty ? "" : " (\(DisplayText.escaped(page.pairing.suffix, limit: 40)))"
                let missing = page.headers.isEmpty ? ", no header list: never served" : ""
                lines.append("  URL md5 \(page.pairing.urlHash)\(suffix): \(page.headers.count) header list, \(page.pages.count) page\(page.pages.count == 1 ? "" : "s")\(missing)")
                keys(page.headers + page.pages, indent: "      ")
            }
            let hidden = groups.pages.count - min(groups.pages.count, shownPerGroup)
            more(hidden, hidden == 1 ? "URL" : "URLs", indent: "  ")
        }
        for version in groups.cacheVersions {
            let prefix = version.id.prefix.isEmpty ? "" : ", key prefix \(DisplayText.escaped(version.id.prefix, limit: 40))"
            lines.append("cache API (chapter 04), version \(version.id.version)\(prefix): \(version.keys.count) key\(version.keys.count == 1 ? "" : "s")")
            keys(version.keys)
        }
        for session in groups.sessions {
            lines.append("sessions (chapters 05, 07), \(session.engine.title): \(session.keys.count)")
            keys(session.keys)
        }
        if !groups.other.isEmpty {
            lines.append("other: \(groups.other.count) key\(groups.other.count == 1 ? "" : "s"), shown raw")
            keys(groups.other)
        }
        return lines
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
