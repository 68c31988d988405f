// `swift run guide`: the tour of every chapter, in order, with ✓/✗ per step.
// `swift run guide doctor`: validate this machine's Redis setup and name the fix for each problem.
// `swift run guide exercises [N]`: check your answers to the exercises in Sources/Exercises.
// `swift run guide refresh-output`: paste a fresh run of each chapter into its marked output blocks and shell transcripts.
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
        subcommands: [Tour.self, DoctorCommand.self, ExercisesCommand.self, RefreshOutputCommand.self],
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

struct RefreshOutputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh-output",
        abstract: "Run the chapters and paste what their steps print into the chapters' marked output blocks.",
        discussion: """
            A block marked `<!-- output: STEP TITLE -->` or `<!-- measured: STEP TITLE -->` in chapters/NN-*.md is the output \
            of that step (see ShownOutput and MeasuredOutput). Chapters 01 and 02 run on your server; the others, in order, on \
            a private redis-server that starts empty, as the tests run them. A block marked `<!-- transcript: SCENARIO -->` is a \
            shell transcript, its commands run on private servers of their own (see ShownTranscript). Run from the \
            repository's folder; commit the changes it makes.
            """)

    @Option(help: "The Redis Unix socket.") var socket = RedisConfiguration.defaultSocketPath
    @Argument(help: "Chapter numbers to refresh (default: every chapter with marked blocks).") var chapters: [Int] = []
    @Flag(help: "Refresh the shell transcripts only (on private servers), not the steps' output blocks.") var transcriptsOnly = false

    func run() async throws {
        let terminal = Terminal()
        let settings = GuideSettings(socketPath: socket)
        if !transcriptsOnly {
            // The chapters before the last one asked for run too, unwritten: chapter 06 shows what they leave.
            let last = chapters.max() ?? Int.max
            try await ShownOutputRun.withPrivateServer { written in
                for chapter in ShownOutputRun.chapters(reader: settings, written: written) where chapter.number <= last {
                    let file = URL(fileURLWithPath: chapter.file)
                    let markdown = try String(contentsOf: file, encoding: .utf8)
                    let count = ShownOutput.blocks(in: markdown).count + MeasuredOutput.blocks(in: markdown).count
                    guard count > 0 else { continue }
                    let report = await chapter.run()
                    guard report.passed else {
                        terminal.print("\(terminal.fail) chapter \(chapter.paddedNumber) did not pass: nothing refreshed (`swift run \(chapter.name)` shows why)")
                        throw ExitCode.failure
                    }
                    guard chapters.isEmpty || chapters.contains(chapter.number) else { continue }
                    let fresh = try MeasuredOutput.refreshed(try ShownOutput.refreshed(markdown, with: report), with: report)
                    if fresh != markdown { try fresh.write(to: file, atomically: true, encoding: .utf8) }
                    terminal.print("\(terminal.pass) \(chapter.file): \(count) block\(count == 1 ? "" : "s")\(fresh == markdown ? ", unchanged" : " refreshed")")
                }
            }
        }
        // Shell transcripts run on private servers of their own, whatever --socket says.
        let pages = AllChapters.chapters(settings).filter { chapters.isEmpty || chapters.contains($0.number) }.map(\.file)
        for page in pages + (chapters.isEmpty ? TranscriptRunner.otherPages : []) {
            do {
                let (count, changed) = try await TranscriptRunner.refresh(page: page)
                if count > 0 { terminal.print("\(terminal.pass) \(page): \(count) transcript\(count == 1 ? "" : "s")\(changed ? " refreshed" : ", unchanged")") }
            } catch {
                terminal.print("\(terminal.fail) \(error): nothing refreshed")
                throw ExitCode.failure
            }
        }
    }
}

struct ExercisesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exercises",
        abstract: "Check your answers to the chapters' exercises (the code in Sources/Exercises), each on a private redis-server.",
        discussion: "Exits 0 when every exercise asked for is solved, 1 otherwise.")

    @Argument(help: "Chapter numbers of the exercises to check (default: all).") var chapters: [Int] = []

    func run() async throws {
        let terminal = Terminal()
        var unsolved = 0
        for exercise in Exercises.all() where chapters.isEmpty || chapters.contains(exercise.chapter) {
            let label = "Exercise \(exercise.chapter < 10 ? "0" : "")\(exercise.chapter): \(exercise.title)"
            do {
                let saw = try await exercise.check()
                terminal.print("  \(terminal.pass) \(label)")
                terminal.print("      \(saw)")
            } catch {
                unsolved += 1
                let failure = error as? StepFailure ?? StepFailure(error)
                terminal.print("  \(terminal.fail) \(label)   (\(exercise.file))")
                terminal.print("      \(terminal.styled(failure.problem, .red))")
                terminal.print("      \(terminal.styled("hint: \(failure.fix)", .yellow))")
            }
        }
        if unsolved > 0 { throw ExitCode.failure }
    }
}
