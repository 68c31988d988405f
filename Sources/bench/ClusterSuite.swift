import Foundation
import Guide
import NIOCore
import NIOPosix
import LarderRESP
import LarderRedis
import RedisTestSupport

/// `bench cluster`: ``RedisClusterClient`` against `redis-benchmark --cluster` on the same
/// private 6-node cluster (3 primaries), GET and SET of a 3-byte value over random keys,
/// interleaved workload by workload.
///
/// The compared rows do what redis-benchmark does: in cluster mode it puts each client on one
/// primary, round robin, and a hash tag of that primary's slots in its keys
/// (`key:{tag}:000000012345`), so every pipeline goes to one node. A further row per command
/// spreads each caller's keys over every slot, as an application's would be, so that each
/// batch of 16 is split three ways; redis-benchmark has no such mode, so its ratio is against
/// the same reference and says what the split costs.
///
/// Two things of redis-benchmark's cluster mode the figures depend on (Redis 7.0's
/// `redis-benchmark.c`): it runs one thread per primary (3 here; our callers run on the event
/// loops of `--event-loops`, one per core by default, as NIO's shared group has), and with
/// threads it notices the end of its run only on its 250 ms progress timer, so the figure it
/// prints is rounded down. Its rate is therefore read off the primaries' own command counts
/// (see ``ClusterReferenceRun``), and each workload runs `rounds` times, the reference and
/// ours alternating, so that a slower spell of the machine weighs on both; rows report medians.
struct ClusterSuite {
    var requests: Int
    /// Rounds of each workload, the reference's and ours alternating; rows report medians.
    var rounds: Int
    var connections: Int
    var pipeline: Int
    var keyspace: Int
    var eventLoopGroup: any EventLoopGroup
    var progress: (String) -> Void
    init(requests: Int, rounds: Int, connections: Int, pipeline: Int, keyspace: Int, eventLoopGroup: any EventLoopGroup, progress: @escaping (String) -> Void) {
        self.requests = requests
        self.rounds = max(1, rounds)
        self.connections = connections
        self.pipeline = pipeline
        self.keyspace = keyspace
        self.eventLoopGroup = eventLoopGroup
        self.progress = progress
    }

    func run() async throws -> BenchReport {
        guard let referenceTool = ShellCommand.locate("redis-benchmark") else {
            throw BenchError("redis-benchmark is not installed: install Redis's tools (redis-tools)")
        }
        let started = ContinuousClock.now
        let cluster = try await PrivateRedisCluster.start()
        defer { cluster.stop() }
        progress("cluster of \(cluster.nodes.count) nodes ready in \(started.duration(to: .now)) on ports \(cluster.ports.map(String.init).joined(separator: ","))")
        var configuration = cluster.configuration()
        configuration.base.commandTimeout = .seconds(60)
        return try await RedisClusterClient.withClient(configuration: configuration, eventLoopGroup: eventLoopGroup) { client in
            try await measure(client, cluster: cluster, referenceTool: referenceTool)
        }
    }

    /// How callers pick their keys: redis-benchmark's with `-r`, `key:` and twelve random
    /// digits below the keyspace.
    enum KeyShape {
        /// As redis-benchmark's clients: caller `i` on primary `i % primaries`, its keys tagged
        /// with a hash tag of that primary, `key:{tag}:000000012345` (the prefix of each node).
        case onePrimaryPerCaller(prefixesByNode: [String])
        /// `key:000000012345`: every batch spread over the primaries.
        case spread

        func prefix(of caller: Int) -> String {
            switch self {
            case .onePrimaryPerCaller(let prefixes): prefixes[caller % prefixes.count]
            case .spread: "key:"
            }
        }
    }

