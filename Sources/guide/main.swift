// `swift run guide`: the tour of every chapter, in order, with ✓/✗ per step.
// `swift run guide doctor`: validate this machine's Redis setup and name the fix for each problem.
import ArgumentParser
import Chapters
import Foundation
import Guide
import LarderRedis
@main
struct GuideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guide",
        abstract: "Redis as a web app's cache and session store, chapter by chapter.",
        subcommands: [Tour.self, DoctorCommand.self],
        defaultSubcommand: Tour.self
    )
}

struct Tour: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tour", abstract: "Run every chapter in order against this machine (the default).")

    @Option(help: "The Redis Unix socket.") var socket = RedisConfiguration.defaultSocketPath
    @Option(help: "The Redis config file.") var config = "/etc/redis/redis.conf"

    func run() async throws {
        let terminal = Terminal()
        let settings = GuideSettings(socketPath: socket, configFile: config)
        let started = ContinuousClock.now
        var passed = 0
        let chapters = AllChapters.chapters(settings)
        for chapter in chapters {
            let report = await chapter.run(printingTo: terminal)
            terminal.print()
            guard report.passed else {
                terminal.print(terminal.styled("Stopped at chapter \(chapter.paddedNumber) (\(chapter.file)): fix the step marked ✗, then run `\(rerunCommand)` again.", .red))
                throw ExitCode(1)
            }
            passed += 1
        }
        let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18 + Double((ContinuousClock.now - started).components.seconds)
        terminal.print(terminal.styled("All \(passed) chapters passed", .green) + " in \(String(format: "%.1f", seconds)) s.")
    }

    /// This run's command, with the options the reader gave, to run again after a fix.
    var rerunCommand: String {
        var words = ["swift run guide"]
        if socket != RedisConfiguration.defaultSocketPath { words.append("--socket \(socket)") }
        if config != "/etc/redis/redis.conf" { words.append("--config \(config)") }
        return words.joined(separator: " ")
    }
}

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this machine's Redis setup and print the fix for every problem.",
        discussion: "Exits 0 when every check passes, 1 otherwise. Reads only: it never changes Redis or its files.")

    @Option(help: "The Redis Unix socket to check.") var socket = RedisConfiguration.defaultSocketPath
    @Option(help: "The Redis config file to check.") var config = "/etc/redis/redis.conf"
    @Option(help: "Check socket access for this user (default: you; $SUDO_USER under sudo).") var user: String?

    func run() async throws {
        var options = DoctorOptions(socketPath: socket, configFile: config)
        if let user {
            guard let found = UnixUser.named(user) else {
                throw ValidationError("no user named '\(user)' on this machine")
            }
            options.user = found
        }
        let terminal = Terminal()
        terminal.print(terminal.styled("Redis doctor: \(socket), \(config)", .bold))
        let report = await Doctor.examine(options)
        report.print(to: terminal)
        if !report.passed { throw ExitCode(1) }
    }
}
