import Foundation
import Guide
import RedisTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs the `$` commands of a chapter's transcript blocks for real, each block's scenario
/// prepared on private servers, and returns what they printed, mapped back to the chapter's
/// socket and ports.
public enum TranscriptRunner {
    /// What every command of each block printed (keyed by the block's ``ShownTranscript/Block/line``),
    /// or why the block could not run.
    ///
    /// Blocks naming the same scenario run in one preparation, in order. `swift run NAME` runs
    /// `products/NAME` (the executables `swift build` made beside this program), so the commands
    /// never build.
    public static func run(
        _ blocks: [ShownTranscript.Block], products: URL = TranscriptRunner.products
    ) async -> [Int: Result<[[String]], TranscriptError>] {
        var results: [Int: Result<[[String]], TranscriptError>] = [:]
        var scenarios: [String] = []
        for block in blocks where !scenarios.contains(block.scenario) { scenarios.append(block.scenario) }
        for name in scenarios {
            let group = blocks.filter { $0.scenario == name }
            guard let scenario = TranscriptScenarios.named(name) else {
                let error = TranscriptError(text: "no transcript scenario named '\(name)'; the scenarios are \(TranscriptScenarios.all.map(\.name).joined(separator: ", ")) (Sources/Chapters/Transcripts/TranscriptScenarios.swift)")
                for block in group { results[block.line] = .failure(error) }
                continue
            }
            let stage: TranscriptStage
            do {
                stage = try await scenario.prepare()
            } catch {
                let failure = TranscriptError(text: "scenario '\(name)' could not be prepared: \(error)")
                for block in group { results[block.line] = .failure(failure) }
                continue
            }
            var running: [Process] = []
            for block in group {
                do throws(TranscriptError) {
                    var outputs: [[String]] = []
                    for command in block.commands {
                        outputs.append(try await run(command.text, on: stage, products: products, servers: &running))
                    }
                    results[block.line] = .success(outputs)
                } catch {
                    results[block.line] = .failure(error)
                }
            }
            for process in running where process.isRunning { kill(process.processIdentifier, SIGKILL) }
            for process in running { process.waitUntilExit() }
            await stage.tearDown()
        }
        return results
    }

    /// The folder of this program, where `swift build` put the package's other executables.
    public static var products: URL {
        (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent()
    }

    /// The shell line that runs `command` on `stage`: the chapter's socket and ports rewritten,
    /// `swift run NAME` replaced by the built executable.
    static func shellLine(_ command: String, on stage: TranscriptStage, products: URL) throws(TranscriptError) -> String {
        var line = command
        for (shown, actual) in stage.commandRewrites { line = line.replacingOccurrences(of: shown, with: actual) }
        // The reader types at a terminal, where redis-cli formats its replies (`(integer) 1`);
        // here its output is a file, where it would print them raw unless told.
        if line.hasPrefix("redis-cli "), !line.contains(" --raw") {
            line = "redis-cli --no-raw " + line.dropFirst("redis-cli ".count)
        }
        guard line.hasPrefix("swift run ") else { return line }
        var words = line.dropFirst("swift run ".count).split(separator: " ", maxSplits: 1).map(String.init)
        let name = stage.executableAliases[words[0]] ?? words[0]
        let executable = products.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TranscriptError(text: "`\(command)` needs \(executable), which is not built: run `swift build` first")
        }
        words[0] = "'\(executable)'"
        return words.joined(separator: " ")
    }

    static func run(_ command: String, on stage: TranscriptStage, products: URL, servers: inout [Process]) async throws(TranscriptError) -> [String] {
        let line = try shellLine(command, on: stage, products: products)
        let server = stage.servers.first { command.hasPrefix($0.prefix) }
        let outputFile = stage.directory.appendingPathComponent("output-\(UUID().uuidString.prefix(8))")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let process = Process()
        let (program, arguments) = stage.shell(server == nil ? line : "exec \(line)")
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = stage.directory
        process.environment = ProcessInfo.processInfo.environment.merging(stage.environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        do {
            let handle = try FileHandle(forWritingTo: outputFile)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            try handle.close()
        } catch {
            throw TranscriptError(text: "`\(command)` could not start: \(error)")
        }
        let read = { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }
        if let server {
            servers.append(process)
            let ready = await waitUntil(limit: .seconds(60)) { read().contains(server.readyWhen) ? true : nil }
            guard ready != nil else {
                throw TranscriptError(text: "`\(command)` did not print '\(server.readyWhen)' within 60 s; it printed:\n\(read())")
            }
        } else {
            let done = await waitUntil(limit: .seconds(120)) { process.isRunning ? nil : true }
            guard done != nil else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw TranscriptError(text: "`\(command)` did not finish within 120 s; it printed:\n\(read())")
            }
        }
        // HTTP headers and INFO end their lines with CR LF; a terminal shows lines.
        var text = read().replacingOccurrences(of: "\r\n", with: "\n")
        for (actual, shown) in stage.outputRewrites { text = text.replacingOccurrences(of: actual, with: shown) }
        // Trailing spaces (ss pads its last column) are not kept in a Markdown block.
        var lines = text.components(separatedBy: "\n").map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
        while lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// A transcript block that could not be run: what went wrong, and what to do.
public struct TranscriptError: Error, CustomStringConvertible {
    /// What is wrong, with the fix.
    public let text: String
    public var description: String { text }
}