    /// redis-benchmark's key prefix for each primary: `key:{tag}:`, `tag` the first number
    /// whose slot the primary serves.
    func prefixesByPrimary(_ client: RedisClusterClient) async throws -> [String] {
        try await client.primaries().map { node in
            guard let tag = (0...).lazy.map(String.init).first(where: { tag in
                let slot = RedisClusterSlot(key: tag).value
                return node.slots.contains { $0.contains(slot) }
            }) else { throw BenchError("no hash tag for \(node.endpoint)") }
            return "key:{\(tag)}:"
        }
    }

    func measure(_ client: RedisClusterClient, cluster: PrivateRedisCluster, referenceTool: String) async throws -> BenchReport {
        var rows: [BenchRow] = []
        let perNode = KeyShape.onePrimaryPerCaller(prefixesByNode: try await prefixesByPrimary(client))
        // Connections of their own to the primaries, to read their command counts during the
        // reference runs (see ClusterReferenceRun).
        var counters: [RedisConnection] = []
        for node in try await client.primaries() {
            var configuration = client.configuration.base
            configuration.endpoint = node.endpoint
            counters.append(try await RedisConnection.connect(configuration: configuration))
        }
        do {
            try await measure(client, perNode: perNode, cluster: cluster, referenceTool: referenceTool, counters: counters, into: &rows)
        } catch {
            for counter in counters { await counter.close() }
            throw error
        }
        for counter in counters { await counter.close() }
        let statistics = client.statistics
        progress("redirects met: \(statistics.moved) MOVED, \(statistics.ask) ASK; slot table asked \(statistics.refreshes) times")
        return BenchReport(suite: "cluster", rows: rows)
    }

    /// The rows of each operation: `rounds` rounds of the reference, then ours with each key
    /// shape, alternating so that a slower spell of the machine weighs on both; each row
    /// reports the medians.
    private func measure(
        _ client: RedisClusterClient, perNode: KeyShape, cluster: PrivateRedisCluster, referenceTool: String, counters: [RedisConnection],
        into rows: inout [BenchRow]
    ) async throws {
        let shapes = [(perNode, ""), (KeyShape.spread, ", keys of every slot")]
        for operation in [ClientSuite.Operation.set, .get] {
            var references: [ClusterReferenceRun] = []
            var ours = [[ClientSuite.Measurement]](repeating: [], count: shapes.count)
            for round in 1...rounds {
                let reference = try await runReference(referenceTool, operation: operation, port: cluster.ports[0], counters: counters)
                references.append(reference)
                var line = "\(operation.rawValue) round \(round) of \(rounds): redis-benchmark --cluster \(Int(reference.opsPerSecond)) ops/s "
                    + "by the primaries' counts (it printed \(Int(reference.reportedOpsPerSecond)))"
                for (index, shape) in shapes.enumerated() {
                    let measurement = try await runOurs(client, operation: operation, keys: shape.0)
                    ours[index].append(measurement)
                    line += ", ours\(shape.1) \(Int(measurement.opsPerSecond)) (\(String(format: "%.2f", measurement.opsPerSecond / reference.opsPerSecond)); "
                        + "\(String(format: "%.2f", measurement.cpuMicrosecondsPerCommand ?? 0)) µs of processor per command)"
                }
                progress(line)
            }
            let reference = references.sorted { $0.opsPerSecond < $1.opsPerSecond }[rounds / 2]
            let referenceP50 = references.map(\.p50Milliseconds).sorted()[rounds / 2] * 1000
            for (index, shape) in shapes.enumerated() {
                let name = "\(operation.rawValue) c=\(connections) P=\(pipeline) cluster\(shape.1)"
                let rate = ours[index].map(\.opsPerSecond).sorted()[rounds / 2]
                let p50 = ours[index].map(\.p50Microseconds).sorted()[rounds / 2]
                let row = BenchRow(
                    name: name, ours: rate, reference: reference.opsPerSecond, ratio: rate / reference.opsPerSecond,
                    oursP50Microseconds: p50, referenceP50Microseconds: referenceP50)
                progress("\(name): ours \(Int(rate)) ops/s, redis-benchmark --cluster \(Int(reference.opsPerSecond)) ops/s, ratio \(String(format: "%.2f", row.ratio)) (medians of \(rounds))")
                rows.append(row)
            }
        }
    }

