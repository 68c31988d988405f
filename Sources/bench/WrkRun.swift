import Foundation

/// One run of `wrk --latency` (Debian's `wrk` package) and the figures it printed.
struct WrkRun {
    /// Requests per second.
    var requestsPerSecond: Double
    /// Latency percentiles in microseconds.
    var p50Microseconds: Double
    var p99Microseconds: Double
    /// Responses that were not 2xx/3xx, and socket errors.
    var failures: Int

    /// Runs `wrk -t<threads> -c<connections> -d<seconds>s --latency [-H header]... url`.
    ///
    /// - Throws: ``BenchError`` when wrk is missing (with the command that installs it) or
    ///   prints something unexpected.
    /// wrk runs on a thread of its own while the caller waits: the site under load shares
    /// this process's two concurrency threads, and a blocking wait would take one from it.
    static func run(url: String, threads: Int = 2, connections: Int = 32, seconds: Int = 10, headers: [String] = []) async throws -> WrkRun {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try runBlocking(url: url, threads: threads, connections: connections, seconds: seconds, headers: headers) })
            }
            thread.start()
        }
    }

    private static func runBlocking(url: String, threads: Int, connections: Int, seconds: Int, headers: [String]) throws -> WrkRun {
        guard let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BenchError("wrk is not installed: run ./setup.sh --with-bench-tools (or apt-get install wrk)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency"] + headers.flatMap { ["-H", $0] } + [url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("wrk failed (\(process.terminationStatus)): \(output)") }
        return try parse(output)
    }

    /// The figures in wrk's report.
    static func parse(_ output: String) throws -> WrkRun {
        var rate: Double?
        var p50: Double?
        var p99: Double?
        var failures = 0
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            switch first {
            case "Requests/sec:": rate = fields.count > 1 ? Double(fields[1]) : nil
            case "50%": p50 = fields.count > 1 ? microseconds(fields[1]) : nil
            case "99%": p99 = fields.count > 1 ? microseconds(fields[1]) : nil
            case "Non-2xx": failures += Int(fields.last ?? "") ?? 0
            case "Socket":
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                failures += fields.compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) }.reduce(0, +)
            default: continue
            }
        }
        guard let rate, let p50, let p99 else { throw BenchError("unexpected wrk output:\n\(output)") }
        return WrkRun(requestsPerSecond: rate, p50Microseconds: p50, p99Microseconds: p99, failures: failures)
    }

    /// `812.00us`, `1.23ms`, `1.02s` in microseconds.
    static func microseconds(_ text: Substring) -> Double? {
        for (suffix, scale) in [("us", 1.0), ("ms", 1_000.0), ("s", 1_000_000.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }
}
