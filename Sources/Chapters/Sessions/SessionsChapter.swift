import LarderCache
import Foundation
import Guide
import Logging
import NIOCore
import LarderRedis
import RedisTestSupport
import LarderSessions
import WebTestSupport

/// Chapter 05: sessions in Redis (chapters/05-sessions.md): the article's three engines on the
/// reader's Redis, then, on a private redis-server that the chapter may flush, restart and
/// kill, the spec's survival table reproduced from real runs.
///
/// The chapter leaves nothing behind: each live step deletes the sessions it created in the
/// reader's Redis when it ends, failed or not, and a failed step on the private server stops
/// that server.
public enum SessionsChapter {
    /// What the steps share; steps run one after another.
    final class Demo: @unchecked Sendable {
        var server: PrivateRedisServer?
        var survival: [SurvivalRow] = []

        /// Stops and removes the private server, if it runs.
        func stopServer() {
            server?.shutDownAndRemove()
            server = nil
        }

        /// A step on the private server: the chapter stops at a failed step, so a failure
        /// stops the server too, rather than leaving it to the step at the end.
        func onPrivateServer(_ title: String, _ body: @escaping @Sendable (inout StepLog) async throws -> Void) -> Step {
            Step(title) { log in
                do {
                    try await body(&log)
                } catch {
                    self.stopServer()
                    log.show("stopped and removed the private redis-server")
                    throw error
                }
            }
        }
    }

    /// A session the chapter created in the reader's Redis: the Redis key and its database.
    struct CreatedSession: Hashable, Sendable {
        var key: String
        var database: Int
    }

    /// One engine's line of the survival table.
    struct SurvivalRow {
        var engine: SessionsSite.Engine
        var flush: String
        var restart: String
        var down: String
        /// `lost|lost|503`: what the chapter's test compares with the spec.
        var facts: String
    }

    /// The start of the name of every temporary folder the chapter makes.
    static let temporaryFolderPrefix = "redis-guide-sessions-"

