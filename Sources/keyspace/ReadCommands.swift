import ArgumentParser
import LarderRedis
import LarderKeyspace
// The tool's subcommands, each one read-only, named after the redis-cli command it stands for.

struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "INFO keyspace, parsed into numbers.")
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let overview = try await server.inspector().overview()
        for (entry, line) in zip(overview.entries, overview.lines) { print(KeyspaceText.line(entry, raw: line)) }
        if overview.entries.isEmpty { print("(every database is empty)") }
        print("\(overview.totalKeys) keys in \(overview.entries.count) of \(overview.databaseCount.map(String.init) ?? "?") databases")
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "KEYS pattern: every match at once.",
        discussion: """
            KEYS is O(N) and blocks the server until it has walked the whole database: refused above \
            10000 keys unless --force. Use `scan` on a server that serves traffic.
            """)
    @OptionGroup var server: ServerOptions
    @Option(help: "The database.") var db = 0
    @Flag(help: "Send KEYS however large the database is.") var force = false
    @Argument(help: "A glob pattern.") var pattern = "*"

    func run() async throws {
        let keys = try await server.inspector().keys(database: db, matching: pattern, refuseAbove: force ? .max : 10_000)
        let names = keys.map { DisplayText.escaped($0, limit: 200) }.sorted()
        for name in names { print(name) }
        print("(\(keys.count) key\(keys.count == 1 ? "" : "s"), one blocking KEYS)")
    }
}

struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scan", abstract: "SCAN with MATCH and COUNT: one call, or --all to the end.")
    @OptionGroup var server: ServerOptions
    @Option(help: "The database.") var db = 0
    @Option(help: "A glob pattern (MATCH).") var match: String?
    @Option(help: "How many keys SCAN looks at per call (COUNT).") var count = 100
    @Option(help: "Where to start: 0, or the cursor a previous call printed.") var cursor = "0"
    @Flag(help: "Follow the cursor to the end.") var all = false

    func run() async throws {
        if let primaries = try await server.clusterPrimaries() {
            // A cluster: each primary holds its own slots' keys; one scan per node, to its end.
            var total = 0
            for primary in primaries {
                var cursor = "0"
                var found = 0
                repeat {
                    let page = try await primary.inspector.scan(database: 0, cursor: cursor, match: match, count: count, maximumCalls: 1)
                    for key in page.keys { print(DisplayText.escaped(key, limit: 200)) }
                    found += page.keys.count
                    cursor = page.nextCursor
                } while cursor != "0"
                print("\(primary.endpoint) (slots \(primary.slots.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ","))): \(found) keys")
                total += found
            }
            print("(\(total) keys on \(primaries.count) primaries; every scan is complete)")
            return
        }
        let inspector = try server.inspector()
        var cursor = cursor
        var total = 0
        repeat {
            let page = try await inspector.scan(database: db, cursor: cursor, match: match, count: count, maximumCalls: 1)
            for key in page.keys { print(DisplayText.escaped(key, limit: 200)) }
            let pattern = match.map { " MATCH \(DisplayText.escaped($0))" } ?? ""
            print("SCAN \(cursor)\(pattern) COUNT \(count) → next cursor \(page.nextCursor), \(page.keys.count) keys")
            total += page.keys.count
            cursor = page.nextCursor
        } while all && cursor != "0"
        if all { print("(\(total) keys; the scan is complete)") }
    }
}

struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "A key's type, TTL, encoding, memory and decoded value.")
    @OptionGroup var server: ServerOptions
    @Option(help: "The database.") var db = 0
    @Argument(help: "The key's name.") var key: String

    func run() async throws {
        let inspector = try server.inspector()
        guard let description = try await inspector.describe([RedisKey(key)], database: db).first else { return }
        if description.type == "none" {
            // Chapter 04's keys live in db1, the default here is db0: say where the key is.
            for entry in try await inspector.overview().entries where entry.database != db {
                if let found = try await inspector.describe([RedisKey(key)], database: entry.database).first, found.type != "none" {
                    throw NoSuchKey(text: "no key \(description.name()) in db\(db); db\(entry.database) has one: keyspace describe --db \(entry.database) \(key.debugDescription)")
                }
            }
            throw NoSuchKey(text: "no key \(description.name()) in any database (keyspace groups lists the keys there are)")
        }
        print("\(description.name()) (db\(db), \(description.kind.title))")
        let memory = description.memoryBytes.map { "\($0) bytes" } ?? "-"
        print("  type \(description.type), TTL \(description.ttlText), encoding \(description.encoding ?? "-"), memory \(memory), length \(description.length.map(String.init) ?? "-")")
        print("  " + description.value.summary(limit: 2000))
    }
}

struct GroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups", abstract: "Every key, grouped by what wrote it (SCAN, never KEYS).")
    @OptionGroup var server: ServerOptions
    @Option(help: "The database; default every database holding keys.") var db: Int?
    @Option(help: "A glob pattern (MATCH).") var match: String?
    @Option(help: "Stop after this many keys per database.") var limit = 10_000

    func run() async throws {
        if let primaries = try await server.clusterPrimaries() {
            for primary in primaries {
                let report = try await primary.inspector.report(database: 0, match: match, limit: limit)
                print("\(primary.endpoint): \(report.keyCount) keys\(report.isComplete ? "" : " (stopped at --limit \(limit))")")
                for line in KeyspaceText.lines(report.groups) { print("  " + line) }
            }
            return
        }
        let inspector = try server.inspector()
        var databases = db.map { [$0] } ?? []
        if db == nil { databases = try await inspector.overview().entries.map(\.database) }
        for database in databases {
            let report = try await inspector.report(database: database, match: match, limit: limit)
            print("db\(database): \(report.keyCount) keys\(report.isComplete ? "" : " (stopped at --limit \(limit))")")
            for line in KeyspaceText.lines(report.groups) { print("  " + line) }
        }
    }
}

/// `describe` of a key that is not there: where it is instead, if anywhere.
struct NoSuchKey: Error, CustomStringConvertible {
    let text: String
    var description: String { text }
}
