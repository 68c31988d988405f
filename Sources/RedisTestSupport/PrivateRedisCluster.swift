import Foundation
import LarderRESP
import LarderRedis

/// A Redis Cluster of the test's own: `redis-server` processes with `cluster-enabled yes` on
/// loopback ports, 3 primaries and a replica each by default, joined with
/// `redis-cli --cluster create`. Each node is a ``PrivateRedisServer`` (its own temporary
/// folder, which holds its `nodes.conf`), so a test may kill, stop or reshard it freely.
///
/// ```swift
/// let cluster = try await PrivateRedisCluster.start()
/// defer { cluster.stop() }
/// let client = RedisClusterClient(configuration: cluster.configuration())
/// ```
///
/// Ready when every node reports `cluster_state:ok` and every node's `CLUSTER SHARDS` gives the
/// same primaries for the same slots, each with its replicas online (about 2–3 s).
public final class PrivateRedisCluster: @unchecked Sendable {
    /// The nodes, in the order given to `redis-cli --cluster create` (which makes the first
    /// `primaries` of them primaries).
    public let nodes: [PrivateRedisServer]
    /// How many replicas each primary was given.
    public let replicasPerPrimary: Int
    /// `cluster-node-timeout`: how long a node may be unreachable before it is failed over.
    public let nodeTimeout: Duration

    private init(nodes: [PrivateRedisServer], replicasPerPrimary: Int, nodeTimeout: Duration) {
        self.nodes = nodes
        self.replicasPerPrimary = replicasPerPrimary
        self.nodeTimeout = nodeTimeout
    }

