import Foundation

/// What a shell transcript may print differently from run to run, one named rule each, and the
/// commands each applies to. Everything else a command prints is compared as it is: a changed
/// word, header, key name or count fails.
public enum TranscriptNormalization {
    /// One rule: the commands it applies to, and how it rewrites their output.
    public struct Rule: Sendable {
        /// What the rule hides, for messages and tests.
        public let name: String
        /// Whether the rule applies to the output of this command line.
        let appliesTo: @Sendable (String) -> Bool
        /// The output's lines, rewritten.
        let rewrite: @Sendable ([String]) -> [String]

        /// `lines` rewritten when `command` is one the rule applies to.
        public func apply(_ lines: [String], for command: String) -> [String] {
            appliesTo(command) ? rewrite(lines) : lines
        }
    }

    /// Every rule, in the order they are applied.
    public static let rules: [Rule] = [
        replacing("log timestamp", #"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{4}|Z)"#, with: "TIMESTAMP"),
        replacing("HTTP date", #"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT"#, with: "DATE"),
        replacing("time of day", #"\b\d{2}:\d{2}:\d{2}(\.\d+)?\b"#, with: "TIME"),
        replacing("milliseconds", #"\b\d+(\.\d+)? ms\b"#, with: "N ms"),
        // Seconds since the page was stored: 0 right after, more on a slow machine.
        replacing("Age header", #"^Age: \d+$"#, with: "Age: N", when: { $0.contains("curl") }),
        // The body is compared; its length changes with the digits of its render time.
        replacing("Content-Length", #"^Content-Length: \d+$"#, with: "Content-Length: N"),
        // A TTL counts down: the seconds left depend on when the command ran.
        replacing("TTL reply", #"^(\(integer\) )?\d+$"#, with: "$1TTL", when: { $0.range(of: #"\bttl\b"#, options: .regularExpression) != nil }),
        replacing("TTL seconds", #"\bTTL \d+ s\b"#, with: "TTL N s"),
        replacing("average TTL", #"avg_ttl=\d+"#, with: "avg_ttl=N"),
        replacing("average TTL seconds", #"average TTL ≈ \d+ s"#, with: "average TTL ≈ N s"),
        // MEMORY USAGE follows the allocator and the encoding's internals.
        replacing("memory figure", #"\bmemory \d+ bytes\b"#, with: "memory N bytes"),
        replacing("browser token", #"\btoken=[0-9a-f]{64}\b"#, with: "token=TOKEN"),
        // ss pads its columns to the widest entry; a socket's inode is new with every server.
        Rule(name: "ss columns", appliesTo: { $0.hasPrefix("ss ") }, rewrite: { $0.map { $0.split(separator: " ").joined(separator: " ") } }),
        replacing("socket inode", #"(\.sock) \d+ "#, with: "$1 INODE ", when: { $0.hasPrefix("ss ") }),
        replacing("file time", #"\b[A-Z][a-z]{2} +\d{1,2} +(\d{2}:\d{2}|\d{4}) "#, with: "DATE ", when: { $0.hasPrefix("ls -l") }),
        // The `+` of setup.sh's ACL entry goes when Redis re-creates its socket (chapter 02 says so).
        replacing("socket ACL mark", #"^(s[rwx-]{9})\+ "#, with: "$1 ", when: { $0.hasPrefix("ls -l") }),
        replacing("process id", #"\bpid \d+"#, with: "pid N"),
        // Who may connect, and how many keys the reader's server holds, are the reader's.
        replacing("doctor's user", #"^✓ user \S+ may connect .*$"#, with: "✓ user USER may connect", when: { $0.hasSuffix("guide doctor") }),
        // A reader whose login predates their redis-group membership reads the file through `sg`.
        replacing("doctor's sg note", #"^(✓ config file is readable  \S+), read through `sg [^`]+`: .*$"#, with: "$1", when: { $0.hasSuffix("guide doctor") }),
        replacing("doctor's key counts", #"^(✓ keyspace \([^)]*\)) .*$"#, with: "$1 COUNTS", when: { $0.hasSuffix("guide doctor") }),
        Rule(name: "SCAN order", appliesTo: { $0.contains("--scan") || $0.contains(" scan ") }, rewrite: scanOrder),
    ]

    /// `lines` (what `command` printed, or what the chapter shows) with every rule for the
    /// command applied.
    public static func normalized(_ lines: [String], for command: String) -> [String] {
        rules.reduce(lines) { $1.apply($0, for: command) }
    }

    /// The rule named `name` (for tests).
    public static func rule(_ name: String) -> Rule? { rules.first { $0.name == name } }

    /// A rule that replaces `pattern` in every line of the outputs of commands `when` accepts.
    static func replacing(
        _ name: String, _ pattern: String, with template: String, when: @escaping @Sendable (String) -> Bool = { _ in true }
    ) -> Rule {
        let regex = try! NSRegularExpression(pattern: pattern)
        return Rule(name: name, appliesTo: when) { lines in
            lines.map { regex.stringByReplacingMatches(in: $0, range: NSRange($0.startIndex..., in: $0), withTemplate: template) }
        }
    }

    /// SCAN's order, and where its pages end, follow the server's hash table, seeded at random
    /// when it starts: the keys are compared as a sorted list, each page's cursor and count
    /// dropped (the summary line, with the total, is kept).
    static func scanOrder(_ lines: [String]) -> [String] {
        let isPage = { (line: String) in line.hasPrefix("SCAN ") && line.contains("→ next cursor") }
        let keys = lines.filter { !isPage($0) && !$0.hasPrefix("(") }.sorted()
        return keys + lines.filter { $0.hasPrefix("(") }
    }
}
