// Chapter 04: the low-level cache API. Runs the steps of chapters/04-cache-api.md against this
// machine's Redis (DB 1); `--clean` deletes exactly the keys the chapter wrote.
// The steps live in Sources/Chapters/CacheAPI.swift so that `swift run guide` runs them too.
import ArgumentParser
import Chapters
import Guide

@main
struct CacheAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache-api",
        abstract: "The article's cache.set/get/set_many/get_many on Redis DB 1 (chapter 04).",
        discussion: "Exits 0 when every step passes, 1 otherwise.")

    @Option(help: "The Redis socket.")
    var socket = GuideSettings().socketPath

    @Flag(help: "Instead of the steps, delete exactly the keys the chapter wrote (:1:craig, :1:a, ...), nothing else.")
    var clean = false

    func run() async throws {
        let settings = GuideSettings(socketPath: socket)
        let terminal = Terminal()
        if clean {
            do {
                let deleted = try await CacheAPI.clean(settings)
                terminal.print("deleted \(deleted) of the chapter's keys (\(CacheAPI.keys.map { ":1:\($0)" }.joined(separator: ", "))); nothing else touched")
            } catch {
                terminal.print("\(terminal.fail) \(error)")
                if let fix = SetupRemedy.fix(for: error) { terminal.print("  \(terminal.styled("→ next: \(fix)", .yellow))") }
                throw ExitCode.failure
            }
            return
        }
        let report = await CacheAPI.chapter(settings).run(printingTo: terminal)
        guard report.passed else { throw ExitCode.failure }
    }
}