    /// Starts `primaries × (1 + replicasPerPrimary)` nodes, creates the cluster, and waits until
    /// it is ready.
    ///
    /// - Parameters:
    ///   - nodeTimeout: `cluster-node-timeout`; small (1 s by default) so that a killed primary is
    ///     failed over within a test's patience.
    ///   - extraDirectives: more redis.conf lines for every node.
    /// - Throws: ``PrivateRedisServerError`` when a node does not start, or
    ///   ``PrivateRedisClusterError`` when the cluster is not created or does not settle.
    public static func start(
        primaries: Int = 3, replicasPerPrimary: Int = 1, nodeTimeout: Duration = .milliseconds(1000),
        extraDirectives: [String] = []
    ) async throws -> PrivateRedisCluster {
        let count = primaries * (1 + replicasPerPrimary)
        // Two ports a node: clients', and the cluster bus's (by default port + 10000, which a
        // port the kernel picked may not have room for).
        var ports: [Int] = []
        while ports.count < count * 2 {
            let port = try LoopbackPort.unused()
            if !ports.contains(port) { ports.append(port) }
        }
        let milliseconds = nodeTimeout.components.seconds * 1000 + nodeTimeout.components.attoseconds / 1_000_000_000_000_000
        let nodes = try await withThrowingTaskGroup(of: (Int, PrivateRedisServer).self) { group in
            for index in 0..<count {
                let (port, busPort) = (ports[index * 2], ports[index * 2 + 1])
                group.addTask {
                    let server = try await PrivateRedisServer.start(
                        tcpPort: port,
                        extraDirectives: [
                            "cluster-enabled yes", "cluster-config-file nodes.conf", "cluster-port \(busPort)",
                            "cluster-node-timeout \(milliseconds)",
                            // A replica's first sync starts at once, not after the default 5 s
                            // wait for more replicas to share a diskless transfer.
                            "repl-diskless-sync-delay 0",
                            // A replica counts as online (CLUSTER SHARDS) once its offset moves
                            // past 0; on an idle primary only its pings (every 10 s by default)
                            // move it.
                            "repl-ping-replica-period 1",
                        ] + extraDirectives)
                    return (index, server)
                }
            }
            var started: [(Int, PrivateRedisServer)] = []
            do {
                for try await node in group { started.append(node) }
            } catch {
                for (_, server) in started { server.shutDownAndRemove() }
                throw error
            }
            return started.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let cluster = PrivateRedisCluster(nodes: nodes, replicasPerPrimary: replicasPerPrimary, nodeTimeout: nodeTimeout)
        do {
            try await cluster.create()
            try await cluster.waitUntilSettled(timeout: .seconds(20))
        } catch {
            cluster.stop()
            throw error
        }
        return cluster
    }

    /// The client ports of the nodes.
    public var ports: [Int] { nodes.map(\.tcpPort) }

    /// A cluster client configuration with every node as a seed, as `base` otherwise says
    /// (its endpoint is replaced by each node's).
    public func configuration(base: RedisConfiguration = RedisConfiguration(), maximumAttempts: Int = 6) -> RedisClusterConfiguration {
        // The seeds are TCP, the database 0: the initializer cannot fail for these.
        try! RedisClusterConfiguration(
            base: base, seeds: ports.map { .tcp(host: "127.0.0.1", port: $0) }, maximumAttempts: maximumAttempts)
    }

    /// The seeds as one URL: `redis://127.0.0.1:p1,127.0.0.1:p2,...`.
    public var url: String { "redis://" + ports.map { "127.0.0.1:\($0)" }.joined(separator: ",") }

    /// The node listening on `port`.
    public func node(port: Int) -> PrivateRedisServer? { nodes.first { $0.tcpPort == port } }

    /// Stops every node (by PID) and removes their folders.
    public func stop() {
        for node in nodes { node.shutDownAndRemove() }
    }

    /// The cluster's layout as a running node reports it.
    public func topology() async throws -> RedisClusterTopology {
        var last: (any Error)?
        for node in nodes where node.pid != nil {
            do {
                return try await RedisConnection.withConnection(configuration: node.configuration()) { redis in
                    try await redis.send(CLUSTER.SHARDS())
                }
            } catch {
                last = error
            }
        }
        throw PrivateRedisClusterError.notSettled(detail: "no node answers CLUSTER SHARDS: \(last.map { "\($0)" } ?? "all stopped")")
    }

    /// The running node serving `slot` as primary, by the layout a running node reports.
    public func primary(for slot: Int) async throws -> PrivateRedisServer {
        let topology = try await topology()
        guard let shard = topology.shards.first(where: { $0.slots.contains { $0.contains(slot) } }),
            let primary = shard.primary, let node = node(port: primary.port)
        else { throw PrivateRedisClusterError.notSettled(detail: "no primary serves slot \(slot)") }
        return node
    }

    /// Waits until every running node says `cluster_state:ok` and all report the same primaries
    /// for the same slots, all 16384 covered; with `replicasOnline`, each primary with its
    /// replicas online too (not so after a primary was killed).
    public func waitUntilSettled(timeout: Duration, replicasOnline: Bool = true) async throws {
        var lastProblem = "not checked yet"
        let settled = await waitUntil(limit: timeout, interval: .milliseconds(100)) { () async -> Bool? in
            do {
                if let problem = try await self.unsettledReason(replicasOnline: replicasOnline) {
                    lastProblem = problem
                    return nil
                }
                return true
            } catch {
                lastProblem = "\(error)"
                return nil
            }
        }
        guard settled == true else { throw PrivateRedisClusterError.notSettled(detail: lastProblem) }
    }

    /// Why the cluster is not settled yet, or `nil` when it is.
    private func unsettledReason(replicasOnline: Bool) async throws -> String? {
        var layouts: [String: [Int]] = [:]
        for node in nodes where node.pid != nil {
            let (info, topology) = try await RedisConnection.withConnection(configuration: node.configuration()) { redis in
                let info = try String(fromRESP: try await redis.send("CLUSTER", "INFO"))
                return (info, try await redis.send(CLUSTER.SHARDS()))
            }
            guard info.contains("cluster_state:ok") else { return "\(node.tcpPort) is not in cluster_state:ok" }
            guard topology.coveredSlots == RedisClusterSlot.count else {
                return "\(node.tcpPort) sees \(topology.coveredSlots) of 16384 slots served"
            }
            var layout: [String] = []
            for shard in topology.shards where !shard.slots.isEmpty {
                guard let primary = shard.primary, primary.health == "online" else { return "\(node.tcpPort) sees a shard without a primary online" }
                if replicasOnline && shard.replicas.count < replicasPerPrimary {
                    return "\(node.tcpPort) sees \(primary.port) with \(shard.replicas.count) replicas online"
                }
                layout.append("\(primary.id) \(shard.slots.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ","))")
            }
            layouts[layout.sorted().joined(separator: "; "), default: []].append(node.tcpPort)
        }
        return layouts.count == 1 ? nil : "the nodes disagree on the slots: \(layouts.values.map { $0.map(String.init).joined(separator: ",") })"
    }

    /// `redis-cli --cluster create <nodes> --cluster-replicas N --cluster-yes`.
    private func create() async throws {
        guard let cli = PrivateRedisServer.findExecutable("redis-cli") else { throw PrivateRedisClusterError.redisCliNotInstalled }
        let arguments = ["--cluster", "create"] + ports.map { "127.0.0.1:\($0)" }
            + ["--cluster-replicas", String(replicasPerPrimary), "--cluster-yes"]
        let (status, output) = try await Self.run(cli, arguments)
        guard status == 0, output.contains("[OK] All 16384 slots covered") else {
            throw PrivateRedisClusterError.createFailed(status: status, output: String(output.suffix(2000)))
        }
    }

    /// Runs `executable` to its end; its exit status and output (standard error included).
    static func run(_ executable: String, _ arguments: [String]) async throws -> (Int32, String) {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("redis-cli-\(UUID().uuidString.prefix(8)).out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return (status, String(decoding: (try? Data(contentsOf: outputFile)) ?? Data(), as: UTF8.self))
    }
}

/// Why a private cluster could not be made ready.
public enum PrivateRedisClusterError: Error, CustomStringConvertible {
    /// `redis-cli` is not on PATH.
    case redisCliNotInstalled
    /// `redis-cli --cluster create` failed.
    case createFailed(status: Int32, output: String)
    /// The nodes did not settle in time; `detail` says what was still wrong.
    case notSettled(detail: String)

    public var description: String {
        switch self {
        case .redisCliNotInstalled:
            "redis-cli is not installed, so this test cannot create its private cluster: install Redis's tools"
        case .createFailed(let status, let output):
            "redis-cli --cluster create exited with status \(status):\n\(output)"
        case .notSettled(let detail):
            "the private cluster did not settle: \(detail)"
        }
    }
}

/// One private cluster shared by the tests of a suite: started by the first test that asks,
/// stopped by the suite's `class func tearDown()` (see ``SuiteServer``).
public final class SuiteCluster: @unchecked Sendable {
    private let lock = NSLock()
    private var started: PrivateRedisCluster?
    private let starter: @Sendable () async throws -> PrivateRedisCluster

    /// A suite cluster started with `start` (by default 3 primaries, a replica each).
    public init(start: @escaping @Sendable () async throws -> PrivateRedisCluster = { try await PrivateRedisCluster.start() }) {
        self.starter = start
    }

    /// The running cluster, started on first use.
    public func cluster() async throws -> PrivateRedisCluster {
        if let running = lock.withLock({ started }) { return running }
        let cluster = try await starter()
        return lock.withLock {
            if let running = started {
                cluster.stop()
                return running
            }
            started = cluster
            return cluster
        }
    }

    /// Stops every node.
    public func stop() {
        let cluster = lock.withLock {
            defer { started = nil }
            return started
        }
        cluster?.stop()
    }
}
