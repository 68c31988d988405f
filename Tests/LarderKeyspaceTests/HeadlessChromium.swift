import Foundation

/// Debian's Chromium, headless: the DOM a page renders to, and a screenshot of it.
struct HeadlessChromium {
    let executable: String

    /// What to do when Chromium is missing: the test set-up installs it.
    static let installHint =
        "chromium is not installed, so the browser test cannot run: run `./setup.sh --with-test-tools` "
        + "(CI=true does this), or `sudo apt-get install chromium`"

    /// Chromium from PATH or /usr/bin, or `nil`.
    static func find() -> HeadlessChromium? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let candidate = folder + "/chromium"
            if FileManager.default.isExecutableFile(atPath: candidate) { return HeadlessChromium(executable: candidate) }
        }
        return nil
    }

    /// The serialized DOM of `url` after it loaded (`--dump-dom`).
    func dumpDOM(_ url: String) async throws -> String {
        String(decoding: try await run(["--dump-dom", url]), as: UTF8.self)
    }

    /// A PNG of `url`, `width` × `height` pixels, written to `file`.
    func screenshot(_ url: String, to file: URL, width: Int = 1280, height: Int = 1000) async throws {
        _ = try await run(["--screenshot=\(file.path)", "--window-size=\(width),\(height)", "--hide-scrollbars", url])
    }

    /// Runs Chromium with a profile of its own (removed afterwards) and returns its standard
    /// output; killed after `timeout`.
    private func run(_ arguments: [String], timeout: TimeInterval = 60) async throws -> Data {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // --no-sandbox: the tests run as root in CI, where Chromium's sandbox refuses to start.
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(profile.path)",
        ] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = profile.path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    try process.run()
                } catch {
                    return continuation.resume(throwing: error)
                }
                let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                watchdog.cancel()
                if process.terminationStatus != 0 {
                    continuation.resume(throwing: ChromiumError.failed(status: process.terminationStatus, arguments: arguments))
                } else {
                    continuation.resume(returning: data)
                }
            }
        }
    }
}

enum ChromiumError: Error, CustomStringConvertible {
    case failed(status: Int32, arguments: [String])

    var description: String {
        switch self {
        case .failed(let status, let arguments):
            "chromium \(arguments.joined(separator: " ")) exited with status \(status) (killed after 60 s if it hung)"
        }
    }
}
