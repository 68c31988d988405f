// Chapter 05: sessions in Redis. Runs the steps of chapters/05-sessions.md: the /session
// counter on each engine against this machine's Redis, then the survival table (FLUSHALL,
// restart, Redis killed) on a private redis-server; `--serve ENGINE` then keeps a site up for curl,
// and `--clean` deletes the sessions the served site created (recorded in sessions-served.txt).
// The steps live in Sources/Chapters/Sessions so that `swift run guide` runs them too.
import ArgumentParser
import Chapters
import Foundation
import Guide
import Logging
import WebTestSupport

@main
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "The cache, cached DB and standalone Redis session engines (chapter 05).",
        discussion: "Runs the chapter's steps. With --serve cache|cached_db|redis, then serves /session on 127.0.0.1:8000 (or --port) until Ctrl-C: try curl -i -c jar -b jar http://127.0.0.1:8000/session. The sessions it creates are listed in sessions-served.txt in the current folder; --clean deletes exactly those.")

    @Option(help: "The Redis socket.")
    var socket = GuideSettings().socketPath

    @Option(help: "After the steps, serve /session with this engine (cache, cached_db, redis).")
    var serve: String?

    @Option(help: PortArgument.help("The port to serve on (with --serve).", default: 8000), transform: PortArgument.parse)
    var port = 8000

    @Flag(help: "Delete the sessions that --serve runs from this folder created (listed in sessions-served.txt), instead of running the steps.")
    var clean = false

    func validate() throws {
        if clean, serve != nil { throw ValidationError("--clean deletes what --serve created: run them one at a time") }
    }

    func run() async throws {
        let folder = FileManager.default.currentDirectoryPath
        let ledger = ServedSessionLedger(path: folder + "/" + ServedSessionLedger.fileName)
        let databasePath = folder + "/db.sqlite3"
        if clean {
            let counts = try await SessionsSite.cleanServed(
                ledger: ledger, socketPath: socket, databasePath: databasePath, logger: Logger(label: "sessions"))
            if counts.isEmpty { print("no sessions to delete: \(ledger.path) lists none") }
            for (engine, deleted) in counts { print("deleted \(deleted) session\(deleted == 1 ? "" : "s") of the \(engine.title)") }
            return
        }
        let settings = GuideSettings(socketPath: socket)
        let engine = try serve.map { name in
            guard let engine = SessionsSite.Engine(rawValue: name) else { throw ValidationError("unknown engine '\(name)': use cache, cached_db or redis") }
            return engine
        }
        let terminal = Terminal()
        let report = await SessionsChapter.chapter(settings).run(printingTo: terminal)
        guard report.passed else { throw ExitCode.failure }
        guard let engine else { return }
        let backend = try await SessionsSite.backend(
            engine, socketPath: socket, databasePath: databasePath, secret: SessionsSite.secret(), logger: Logger(label: "sessions"))
        let store = SessionsSite.servedStore(backend, engine: engine, ledger: ledger)
        let site = try await RunningSite.start(SessionsSite.router(store: store), port: port)
        // Written at once (see Terminal.print), so that it reaches a file or pipe before Ctrl-C.
        terminal.print("\nServing http://127.0.0.1:\(site.port)/session on the \(engine.title) until Ctrl-C. Try:")
        terminal.print("  curl -i -c jar -b jar http://127.0.0.1:\(site.port)/session")
        terminal.print("New sessions are listed in \(ledger.path); `swift run sessions --clean` deletes them.")
        terminal.print("Routes run on the event loop that accepted the request: one blocking call there (a sleep, a file read, a synchronous database call) stalls every request on that loop.")
        try await site.wait()
    }
}
