import Foundation

/// Runs CPython (stdlib only) for the interop tests: one process per test, the cases batched
/// through stdin and stdout. No python3 is a failure that says so, never a skip.
enum Python {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The first `python3` on `PATH`.
    static func executable() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("python3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw Failure(description: "python3 is not on PATH (\(path)): these tests compare with CPython's pickle and need python3 3.8 or later")
    }

    /// Runs `script` with `input` on stdin and returns stdout; a non-zero exit is a failure with stderr.
    static func run(_ script: String, input: String = "") throws -> String {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = ["-c", script]
        // Fixed str hashing, so that a set's order is the same in every run.
        process.environment = (ProcessInfo.processInfo.environment).merging(["PYTHONHASHSEED": "0"]) { $1 }
        // stdin from a file: nothing to write concurrently while stdout is drained.
        let inputFile = FileManager.default.temporaryDirectory.appendingPathComponent("pickle-python-\(UUID().uuidString).in")
        try Data(input.utf8).write(to: inputFile)
        defer { try? FileManager.default.removeItem(at: inputFile) }
        let stdin = try FileHandle(forReadingFrom: inputFile)
        defer { try? stdin.close() }
        let stdout = Pipe()
        // stderr to a file too, so that a long traceback cannot fill a pipe nobody drains yet.
        let errorFile = inputFile.deletingPathExtension().appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let stderr = try FileHandle(forWritingTo: errorFile)
        defer { try? stderr.close() }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let errors = (try? Data(contentsOf: errorFile)) ?? Data()
            throw Failure(description: "python3 exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    /// Lowercase hex, as Python's `bytes.hex()`.
    var hex: String { map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }

    /// The bytes of a hex string (`bytes.hex()` output).
    init?(hex: Substring) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self = bytes
    }
}
