// Chapter 05: sessions in Redis. Runs the steps of chapters/05-sessions.md: the /session
// counter on each engine against this machine's Redis, then the survival table (FLUSHALL,
// restart, Redis killed) on a private redis-server; `--serve ENGINE` then keeps a site up for curl.
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
        discussion: "Runs the chapter's steps. With --serve cache|cached_db|redis, then serves /session on 127.0.0.1:8000 until Ctrl-C: try curl -i -c jar -b jar http://127.0.0.1:8000/session")

    @Option(help: "The Redis socket.")
    var socket = GuideSettings().socketPath

    @Option(help: "After the steps, serve /session with this engine (cache, cached_db, redis).")
    var serve: String?

    @Option(help: PortArgument.help("The port to serve on (with --serve).", default: 8000), transform: PortArgument.parse)
    var port = 8000

    func run() async throws {
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
            engine, socketPath: socket, databasePath: FileManager.default.currentDirectoryPath + "/db.sqlite3",
            secret: SessionsSite.secret(), logger: Logger(label: "sessions"))
        let site = try await RunningSite.start(SessionsSite.router(store: backend.store), port: port)
        // Written at once (see Terminal.print), so that it reaches a file or pipe before Ctrl-C.
        terminal.print("\nServing http://127.0.0.1:\(site.port)/session on the \(engine.title) until Ctrl-C. Try:")
        terminal.print("  curl -i -c jar -b jar http://127.0.0.1:\(site.port)/session")
        try await site.wait()
    }
}