    /// A new, empty temporary folder for one step's SQLite file, named for `purpose`. The step
    /// removes it when it ends, failed or not, so runs leave no files behind.
    static func makeTemporaryFolder(_ purpose: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(temporaryFolderPrefix)\(purpose)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The chapter's steps against the Redis in `settings`.
    public static func chapter(_ settings: GuideSettings = GuideSettings()) -> Chapter {
        let demo = Demo()
        var steps: [Step] = SessionsSite.Engine.allCases.map { engine in
            Step("\(engine.title): GET /session twice, then the session in Redis") { log in
                try await liveEngine(engine, settings: settings, log: &log)
            }
        }
        steps.append(Step("the article's standalone settings name the socket; no socket, or a missing one, is an error at start-up") { log in
            try await startUpErrors(&log)
        })
        steps.append(Step("start a private redis-server (temporary socket, no persistence) for FLUSHALL, restart, kill") { log in
            let server = try await PrivateRedisServer.start()
            demo.server = server
            log.show("redis-server pid \(server.pid.map(String.init) ?? "?") on \(server.socketPath)")
        })
        for engine in SessionsSite.Engine.allCases {
            steps.append(demo.onPrivateServer("\(engine.title): FLUSHALL, a restart, Redis killed") { log in
                guard let server = demo.server else { throw StepFailure("no private server", fix: "the step that starts it failed; see its message") }
                let row = try await survival(engine, server: server, log: &log)
                demo.survival.append(row)
                log.record("survival-\(engine.rawValue)", row.facts)
            })
        }
        steps.append(demo.onPrivateServer("the survival table, from these runs") { log in
            log.show("engine                   after FLUSHALL       after a restart      Redis down")
            for row in demo.survival {
                log.show(pad(row.engine.title, 25) + pad(row.flush, 21) + pad(row.restart, 21) + row.down)
            }
        })
        steps.append(demo.onPrivateServer("clearsessions: expired rows leave the django_session table") { log in
            try await clearSessions(&log)
        })
        steps.append(Step("stop the private redis-server") { log in
            demo.stopServer()
            log.show("stopped and removed")
        })
        return Chapter(number: 5, name: "sessions", title: "Sessions in Redis", steps: steps)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func quietLogger() -> Logger {
        .chapterQuiet("sessions", level: .critical)
    }

    /// The `sessionid=<key>` pair of a response's cookie, or `nil`.
    static func cookie(_ response: LoopbackHTTPClient.Response) -> String? {
        response.values("Set-Cookie").first { $0.hasPrefix("sessionid=") }?.split(separator: ";").first.map(String.init)
    }

    static func key(ofCookie cookie: String?) -> String? {
        cookie.map { String($0.dropFirst("sessionid=".count)) }
    }

    /// Session `key` of `engine`, as the chapter records what it created.
    static func createdSession(_ engine: SessionsSite.Engine, key: String) -> CreatedSession {
        let location = redisLocation(engine, key: key)
        return CreatedSession(key: location.key, database: location.database)
    }

    /// Where an engine keeps session `key`: the Redis key and database.
    static func redisLocation(_ engine: SessionsSite.Engine, key: String) -> (key: String, database: Int) {
        switch engine {
        case .cache: (":1:" + CacheSessionStore.cacheKey(key), 1)
        case .cachedDB: (":1:" + CachedDatabaseSessionStore.cacheKey(key), 1)
        case .redis: (key, 0)
        }
    }

    // MARK: Live, on the reader's Redis

    /// One engine on the reader's Redis: two visits, the session read back, then deleted. The
    /// sessions it created are removed when the step ends, failed or not: they are the
    /// chapter's (random keys claimed with `SET NX`), and a reader who runs the chapter again
    /// and again should not find them piling up for 14 days.
    static func liveEngine(_ engine: SessionsSite.Engine, settings: GuideSettings, log: inout StepLog) async throws {
        var created: [CreatedSession] = []
        do {
            try await visitTwice(engine, settings: settings, created: &created, log: &log)
        } catch {
            if let removed = try? await removeSessions(created, socketPath: settings.socketPath), removed > 0 {
                log.show("removed the \(removed) session\(removed == 1 ? "" : "s") this step created")
            }
            throw error
        }
        let removed = try await removeSessions(created, socketPath: settings.socketPath)
        log.show("DEL \(created.map(\.key).joined(separator: " ")) → \(removed)   (the chapter removes the sessions it created)")
    }

    /// Deletes exactly `sessions` from the Redis at `socketPath`; returns how many were there.
    static func removeSessions(_ sessions: [CreatedSession], socketPath: String) async throws -> Int {
        var removed = 0
        for database in Set(sessions.map(\.database)).sorted() {
            let keys = sessions.filter { $0.database == database }.map { RedisKey($0.key) }
            let redis = RedisConfiguration(endpoint: .unixSocket(path: socketPath), database: database)
            removed += try await RedisConnection.withConnection(configuration: redis) { connection in
                try await connection.send(DEL(keys))
            }
        }
        return removed
    }

    static func visitTwice(
        _ engine: SessionsSite.Engine, settings: GuideSettings, created: inout [CreatedSession], log: inout StepLog
    ) async throws {
        let folder = try makeTemporaryFolder("live-\(engine.rawValue)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await SessionsSite.withRunningSite(
            engine, socketPath: settings.socketPath, databasePath: folder.appendingPathComponent("db.sqlite3").path, logger: quietLogger()
        ) { backend, site in
            let client = LoopbackHTTPClient(port: site.port)

            let first = try await client.get("/session")
            log.show("GET /session            → \(first.status) \(first.text.trimmingCharacters(in: .newlines))")
            for header in first.values("Set-Cookie") { log.show("  Set-Cookie: \(header)") }
            if let vary = first["Vary"] { log.show("  Vary: \(vary)") }
            guard let cookie = cookie(first), let key = key(ofCookie: cookie) else {
                throw StepFailure("the first response set no session cookie (status \(first.status))", fix: "is Redis running on \(settings.socketPath)? run swift run guide doctor")
            }
            created.append(createdSession(engine, key: key))
            let second = try await client.get("/session", headers: [("Cookie", cookie)])
            if let newKey = Self.key(ofCookie: Self.cookie(second)), newKey != key { created.append(createdSession(engine, key: newKey)) }
            log.show("GET /session + cookie   → \(second.status) \(second.text.trimmingCharacters(in: .newlines))")
            guard second.text == "count 2\n" else {
                throw StepFailure("the second request saw \(second.text.debugDescription), not count 2", fix: "run the chapter again")
            }
            let location = redisLocation(engine, key: key)
            let redis = RedisConfiguration(endpoint: .unixSocket(path: settings.socketPath), database: location.database)
            // snippet: session-in-redis
            let (value, ttl) = try await RedisConnection.withConnection(configuration: redis) { connection in
                let value = try await connection.send(GET(RedisKey(location.key))).map { String(buffer: $0) }
                return (value, try await connection.send(PTTL(RedisKey(location.key))))
            }
            // snippet: end
            log.show("DB \(location.database)  \(location.key)")
            log.show("      TTL \(ttl.seconds)  value \(value ?? "(none)")")
            if engine == .redis {
                let fromEnvironment = SessionsSite.secret() != SessionsSite.secret([:])
                log.show("      signed with \(fromEnvironment ? "SECRET_KEY from the environment" : "the chapter's demo secret (SECRET_KEY is not set; set it for anything but this demo)")")
            }
            if let table = backend.database, let row = try await table.row(key: key) {
                log.show("SQLite django_session: \(key) | \(row.sessionData) | expires \(row.expireDate)")
            }
            guard value != nil, case .expires(let remaining) = ttl, remaining > .seconds(1_209_000) else {
                throw StepFailure("the session is not stored with a 14-day TTL at \(location.key)", fix: "run the chapter again")
            }
            log.record("\(engine.rawValue)-key", location.key)
        }
    }

    static func startUpErrors(_ log: inout StepLog) async throws {
        // The article's settings.py, read by a store that never falls back to TCP.
        let article = try RedisSessionConfiguration(settings: [
            "SESSION_ENGINE": "redis_sessions.session", "SESSION_REDIS_UNIX_DOMAIN_SOCKET_PATH": "/var/run/redis/redis.sock",
        ])
        log.show("the article's two lines → socket \(article.socketPath), DB \(article.database), prefix \"\(article.prefix)\"")
        guard article.socketPath == "/var/run/redis/redis.sock" else {
            throw StepFailure("the article's socket setting read as \(article.socketPath)", fix: "this is a bug in RedisSessionConfiguration(settings:)")
        }
        do {
            _ = try RedisSessionConfiguration(settings: ["SESSION_REDIS_HOST": "localhost", "SESSION_REDIS_PORT": "6379"])
            throw StepFailure("a configuration without a socket was accepted", fix: "this is a bug in RedisSessionConfiguration")
        } catch let error as SessionError {
            log.show("no socket named       → \(error)")
        }
        let missing = "/var/run/redis/no-such.sock"
        do {
            _ = try await RedisSessionStore.connect(
                configuration: try RedisSessionConfiguration(socketPath: missing), signer: try SessionSigner(secret: SessionsSite.secret()))
            throw StepFailure("a store on \(missing) started", fix: "this is a bug in RedisSessionStore.connect")
        } catch let error as SessionError {
            log.show("a socket that is not there → \(error)")
        }
    }

    // MARK: On a private server

    static func survival(_ engine: SessionsSite.Engine, server: PrivateRedisServer, log: inout StepLog) async throws -> SurvivalRow {
        let folder = try makeTemporaryFolder("survival-\(engine.rawValue)")
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await SessionsSite.withRunningSite(
            engine, socketPath: server.socketPath, databasePath: folder.appendingPathComponent("db.sqlite3").path, logger: quietLogger()
        ) { backend, site in
            let client = LoopbackHTTPClient(port: site.port)
            var cookie: String?

            /// GET /session with the current cookie; follows a new cookie.
            func visit() async throws -> (status: Int, text: String, sameKey: Bool, took: Duration) {
                let started = ContinuousClock.now
                let response = try await client.get("/session", headers: cookie.map { [("Cookie", $0)] } ?? [])
                let took = ContinuousClock.now - started
                let newCookie = Self.cookie(response)
                let same = newCookie == nil || newCookie == cookie
                if let newCookie { cookie = newCookie }
                return (response.status, response.text.trimmingCharacters(in: .newlines), same, took)
            }
            func describe(_ visit: (status: Int, text: String, sameKey: Bool, took: Duration)) -> String {
                visit.status == 200 ? "\(visit.text), \(visit.sameKey ? "same key" : "new key")" : "\(visit.status) \(visit.text.prefix(60))"
            }

            _ = try await visit()
            let before = try await visit()
            log.show("before:             \(describe(before))   (key \(key(ofCookie: cookie) ?? "-"))")

            try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
                _ = try await redis.send("FLUSHALL")
            }
            let afterFlush = try await visit()
            log.show("after FLUSHALL:     \(describe(afterFlush))")
            let beforeRestart = try await visit()
            log.show("one more visit:     \(describe(beforeRestart))")

            try await server.restart()
            let afterRestart = try await visit()
            log.show("after a restart:    \(describe(afterRestart))")

            server.kill()
            let down = try await visit()
            log.show("Redis killed:       \(down.status == 200 ? describe(down) : "\(down.status) \(down.text)") in \(down.took.milliseconds) ms")
            try await server.restart()
            let back = try await visit()
            log.show("Redis back:         \(describe(back))")

            let survivedFlush = afterFlush.sameKey && afterFlush.text == "count 3"
            let survivedRestart = afterRestart.sameKey && afterRestart.status == 200 && !afterRestart.text.hasSuffix(" 1")
            let expectSurvival = engine == .cachedDB
            let downAsSpecified = expectSurvival ? down.status == 200 : down.status == 503
            guard survivedFlush == expectSurvival, survivedRestart == expectSurvival, downAsSpecified, back.status == 200 else {
                throw StepFailure("the \(engine.title) did not behave as Django's engine does (the table in chapters/05-sessions.md)", fix: "see the lines above")
            }
            return SurvivalRow(
                engine: engine,
                flush: survivedFlush ? "survives" : "lost (new key)",
                restart: survivedRestart ? "survives" : "lost (new key)",
                down: down.status == 200 ? "served from SQL" : "\(down.status), back by itself",
                facts: "\(survivedFlush ? "survives" : "lost")|\(survivedRestart ? "survives" : "lost")|\(down.status)")
        }
    }

    static func clearSessions(_ log: inout StepLog) async throws {
        let folder = try makeTemporaryFolder("clearsessions")
        defer { try? FileManager.default.removeItem(at: folder) }
        let table = try DatabaseSessionStore(path: folder.appendingPathComponent("db.sqlite3").path, signer: try SessionSigner(secret: SessionsSite.secret()))
        // Two sessions that expired a minute ago, one that lives on.
        for age in [-60, -60, 1_209_600] {
            _ = try await table.create(key: SessionKey.generate(), data: DjangoSessionData(["count": 1]), age: age)
        }
        let before = try await table.count()
        // snippet: session-clearsessions
        let deleted = try await table.clearExpired()  // DELETE FROM django_session WHERE expire_date < now
        // snippet: end
        let after = try await table.count()
        log.show("rows before: \(before), deleted: \(deleted), rows after: \(after)   (journal_mode \(try table.journalMode()))")
        guard deleted == 2, after == 1 else { throw StepFailure("clearsessions deleted \(deleted) rows, not the 2 expired ones", fix: "run the chapter again") }
    }
}
