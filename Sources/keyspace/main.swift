// Chapter 06: inspecting the keyspace. `swift run keyspace` runs the steps of
// chapters/06-keyspace.md against this machine's Redis; the subcommands are the tool the
// chapter builds: `info`, `keys`, `scan`, `describe`, `groups`, and `--web` for the browser.
// Everything here only reads (the steps live in Sources/Chapters/KeyspaceChapter.swift).
import ArgumentParser
import Chapters
import Foundation
import Guide
import LarderKeyspaceBrowser
import LarderRedis
import LarderKeyspace
// Top-level code (this target has several files, so no `@main`): parse, then run async.
do {
    var command = try KeyspaceCommand.parseAsRoot()
    if var subcommand = command as? any AsyncParsableCommand {
        try await runAsync(&subcommand)
    } else {
        try command.run()  // `help`
    }
} catch {
    // The library's error names the general remedy; the guide adds this repository's.
    if let fix = SetupRemedy.fix(for: error) {
        FileHandle.standardError.write(Data("Error: \(error)\n→ next: \(fix)\n".utf8))
        KeyspaceCommand.exit(withError: ExitCode.failure)
    }
    KeyspaceCommand.exit(withError: error)
}

/// Runs the async `run()` of a parsed subcommand (an existential would pick the sync one).
func runAsync<Command: AsyncParsableCommand>(_ command: inout Command) async throws {
    try await command.run()
}

struct KeyspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyspace",
        abstract: "Inspect a Redis keyspace, read-only (chapter 06).",
        discussion: "With no subcommand: the chapter's steps, or with --web the browser page.",
        subcommands: [
            ChapterCommand.self, InfoCommand.self, KeysCommand.self, ScanCommand.self, DescribeCommand.self,
            GroupsCommand.self, WebCommand.self,
        ],
        defaultSubcommand: ChapterCommand.self
    )
}

struct ChapterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter", abstract: "Run the chapter's steps against this machine (the default).")

    @OptionGroup var server: ServerOptions
    @Flag(help: "Serve the read-only browser page instead (same as `keyspace web`).") var web = false
    @Option(help: PortArgument.help("The browser's port on 127.0.0.1 (with --web).", default: WebCommand.defaultPort), transform: PortArgument.parse)
    var port = WebCommand.defaultPort

    func run() async throws {
        if web {
            try await WebCommand.serve(try server.inspector(), port: port)
            return
        }
        let report = await KeyspaceChapter.chapter(server.settings).run(printingTo: Terminal())
        if !report.passed { throw ExitCode(1) }
    }
}
