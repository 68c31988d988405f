// `swift run -c release bench <suite>`: benchmarks that print our figures beside a reference
// measured in the same run. `--json` prints {"suite":…,"rows":[{"name","ours","reference","ratio"}]}.
import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks beside a reference measured in the same run.",
        subcommands: [ClientBench.self, CacheBench.self, SerializerBench.self, PageBench.self, SessionsBench.self, ClusterBench.self, FailoverBench.self, AppendixBench.self]
    )
}

struct ClientBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "The Redis client against redis-benchmark: GET/SET, -c 1 and 50, -P 1 and 16, Unix socket and TCP (and TLS with --transports tls).",
        discussion: "Starts its own redis-server on a temporary socket and loopback port; never touches yours.")

    @Option(help: "Requests per workload (redis-benchmark -n).") var requests = 200_000
    @Option(help: "Connection counts to run (comma-separated).") var connections = "1,50"
    @Option(help: "Pipeline depths to run (comma-separated).") var pipelines = "1,16"
    @Option(help: "Transports to run: unix, tcp, tls (comma-separated; tls: a tls-port with certificates made for the run).") var transports = "unix,tcp"
    @Option(help: "Event loop threads for our connections (redis-benchmark has one).") var eventLoops = 1
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Flag(help: "Count allocations per GET on a warm connection instead (re-runs itself with the malloc interposer preloaded).")
    var allocations = false

    /// The suite with this command's options (the appendix runs it with their defaults).
    func suite(progress: @escaping (String) -> Void) -> ClientSuite {
        ClientSuite(
            requests: requests,
            connectionCounts: connections.split(separator: ",").compactMap { Int($0) },
            pipelines: pipelines.split(separator: ",").compactMap { Int($0) },
            transports: transports.split(separator: ",").map(String.init),
            eventLoopGroup: MultiThreadedEventLoopGroup(numberOfThreads: eventLoops),
            progress: progress)
    }

    func run() async throws {
        if allocations {
            try await countAllocations()
            return
        }
        let json = json
        let suite = self.suite(progress: { line in if !json { FileHandle.standardError.write(Data((line + "\n").utf8)) } })
        let report = try await suite.run()
        try report.show(json: json, reference: "redis-benchmark")
    }

    func countAllocations() async throws {
        if try AllocationCount.rerunUnlessPreloaded() { return }
        var rows: [BenchRow] = []
        for pipeline in pipelines.split(separator: ",").compactMap({ Int($0) }) {
            let perGet = try await AllocationCount.perGet(pipeline: pipeline)
            // The reference is the issue's budget: at most 10 allocations per GET.
            rows.append(BenchRow(name: "allocations per GET P=\(pipeline) unix", ours: perGet, reference: 10, ratio: perGet / 10))
        }
        let report = BenchReport(suite: "client-allocations", rows: rows)
        if json {
            try report.printJSON()
        } else {
            for row in rows { print("\(row.name): \(String(format: "%.2f", row.ours)) (budget \(Int(row.reference)))") }
        }
    }
}

struct CacheBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "RedisCache get/set of the article's my-key value beside the raw client sending the same bytes.",
        discussion: "Starts its own redis-server on a temporary socket; never touches yours.")

    @Option(help: "Operations per measurement.") var operations = 50_000
    @Option(help: "Concurrent tasks to run (comma-separated).") var tasks = "1,16"
    @Option(help: "Rounds per row, raw and cache alternating; medians are reported.") var repeats = 5
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Flag(help: "Count allocations per set and get instead (re-runs itself with the malloc interposer preloaded).")
    var allocations = false

    /// The suite with this command's options (the appendix runs it with their defaults).
    func suite(progress: @escaping (String) -> Void) -> CacheSuite {
        CacheSuite(
            operations: operations,
            concurrency: tasks.split(separator: ",").compactMap { Int($0) },
            repeats: max(1, repeats),
            progress: progress)
    }

    func run() async throws {
        if allocations, try AllocationCount.rerunUnlessPreloaded() { return }
        let json = json
        let suite = self.suite(progress: { line in if !json { FileHandle.standardError.write(Data((line + "\n").utf8)) } })
        let report = allocations ? try await suite.countAllocations() : try await suite.run()
        try report.show(json: json, reference: "raw client", unit: allocations ? "allocs" : "ops/s", decimals: allocations ? 1 : 0)
    }
}