    func runReference(_ tool: String, operation: ClientSuite.Operation, port: Int, counters: [RedisConnection]) async throws -> ClusterReferenceRun {
        let arguments = ["--cluster", "-h", "127.0.0.1", "-p", "\(port)", "-t", operation.rawValue.lowercased(), "-n", "\(requests)",
                         "-d", "3", "-r", "\(keyspace)", "-c", "\(connections)", "-P", "\(pipeline)", "--csv"]
        return try await ClusterReferenceRun.measure(
            tool: tool, arguments: arguments, requests: requests, operation: operation.rawValue, primaries: counters)
    }

    /// `connections` concurrent callers, each sending `pipeline` commands at a time with
    /// `execute` (which groups them by node), over keys numbered `0..<keyspace` as
    /// redis-benchmark's `-r` makes them.
    func runOurs(_ client: RedisClusterClient, operation: ClientSuite.Operation, keys: KeyShape) async throws -> ClientSuite.Measurement {
        let batches = max(1, requests / connections / pipeline)
        try await drive(client, operation: operation, keys: keys, batches: max(1, batches / 20))  // warm-up: connections, buffers
        let started = ContinuousClock.now
        let cpuBefore = ProcessCPUTime.now()
        let latencies = try await drive(client, operation: operation, keys: keys, batches: batches)
        let elapsed = ContinuousClock.now - started
        let cpu = ProcessCPUTime.now() - cpuBefore
        let sorted = latencies.sorted()
        let commands = batches * connections * pipeline
        return ClientSuite.Measurement(
            opsPerSecond: Double(commands) / elapsed.seconds, p50Microseconds: Double(sorted[sorted.count / 2]) / 1000,
            cpuMicrosecondsPerCommand: cpu.seconds * 1_000_000 / Double(commands))
    }

    /// Runs the callers on the event loops of our connections, as `bench client` does (and as
    /// a request handler on a server's event loop would): round robin, each caller's commands
    /// on its own loop's connections (see `RedisMultiplexer`), as each of redis-benchmark's
    /// clients lives on one of its threads.
    @discardableResult
    func drive(_ client: RedisClusterClient, operation: ClientSuite.Operation, keys shape: KeyShape, batches: Int) async throws -> [Int64] {
        let value = ByteBuffer(string: "xxx")
        let pipeline = pipeline
        let keyspace = keyspace
        let executors = eventLoopGroup.makeIterator().map { EventLoopTaskExecutor($0) }
        return try await withThrowingTaskGroup(of: [Int64].self) { group in
            for caller in 0..<connections {
                let prefix = shape.prefix(of: caller)
                group.addTask(executorPreference: executors[caller % executors.count]) {
                    let keys = BatchKeys(prefix: prefix, count: pipeline, keyspace: keyspace)
                    var generator = SplitMix64(seed: UInt64(caller))
                    var latencies: [Int64] = []
                    latencies.reserveCapacity(batches)
                    let clock = ContinuousClock()
                    for _ in 0..<batches {
                        let batch = keys.next(using: &generator)
                        let start = clock.now
                        switch operation {
                        case .get: for result in await client.execute(batch.map { GET($0) }) { _ = try result.get() }
                        case .set: for result in await client.execute(batch.map { SET($0, value) }) { _ = try result.get() }
                        }
                        latencies.append((clock.now - start).nanoseconds)
                    }
                    return latencies
                }
            }
            var all: [Int64] = []
            for try await latencies in group { all += latencies }
            return all
        }
    }
}

/// A cheap pseudo-random generator (SplitMix64) for picking keys, as redis-benchmark's
/// `random()` is: `SystemRandomNumberGenerator` makes a `getrandom` system call per key, which
/// was measured as the client's time (1-2% of the event loop's in a profile).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
