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
/// `redis-benchmark.c`): it runs one thread per primary (3 here, where our callers share one
/// event loop), and with threads it notices the end of its run only on its 250 ms progress
/// timer, so its time is rounded up to a multiple of 250 ms. With 200,000 requests (a quarter
/// to half a second) that rounding swung its figure by up to a factor of two from run to run
/// (and the ratio with it); the default of 2,000,000 keeps the rounding under about a tenth.
struct ClusterSuite {
    var requests: Int
    var connections: Int
    var pipeline: Int
    var keyspace: Int
    var eventLoopGroup: any EventLoopGroup
    var progress: (String) -> Void
    /// The keys redis-benchmark's `-r` makes (`key:000000012345`), made once: formatting them
    /// per call would be measured as the client's time.
    let keys: [RedisKey]

    init(requests: Int, connections: Int, pipeline: Int, keyspace: Int, eventLoopGroup: any EventLoopGroup, progress: @escaping (String) -> Void) {
        self.requests = requests
        self.connections = connections
        self.pipeline = pipeline
        self.keyspace = keyspace
        self.eventLoopGroup = eventLoopGroup
        self.progress = progress
        self.keys = (0..<max(1, keyspace)).map { number in
            let digits = String(number)
            return RedisKey("key:" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits)
        }
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

    /// How callers pick their keys.
    enum KeyShape {
        /// As redis-benchmark's clients: caller `i` on primary `i % primaries`, its keys tagged
        /// with a hash tag of that primary (`keysByNode[node]`).
        case onePrimaryPerCaller(keysByNode: [[RedisKey]])
        /// Any key of ``keys``: every batch spread over the primaries.
        case spread
    }

    /// redis-benchmark's keys for each primary: `key:{tag}:000000012345`, `tag` the first
    /// number whose slot the primary serves.
    func keysByPrimary(_ client: RedisClusterClient) async throws -> [[RedisKey]] {
        try await client.primaries().map { node in
            guard let tag = (0...).lazy.map(String.init).first(where: { tag in
                let slot = RedisClusterSlot(key: tag).value
                return node.slots.contains { $0.contains(slot) }
            }) else { throw BenchError("no hash tag for \(node.endpoint)") }
            return (0..<max(1, keyspace)).map { number in
                let digits = String(number)
                return RedisKey("key:{\(tag)}:" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits)
            }
        }
    }

    func measure(_ client: RedisClusterClient, cluster: PrivateRedisCluster, referenceTool: String) async throws -> BenchReport {
        var rows: [BenchRow] = []
        let perNode = KeyShape.onePrimaryPerCaller(keysByNode: try await keysByPrimary(client))
        for operation in [ClientSuite.Operation.set, .get] {
            let reference = try runReference(referenceTool, operation: operation, port: cluster.ports[0])
            for (shape, label) in [(perNode, ""), (KeyShape.spread, ", keys of every slot")] {
                let name = "\(operation.rawValue) c=\(connections) P=\(pipeline) cluster\(label)"
                let ours = try await runOurs(client, operation: operation, keys: shape)
                let row = BenchRow(
                    name: name, ours: ours.opsPerSecond, reference: reference.opsPerSecond, ratio: ours.opsPerSecond / reference.opsPerSecond,
                    oursP50Microseconds: ours.p50Microseconds, referenceP50Microseconds: reference.p50Microseconds)
                progress("\(name): ours \(Int(ours.opsPerSecond)) ops/s, redis-benchmark --cluster \(Int(reference.opsPerSecond)) ops/s, ratio \(String(format: "%.2f", row.ratio))")
                rows.append(row)
            }
        }
        let statistics = client.statistics
        progress("redirects met: \(statistics.moved) MOVED, \(statistics.ask) ASK; slot table asked \(statistics.refreshes) times")
        return BenchReport(suite: "cluster", rows: rows)
    }

    func runReference(_ tool: String, operation: ClientSuite.Operation, port: Int) throws -> ClientSuite.Measurement {
        let arguments = ["--cluster", "-h", "127.0.0.1", "-p", "\(port)", "-t", operation.rawValue.lowercased(), "-n", "\(requests)",
                         "-d", "3", "-r", "\(keyspace)", "-c", "\(connections)", "-P", "\(pipeline)", "--csv"]
        guard let result = ShellCommand.run(tool, arguments) else { throw BenchError("cannot start \(tool)") }
        guard result.status == 0 else {
            throw BenchError("\(tool) \(arguments.joined(separator: " ")) failed with status \(result.status):\n\(result.output)")
        }
        guard let line = result.output.split(separator: "\n").first(where: { $0.hasPrefix("\"\(operation.rawValue)\"") }) else {
            throw BenchError("unexpected redis-benchmark output:\n\(result.output)")
        }
        let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        guard fields.count >= 5, let rps = Double(fields[1]), let p50 = Double(fields[4]) else {
            throw BenchError("cannot read redis-benchmark's CSV line: \(line)")
        }
        return ClientSuite.Measurement(opsPerSecond: rps, p50Microseconds: p50 * 1000)
    }

    /// `connections` concurrent callers, each sending `pipeline` commands at a time with
    /// `execute` (which groups them by node), over keys numbered `0..<keyspace` as
    /// redis-benchmark's `-r` makes them.
    func runOurs(_ client: RedisClusterClient, operation: ClientSuite.Operation, keys: KeyShape) async throws -> ClientSuite.Measurement {
        let batches = max(1, requests / connections / pipeline)
        try await drive(client, operation: operation, keys: keys, batches: max(1, batches / 20))  // warm-up: connections, buffers
        let started = ContinuousClock.now
        let latencies = try await drive(client, operation: operation, keys: keys, batches: batches)
        let elapsed = ContinuousClock.now - started
        let sorted = latencies.sorted()
        return ClientSuite.Measurement(
            opsPerSecond: Double(batches * connections * pipeline) / elapsed.seconds, p50Microseconds: Double(sorted[sorted.count / 2]) / 1000)
    }

    /// Runs the callers on the event loops of our connections, as `bench client` does (and as
    /// a request handler on a server's event loop would): round robin, so with the default one
    /// loop every caller, connection and reply shares one thread, as redis-benchmark's do.
    @discardableResult
    func drive(_ client: RedisClusterClient, operation: ClientSuite.Operation, keys shape: KeyShape, batches: Int) async throws -> [Int64] {
        let value = ByteBuffer(string: "xxx")
        let pipeline = pipeline
        let executors = eventLoopGroup.makeIterator().map { EventLoopTaskExecutor($0) }
        return try await withThrowingTaskGroup(of: [Int64].self) { group in
            for caller in 0..<connections {
                let keys: [RedisKey]
                switch shape {
                case .onePrimaryPerCaller(let keysByNode): keys = keysByNode[caller % keysByNode.count]
                case .spread: keys = self.keys
                }
                group.addTask(executorPreference: executors[caller % executors.count]) {
                    var generator = SplitMix64(seed: UInt64(caller))
                    var latencies: [Int64] = []
                    latencies.reserveCapacity(batches)
                    let clock = ContinuousClock()
                    for _ in 0..<batches {
                        let batch = (0..<pipeline).map { _ in keys[Int(generator.next() % UInt64(keys.count))] }
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
