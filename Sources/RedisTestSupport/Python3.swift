import Foundation

/// Runs Python 3's standard library (zlib, json, hmac, hashlib, base64) as an independent
/// implementation to check bytes against: `python3 -c script`, `input` on its standard input,
/// its standard output returned.
public enum Python3 {
    /// What went wrong running `python3`.
    public struct Failure: Error, CustomStringConvertible {
        /// Why, with Python's standard error when it ran.
        public var description: String
    }

    /// The standard output of `python3 -c script` given `input`.
    ///
    /// - Throws: ``Failure`` when `python3` is not on `PATH` (the test needs it: install
    ///   Python 3) or exits with a non-zero status (its standard error included).
    public static func run(_ script: String, input: Data = Data(), arguments: [String] = []) throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("python3-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Files, not pipes: nothing can fill up and block while the other stream is read.
        let inputFile = folder.appendingPathComponent("stdin")
        let outputFile = folder.appendingPathComponent("stdout")
        let errorFile = folder.appendingPathComponent("stderr")
        try input.write(to: inputFile)
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        process.waitUntilExit()
        let errors = String(decoding: (try? Data(contentsOf: errorFile)) ?? Data(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            if process.terminationStatus == 127 {
                throw Failure(description: "python3 is not on PATH: this test checks bytes against Python's standard library; install Python 3")
            }
            throw Failure(description: "python3 exited with \(process.terminationStatus): \(errors)")
        }
        return try Data(contentsOf: outputFile)
    }
}