struct SerializerBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serializer",
        abstract: "Encode and decode of the article's my-key value: the cache's FastJSON serializer beside Foundation's JSONEncoder/JSONDecoder, and LarderPickle beside CPython's pickle.",
        discussion: "No Redis: the part of a cache call that is the serializer's, on one thread. The pickle rows need python3 (their reference, timed with timeit in the same run).")

    @Option(help: "Operations per measurement.") var operations = 200_000
    @Option(help: "Rounds per row, ours and Foundation alternating; medians are reported.") var repeats = 5
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Flag(help: "Count allocations per encode and decode instead (re-runs itself with the malloc interposer preloaded).")
    var allocations = false

    /// The suite with this command's options (the appendix runs it with their defaults).
    func suite(progress: @escaping (String) -> Void) -> SerializerSuite {
        SerializerSuite(
            operations: max(1, operations), repeats: max(1, repeats),
            progress: progress)
    }

    func run() throws {
        if allocations, try AllocationCount.rerunUnlessPreloaded() { return }
        let json = json
        let suite = self.suite(progress: { line in if !json { FileHandle.standardError.write(Data((line + "\n").utf8)) } })
        let report = allocations ? try suite.countAllocations() : try suite.run()
        try report.show(json: json, reference: "Foundation", unit: allocations ? "allocs" : "ops/s", decimals: allocations ? 1 : 0)
    }
}

struct PageBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "page",
        abstract: "Chapter 03's site under wrk (/ and /uncached) beside the Django figures of the spec.",
        discussion: "Starts its own redis-server on a temporary socket and the site on a free loopback port. Needs wrk: ./setup.sh --with-bench-tools.")

    @Option(help: "Seconds per run (wrk -d).") var seconds = 10
    @Option(help: "wrk threads (-t).") var threads = 2
    @Option(help: "wrk connections (-c).") var connections = 32
    @Option(help: "Paths to load (comma-separated): those the spec has Django figures for.") var paths = "/,/uncached"
    @Flag(help: "Print JSON instead of a table.") var json = false

    /// The suite with this command's options (the appendix runs it with their defaults).
    func suite(progress: @escaping (String) -> Void) -> PageSuite {
        PageSuite(
            seconds: seconds, threads: threads, connections: connections,
            paths: paths.split(separator: ",").map(String.init),
            progress: progress)
    }

    func run() async throws {
        let json = json
        let suite = self.suite(progress: { line in if !json { FileHandle.standardError.write(Data((line + "\n").utf8)) } })
        let report = try await suite.run()
        try report.show(json: json, reference: "Django", unit: "req/s")
    }
}

struct ClusterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "The cluster client against redis-benchmark --cluster: GET/SET, 50 callers, pipeline 16, each caller on one primary as redis-benchmark's clients are, then with keys of every slot.",
        discussion: "Starts its own 6-node cluster (3 primaries, 3 replicas) on loopback ports and stops it at the end; never touches yours.")

    // Not 200,000 as `bench client`: the reference's rate is read off the primaries' counts
    // between a tenth and nine tenths of its run (see ClusterReferenceRun), which needs a
    // second or so of it.
    @Option(help: "Requests per run (redis-benchmark -n).") var requests = 1_000_000
    @Option(help: "Rounds per workload, redis-benchmark and ours alternating; medians are reported.") var rounds = 5
    @Option(help: "Concurrent callers (redis-benchmark -c).") var connections = 50
    @Option(help: "Commands per caller in flight (redis-benchmark -P).") var pipeline = 16
    @Option(help: "Distinct keys (redis-benchmark -r).") var keyspace = 100_000
    @Option(help: "Event loop threads for our connections; the default, one per core, is what NIO's shared group has (redis-benchmark --cluster runs a thread per primary).")
    var eventLoops = System.coreCount
    @Flag(help: "Print JSON instead of a table.") var json = false

    /// The suite with this command's options (the appendix runs it with their defaults).
    func suite(progress: @escaping (String) -> Void) -> ClusterSuite {
        ClusterSuite(
            requests: requests, rounds: rounds, connections: connections, pipeline: pipeline, keyspace: keyspace,
            eventLoopGroup: MultiThreadedEventLoopGroup(numberOfThreads: eventLoops),
            progress: progress)
    }

    func run() async throws {
        let json = json
        let suite = self.suite(progress: { line in if !json { FileHandle.standardError.write(Data((line + "\n").utf8)) } })
        let report = try await suite.run()
        try report.show(json: json, reference: "redis-benchmark --cluster")
    }
}
