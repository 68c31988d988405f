import ArgumentParser
import Foundation
import MallocInterposerSwift
import NIOCore
import LarderRedis
import RedisTestSupport

/// Allocations per GET on a warm connection, counted by ordo-one's malloc interposer, which
/// must be preloaded: `bench client --allocations` re-runs itself with `LD_PRELOAD` set.
enum AllocationCount {
    static let library = "libMallocInterposerSwift.so"

    /// Whether the interposer is loaded into this process.
    static var isPreloaded: Bool {
        (ProcessInfo.processInfo.environment["LD_PRELOAD"] ?? "").contains(library)
    }

    /// For a `--allocations` run: re-runs this executable preloaded unless it already is.
    /// True when it did (the caller has nothing left to do); throws the re-run's failure.
    static func rerunUnlessPreloaded() throws -> Bool {
        guard !isPreloaded else { return false }
        let status = try rerunPreloaded()
        if status != 0 { throw ExitCode(status) }
        return true
    }

    /// Runs this executable again with the interposer preloaded and the same arguments.
    static func rerunPreloaded() throws -> Int32 {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let preload = executable.deletingLastPathComponent().appendingPathComponent(library).path
        guard FileManager.default.fileExists(atPath: preload) else {
            throw BenchError("\(preload) is missing: build with `swift build -c release --product bench` first")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = Array(CommandLine.arguments.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = preload
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Allocations per operation: the count over a long run minus a short one, divided by
    /// the difference in operations, so that set-up costs cancel out.
    static func perGet(pipeline: Int) async throws -> Double {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let connection = try await RedisConnection.connect(configuration: server.configuration())
        let key = RedisKey("key:__rand_int__")
        _ = try await connection.send(SET(key, ByteBuffer(string: "xxx")))
        MallocInterposerSwift.initialize()

        func count(batches: Int) async throws -> Int {
            try await withTaskExecutorPreference(connection.taskExecutor) {
                let batch = Array(repeating: GET(key), count: pipeline)
                for _ in 0..<200 { _ = await connection.execute(batch) }  // warm up
                MallocInterposerSwift.reset()
                MallocInterposerSwift.hook()
                for _ in 0..<batches {
                    if pipeline == 1 {
                        _ = try await connection.send(batch[0])
                    } else {
                        for result in await connection.execute(batch) { _ = try result.get() }
                    }
                }
                MallocInterposerSwift.unhook()
                return MallocInterposerSwift.getStatistics().mallocCount
            }
        }
        let short = try await count(batches: 1_000)
        let long = try await count(batches: 11_000)
        await connection.close()
        return Double(long - short) / Double(10_000 * pipeline)
    }

    /// Allocations per call of `operation`, counted over `count` calls after a warm-up.
    static func perCall(count: Int = 10_000, _ operation: () throws -> Void) rethrows -> Double {
        MallocInterposerSwift.initialize()
        for _ in 0..<100 { try operation() }
        MallocInterposerSwift.reset()
        MallocInterposerSwift.hook()
        for _ in 0..<count { try operation() }
        MallocInterposerSwift.unhook()
        return Double(MallocInterposerSwift.getStatistics().mallocCount) / Double(count)
    }

    /// Allocations per call of an async `operation`, in the whole process (the event loop's
    /// share included), counted over `count` calls after a warm-up.
    static func perCall(count: Int = 10_000, _ operation: () async throws -> Void) async rethrows -> Double {
        MallocInterposerSwift.initialize()
        for _ in 0..<100 { try await operation() }
        MallocInterposerSwift.reset()
        MallocInterposerSwift.hook()
        for _ in 0..<count { try await operation() }
        MallocInterposerSwift.unhook()
        return Double(MallocInterposerSwift.getStatistics().mallocCount) / Double(count)
    }
}
