import Foundation

/// Runs a short external command (`redis-server --version`) and captures its output.
public enum ShellCommand {
    /// The outcome of a command.
    public struct Result: Sendable {
        /// The exit status.
        public var status: Int32
        /// Standard output and standard error, together, without the trailing newline.
        public var output: String
    }

    /// The absolute path of `name` found on `PATH` (plus the sbin folders), or `nil`.
    public static func locate(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        for folder in folders {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable` (a name on PATH or an absolute path) with `arguments`.
    ///
    /// - Returns: `nil` when the executable cannot be found or started.
    public static func run(_ executable: String, _ arguments: String...) -> Result? {
        run(executable, arguments)
    }

    /// Runs `executable` (a name on PATH or an absolute path) with `arguments`.
    ///
    /// - Returns: `nil` when the executable cannot be found or started.
    public static func run(_ executable: String, _ arguments: [String]) -> Result? {
        guard let path = executable.hasPrefix("/") ? executable : locate(executable) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var output = String(decoding: data, as: UTF8.self)
        while output.hasSuffix("\n") { output.removeLast() }
        return Result(status: process.terminationStatus, output: output)
    }
}
