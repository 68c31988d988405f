import Foundation

/// The machine a benchmark ran on, as the appendix names it: figures mean little without it.
struct MachineDescription {
    var processor: String
    var cores: Int
    var memory: String
    var system: String
    var kernel: String
    var redis: String
    var swift: String
    var loadAverage: String

    /// Reads `/proc/cpuinfo`, `/proc/meminfo`, `/etc/os-release`, `uname -r`,
    /// `redis-server --version`, `swift --version` and `/proc/loadavg`; a part that cannot be
    /// read says so instead of being left out.
    static func current() -> MachineDescription {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let processor = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown processor (no model name in /proc/cpuinfo)"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memory = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
            .flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Double($0) } }
            .map { String(format: "%.0f GiB", $0 / 1_048_576) } ?? "unknown (no MemTotal in /proc/meminfo)"
        let osRelease = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        let system = osRelease.split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { $0.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } ?? "unknown system"
        let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
            .split(separator: " ").prefix(3).joined(separator: " ")
        return MachineDescription(
            processor: processor,
            cores: ProcessInfo.processInfo.activeProcessorCount,
            memory: memory,
            system: system,
            kernel: firstLine(of: ["uname", "-r"]) ?? "unknown kernel",
            redis: firstLine(of: ["redis-server", "--version"]) ?? "redis-server not found",
            swift: firstLine(of: ["swift", "--version"]) ?? "swift not on PATH",
            loadAverage: load.isEmpty ? "unknown" : load)
    }

    /// The first line a command prints, or `nil` when it cannot run.
    static func firstLine(of arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init)
    }

    /// The machine as a Markdown list.
    var markdown: String {
        """
        - Processor: \(processor), \(cores) cores seen by the process
        - Memory: \(memory)
        - System: \(system), kernel \(kernel)
        - Redis: \(redis)
        - Swift: \(swift)
        - Load average when the run started: \(loadAverage) (a figure taken on a busy machine is lower)
        """
    }
}
