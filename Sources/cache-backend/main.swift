// Chapter 03: Redis as the cache backend of a web app. Starts the chapter's site on
// 127.0.0.1:8000, runs the steps of chapters/03-cache-backend.md against it (a miss, a hit,
// the keys in Redis, Redis down), then keeps serving for curl until Ctrl-C.
// The steps live in Sources/Chapters/CacheBackend so that `swift run guide` runs them too.
import ArgumentParser
import Chapters
import Foundation
import Guide
import WebTestSupport

@main
struct CacheBackendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache-backend",
        abstract: "The site-wide page cache and cachePage(60 * 15) on Redis (chapter 03).",
        discussion: "Runs the chapter's steps, then serves the site until Ctrl-C: try curl -i http://127.0.0.1:8000/")

    @Option(help: "The address to listen on (loopback by default).")
    var host = "127.0.0.1"

    @Option(help: PortArgument.help("The port to listen on.", default: 8000), transform: PortArgument.parse)
    var port = 8000

    @Option(help: "The Redis socket.")
    var socket = GuideSettings().socketPath

    @Flag(help: "Run the steps and exit, without serving afterwards.")
    var once = false

    func run() async throws {
        let settings = GuideSettings(socketPath: socket)
        let terminal = Terminal()
        let report = await CacheBackend.chapter(settings, options: .init(host: host, port: port)).run(printingTo: terminal)
        guard report.passed else { throw ExitCode.failure }
        if once { return }
        let site = try await CacheBackend.serve(settings, host: host, port: port)
        // Through the terminal, which writes at once: print() would keep these lines in a buffer
        // when stdout is a file or a pipe, and Ctrl-C would drop them unwritten.
        terminal.print("\nServing http://\(host):\(site.port)/, /uncached, /plain and /cacheapi until Ctrl-C. Try:")
        terminal.print("  curl -i http://\(host):\(site.port)/")
        terminal.print("  redis-cli -s \(socket) -n 1 --scan --pattern '*views.decorators.cache*'")
        try await site.wait()
    }
}
