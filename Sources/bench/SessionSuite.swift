import ArgumentParser
import Chapters
import Foundation
import Logging
import LarderRedis
import RedisTestSupport
import LarderSessions
import WebTestSupport

/// `bench sessions`: chapter 05's `/session` counter on each engine, started in this
/// (release) process on a private Redis, loaded with the reference's `wrk -t2 -c32 -d10s`
/// and a fixed session cookie (every request loads and saves one session), beside the Django
/// figures measured on the article's stack (below). `--new-sessions` adds the cookie-less run (a new
/// session per request), which leaves a 14-day key per request behind.
struct SessionSuite {
    var seconds: Int
    var threads: Int
    var connections: Int
    var engines: [SessionsSite.Engine]
    var newSessions: Bool
    /// The path loaded: `/session`, or `/` (the middleware runs, the session is never touched) for a baseline.
    var path = "/session"
    var progress: (String) -> Void

    /// The article's stack (Django 6.1, gunicorn, 2 sync workers), req/s.
    static let django: [SessionsSite.Engine: Double] = [.cache: 1_764, .cachedDB: 566, .redis: 1_736]
    /// `/session` without a cookie, cache engine.
    static let djangoNewSession = 1_772.0

    func run() async throws -> BenchReport {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-sessions-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var logger = Logger(label: "bench-sessions")
        logger.logLevel = .error

        var rows: [BenchRow] = []
        for engine in engines {
            let backend = try await SessionsSite.backend(
                engine, socketPath: server.socketPath, databasePath: folder.appendingPathComponent("\(engine.rawValue).sqlite3").path,
                secret: "bench-secret", logger: logger)
            let site = try await RunningSite.start(SessionsSite.router(store: backend.store), port: 0, logger: logger)
            let url = "http://127.0.0.1:\(site.port)\(path)"
            // One session, created first: every request of the run loads and saves it.
            let first = try await LoopbackHTTPClient(port: site.port).get("/session")
            guard first.status == 200, let cookie = first["Set-Cookie"]?.split(separator: ";").first.map(String.init) else {
                throw BenchError("GET /session on the \(engine.title) answered \(first.status) without a cookie")
            }
            progress("wrk -t\(threads) -c\(connections) -d\(seconds)s --latency -H 'Cookie: \(cookie)' \(url)   (\(engine.title))")
            let run = try await WrkRun.run(url: url, threads: threads, connections: connections, seconds: seconds, headers: ["Cookie: \(cookie)"])
            guard run.failures == 0 else { throw BenchError("\(run.failures) failed requests on the \(engine.title)") }
            rows.append(row("GET \(path) with a cookie, \(engine.title)", run, reference: Self.django[engine] ?? 1))

            if newSessions && engine == .cache {
                progress("wrk -t\(threads) -c\(connections) -d\(seconds)s --latency \(url)   (\(engine.title), no cookie)")
                let fresh = try await WrkRun.run(url: url, threads: threads, connections: connections, seconds: seconds)
                guard fresh.failures == 0 else { throw BenchError("\(fresh.failures) failed requests without a cookie") }
                rows.append(row("GET /session, no cookie (new session), \(engine.title)", fresh, reference: Self.djangoNewSession))
                let keys = try await RedisConnection.withConnection(configuration: server.configuration(database: 1)) { redis in
                    try await redis.send(DBSIZE())
                }
                progress("keys left behind in DB 1 by the cookie-less run: \(keys)")
            }
            await site.stop()
            await backend.close()
        }
        return BenchReport(suite: "sessions", rows: rows)
    }

    func row(_ name: String, _ run: WrkRun, reference: Double) -> BenchRow {
        progress("\(name): \(Int(run.requestsPerSecond)) req/s, p50 \(Int(run.p50Microseconds)) µs, p99 \(Int(run.p99Microseconds)) µs; Django \(Int(reference)) req/s")
        return BenchRow(
            name: name, ours: run.requestsPerSecond, reference: reference, ratio: run.requestsPerSecond / reference,
            oursP50Microseconds: run.p50Microseconds, referenceP50Microseconds: nil,
            oursP99Microseconds: run.p99Microseconds, referenceP99Microseconds: nil)
    }
}

struct SessionsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "Chapter 05's /session counter under wrk with a fixed cookie, on each engine, beside the Django figures of the spec.",
        discussion: "Starts its own redis-server on a temporary socket, a SQLite file in a temporary folder, and the site on a free loopback port. Needs wrk.")

    @Option(help: "Seconds per run (wrk -d).") var seconds = 10
    @Option(help: "wrk threads (-t).") var threads = 2
    @Option(help: "wrk connections (-c).") var connections = 32
    @Option(help: "Engines to load (comma-separated): cache, cached_db, redis.") var engines = "cache,cached_db,redis"
    @Flag(help: "Also load the cache engine without a cookie (a new session per request).") var newSessions = false
    @Option(help: "The path to load: /session, or / for a baseline that never touches the session.") var path = "/session"
    @Flag(help: "Print JSON instead of a table.") var json = false

    /// The suite with this command's options (the appendix runs it with `--new-sessions`).
    func suite(progress: @escaping (String) -> Void) throws -> SessionSuite {
        let chosen = try engines.split(separator: ",").map { name in
            guard let engine = SessionsSite.Engine(rawValue: String(name)) else {
                throw ValidationError("unknown engine '\(name)': use cache, cached_db or redis")
            }
            return engine
        }
        return SessionSuite(
            seconds: seconds, threads: threads, connections: connections, engines: chosen, newSessions: newSessions, path: path,
            progress: progress)
    }

    func run() async throws {
        let json = json
        let suite = try self.suite(progress: { line in if !json { FileHandle.standardError.write(Data((line + "\n").utf8)) } })
        let report = try await suite.run()
        try report.show(json: json, reference: "Django", unit: "req/s")
    }
}
