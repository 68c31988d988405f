import Guide
import LarderKeyspace
import LarderRedis
/// Chapter 06: inspecting the keyspace, read-only (chapters/06-keyspace.md). The article's
/// `info keyspace`, `select 1` and `keys *` in `redis-cli`, then what to use instead of `KEYS`,
/// what one key looks like, and every key grouped by the chapter that wrote it.
public enum KeyspaceChapter {
    /// The database the cache (chapters 03–04) and the cache session engines use.
    static let cacheDatabase = 1

    /// The chapter's steps. They only read: `INFO`, `DBSIZE`, `KEYS` (on a small database),
    /// `SCAN`, `TYPE`, `PTTL`, `OBJECT ENCODING`, `MEMORY USAGE`, `GETRANGE`.
    public static func chapter(_ settings: GuideSettings = GuideSettings()) -> Chapter {
        Chapter(
            number: 6, name: "keyspace", title: "Inspecting the keyspace",
            steps: [
                Step("INFO keyspace, parsed into numbers") { log in
                    let inspector = try makeInspector(settings)
                    // snippet: info-keyspace
                    let overview = try await inspector.overview()
                    for (entry, line) in zip(overview.entries, overview.lines) {
                        log.show(KeyspaceText.line(entry, raw: line))
                    }
                    // snippet: end
                    if overview.entries.isEmpty { log.show("(no line: every database is empty)") }
                    log.show("\(overview.databaseCount.map(String.init) ?? "?") databases (CONFIG GET databases); INFO lists only those holding keys")
                    log.record("databases", overview.databaseCount.map(String.init) ?? "")
                    log.record("total-keys", "\(overview.totalKeys)")
                },
                Step("select: the database is chosen per connection") { log in
                    // snippet: select-per-connection
                    let databaseOne = try RedisConfiguration(url: "\(settings.url)?db=1")  // SELECT 1 in the handshake
                    let size = try await RedisConnection.withConnection(configuration: databaseOne) { redis in
                        try await redis.send(DBSIZE())
                    }
                    // snippet: end
                    log.show("a connection opened with ?db=1: DBSIZE → \(size)")
                    // snippet: select-on-pool
                    try await RedisConnectionPool.withPool(configuration: databaseOne) { pool in
                        do {
                            _ = try await pool.send(SELECT(database: 0))
                        } catch {
                            log.show("pool.send(SELECT(database: 0)) → \(error)")
                        }
                    }
                    // snippet: end
                    log.record("db1-size", "\(size)")
                },
                Step("KEYS: every key at once, O(N), blocking the server") { log in
                    let inspector = try makeInspector(settings)
                    do {
                        // snippet: keys-command
                        let keys = try await inspector.keys(database: 1, matching: ":1:*", refuseAbove: 10_000)
                        // snippet: end
                        log.show("KEYS :1:* → \(keys.count) key\(keys.count == 1 ? "" : "s") in one reply, the server busy until it had them all")
                        log.record("keys-count", "\(keys.count)")
                    } catch let refused as KeyspaceError {
                        guard refused.code == .keysRefused else { throw refused }
                        log.show("\(refused)")
                    }
                },
                Step("SCAN with MATCH and COUNT, page by page") { log in
                    let inspector = try makeInspector(settings)
                    var total = 0
                    var calls = 0
                    // snippet: scan-pages
                    var cursor = "0"
                    repeat {
                        let page = try await inspector.scan(database: 1, cursor: cursor, match: ":1:*", count: 5, maximumCalls: 1)
                        if calls < 6 { log.show("SCAN \(cursor) MATCH :1:* COUNT 5  →  cursor \(page.nextCursor), \(page.keys.count) keys") }
                        cursor = page.nextCursor
                        total += page.keys.count
                        calls += 1
                    } while cursor != "0"
                    // snippet: end
                    if calls > 6 { log.show("… \(calls - 6) more calls") }
                    log.show("\(total) keys in \(calls) SCAN call\(calls == 1 ? "" : "s"), none of which held the server for long")
                    log.record("scan-count", "\(total)")
                },
                Step("a key's type, TTL, encoding and memory") { log in
                    let inspector = try makeInspector(settings)
                    guard let (database, key) = try await someKey(inspector) else {
                        log.show("the keyspace is empty: run `swift run cache-api` (chapter 04) to give it keys, then this chapter again")
                        return
                    }
                    // snippet: describe-key
                    try await inspector.withDatabase(database) { redis in
                        let type = try await redis.send(TYPE(key))
                        let ttl = try await redis.send(PTTL(key))
                        let encoding = try await redis.send(OBJECT.ENCODING(key)) ?? "-"
                        let memory = try await redis.send(MEMORY.USAGE(key)).map { "\($0) bytes" } ?? "-"
                        log.show("\(DisplayText.escaped(key)) in db\(database): TYPE \(type), PTTL \(ttl.text), OBJECT ENCODING \(encoding), MEMORY USAGE \(memory)")
                    }
                    // snippet: end
                    log.record("described", key.description)
                },
                Step("the keys grouped by what wrote them") { log in
                    let inspector = try makeInspector(settings)
                    let overview = try await inspector.overview()
                    if overview.entries.isEmpty { log.show("every database is empty: run the chapters before this one") }
                    // snippet: grouped-view
                    for entry in overview.entries {
                        let report = try await inspector.report(database: entry.database, limit: 1000)
                        log.show("db\(entry.database): \(report.keyCount) keys\(report.isComplete ? "" : " (the first 1000)")")
                        for line in KeyspaceText.lines(report.groups, valueLimit: 80, shownPerGroup: 5) { log.show("  " + line) }
                    }
                    // snippet: end
                },
            ])
    }

    static func makeInspector(_ settings: GuideSettings) throws -> KeyspaceInspector {
        // snippet: keyspace-inspector
        let inspector = KeyspaceInspector(configuration: try RedisConfiguration(url: settings.url))
        // snippet: end
        return inspector
    }

    /// A key to describe: the article's `:1:my-key` when chapter 04 left it, else the first key
    /// SCAN finds in DB 1, then DB 0.
    static func someKey(_ inspector: KeyspaceInspector) async throws -> (Int, RedisKey)? {
        let article = RedisKey(":1:my-key")
        if try await inspector.describe([article], database: cacheDatabase).first?.type == "string" {
            return (cacheDatabase, article)
        }
        for database in [cacheDatabase, 0] {
            if let key = try await inspector.scan(database: database, count: 100, pageSize: 1).keys.first { return (database, key) }
        }
        return nil
    }
}
