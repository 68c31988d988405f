import Foundation
import LarderRedis

/// One `redis-benchmark --cluster` run, its throughput read off the primaries themselves.
///
/// In cluster mode redis-benchmark runs a thread per primary and notices the end of its run
/// only on its 250 ms progress timer, so the time it reports is rounded up to the next quarter
/// second: at a million requests per second a 2,000,000-request run reads anywhere from 0.89
/// to 1.0 of its real rate, in our favour. The primaries' own count of the commands they
/// processed (`INFO stats`, `total_commands_processed`) has no such step: it is sampled every
/// 50 ms while the tool runs, and the rate is taken between the samples where a tenth and
/// nine tenths of the run's requests are done, the steady part of the run, away from its
/// connects and its last stragglers. Ours is timed over its whole run, start and tail
/// included: if anything, a bias against ours.
struct ClusterReferenceRun {
    /// The run's rate from the primaries' counts, requests per second.
    var opsPerSecond: Double
    /// What redis-benchmark printed for the same run, with its rounding.
    var reportedOpsPerSecond: Double
    /// redis-benchmark's median latency, milliseconds.
    var p50Milliseconds: Double

    struct Sample {
        var at: ContinuousClock.Instant
        var commands: Int
    }

    /// Runs `tool` with `arguments` (ending in `--csv`), sampling the primaries at `primaries`
    /// through `connections` opened on them; `requests` is the run's `-n`, `operation` the CSV
    /// line to read.
    static func measure(
        tool: String, arguments: [String], requests: Int, operation: String, primaries: [RedisConnection]
    ) async throws -> ClusterReferenceRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        // The output goes to a file, read at the end: the tool never blocks on a full pipe, and
        // no thread waits on one meanwhile.
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("redis-benchmark-\(UUID().uuidString).txt")
        guard FileManager.default.createFile(atPath: outputURL.path, contents: nil) else {
            throw BenchError("cannot create \(outputURL.path) for redis-benchmark's output")
        }
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let output = try FileHandle(forWritingTo: outputURL)
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let before = try await commandsProcessed(primaries)
        try process.run()
        var samples: [Sample] = []
        do {
            while process.isRunning {
                samples.append(Sample(at: .now, commands: try await commandsProcessed(primaries) - before))
                try await Task.sleep(for: .milliseconds(50))
            }
        } catch {
            process.terminate()  // not left running when the sampling fails
            process.waitUntilExit()
            throw error
        }
        process.waitUntilExit()
        let text = String(decoding: try Data(contentsOf: outputURL), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw BenchError("\(tool) \(arguments.joined(separator: " ")) failed with status \(process.terminationStatus):\n\(text)")
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("\"\(operation)\"") }) else {
            throw BenchError("unexpected redis-benchmark output:\n\(text)")
        }
        let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        guard fields.count >= 5, let reported = Double(fields[1]), let p50 = Double(fields[4]) else {
            throw BenchError("cannot read redis-benchmark's CSV line: \(line)")
        }
        return ClusterReferenceRun(
            opsPerSecond: try steadyRate(samples, requests: requests), reportedOpsPerSecond: reported, p50Milliseconds: p50)
    }

    /// The rate between the first sample past a tenth of `requests` and the last one short of
    /// nine tenths.
    static func steadyRate(_ samples: [Sample], requests: Int) throws -> Double {
        let steady = samples.filter { $0.commands >= requests / 10 && $0.commands <= requests * 9 / 10 }
        guard let first = steady.first, let last = steady.last, first.at < last.at else {
            throw BenchError(
                "redis-benchmark ran too briefly to read its rate off the primaries (\(samples.count) samples of 50 ms): raise --requests")
        }
        return Double(last.commands - first.commands) / (last.at - first.at).seconds
    }

    /// The commands the primaries processed since they started, together (each `INFO` asked
    /// counts one more, a few per second against a million).
    static func commandsProcessed(_ primaries: [RedisConnection]) async throws -> Int {
        var total = 0
        for primary in primaries {
            let info = try await primary.send(INFO(["stats"]))
            guard let count = info["stats"]["total_commands_processed"].flatMap(Int.init) else {
                throw BenchError("INFO stats of \(primary.configuration.endpoint) has no total_commands_processed")
            }
            total += count
        }
        return total
    }
}
