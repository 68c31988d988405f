import Foundation
import Guide
import NIOCore
import NIOPosix
import LarderRESP
import LarderRedis
import RedisTestSupport

/// `bench client`: our client against `redis-benchmark` on the same private server, the same
/// workload (GET and SET of a 3-byte value), interleaved config by config.
struct ClientSuite {
    enum Operation: String, CaseIterable {
        case get = "GET"
        case set = "SET"
    }

    struct Workload: CustomStringConvertible {
        var operation: Operation
        var connections: Int
        var pipeline: Int
        var transport: String

        var description: String { "\(operation.rawValue) c=\(connections) P=\(pipeline) \(transport)" }
    }

    var requests: Int
    var connectionCounts: [Int]
    var pipelines: [Int]
    var transports: [String]
    /// The event loops our connections share: by default one, the single thread
    /// redis-benchmark has, so that the client leaves the other core to redis-server.
    var eventLoopGroup: any EventLoopGroup
    var progress: (String) -> Void

    func run() async throws -> BenchReport {
        guard let referenceTool = ShellCommand.locate("redis-benchmark") else {
            throw BenchError("redis-benchmark is not installed: run ./setup.sh (it installs redis-tools)")
        }
        let port = try LoopbackPort.unused()
        // `tls`: the same server on a tls-port too, with certificates made for the run (both
        // clients verify the server's certificate against the run's CA).
        let certificates = transports.contains("tls") ? try TestCertificates.make() : nil
        defer { certificates?.remove() }
        let server: PrivateRedisServer
        var endpoints: [String: RedisEndpoint] = [:]
        if let certificates {
            let tlsServer = try await PrivateTLSRedisServer.start(certificates: certificates, plainPort: port)
            server = tlsServer.server
            endpoints["tls"] = .tcp(host: "127.0.0.1", port: tlsServer.tlsPort)
        } else {
            server = try await PrivateRedisServer.start(tcpPort: port)
        }
        defer { server.shutDownAndRemove() }
        endpoints["unix"] = .unixSocket(path: server.socketPath)
        endpoints["tcp"] = .tcp(host: "127.0.0.1", port: port)
        let caFile = certificates?.ca.certificate

        var rows: [BenchRow] = []
        for transport in transports {
            for connections in connectionCounts {
                for pipeline in pipelines {
                    for operation in [Operation.set, .get] {
                        let workload = Workload(operation: operation, connections: connections, pipeline: pipeline, transport: transport)
                        guard let endpoint = endpoints[transport] else {
                            throw BenchError("unknown transport '\(transport)': use unix, tcp or tls")
                        }
                        let tlsCA = transport == "tls" ? caFile : nil
                        let reference = try runReference(referenceTool, workload: workload, endpoint: endpoint, tlsCA: tlsCA)
                        let ours = try await runOurs(workload: workload, endpoint: endpoint, tlsCA: tlsCA)
                        let row = BenchRow(
                            name: workload.description, ours: ours.opsPerSecond, reference: reference.opsPerSecond,
                            ratio: ours.opsPerSecond / reference.opsPerSecond,
                            oursP50Microseconds: ours.p50Microseconds, referenceP50Microseconds: reference.p50Microseconds)
                        progress("\(workload): ours \(Int(ours.opsPerSecond)) ops/s, redis-benchmark \(Int(reference.opsPerSecond)) ops/s, ratio \(String(format: "%.2f", row.ratio))")
                        rows.append(row)
                    }
                }
            }
        }
        return BenchReport(suite: "client", rows: rows)
    }

    struct Measurement {
        var opsPerSecond: Double
        var p50Microseconds: Double
        /// The processor time the whole process spent per command, where a suite measures it.
        var cpuMicrosecondsPerCommand: Double? = nil
    }

    // MARK: redis-benchmark

    /// redis-benchmark on `endpoint`, over TLS verified against `tlsCA` when it is given.
    func runReference(_ tool: String, workload: Workload, endpoint: RedisEndpoint, tlsCA: String?) throws -> Measurement {
        var arguments = ["-t", workload.operation.rawValue.lowercased(), "-n", "\(requests)", "-d", "3",
                         "-c", "\(workload.connections)", "-P", "\(workload.pipeline)", "--csv"]
        switch endpoint {
        case .unixSocket(let path): arguments += ["-s", path]
        case .tcp(let host, let port): arguments += ["-h", host, "-p", "\(port)"]
        }
        if let tlsCA { arguments += ["--tls", "--cacert", tlsCA] }
        guard let result = ShellCommand.run(tool, arguments) else { throw BenchError("cannot start \(tool)") }
        guard result.status == 0 else {
            throw BenchError("\(tool) \(arguments.joined(separator: " ")) failed with status \(result.status):\n\(result.output)")
        }
        let output = result.output
        // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",...
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("\"\(workload.operation.rawValue)\"") }) else {
            throw BenchError("unexpected redis-benchmark output:\n\(output)")
        }
        let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        guard fields.count >= 5, let rps = Double(fields[1]), let p50 = Double(fields[4]) else {
            throw BenchError("cannot read redis-benchmark's CSV line: \(line)")
        }
        return Measurement(opsPerSecond: rps, p50Microseconds: p50 * 1000)
    }

    // MARK: Ours

    /// Our client on `endpoint`, over TLS verified against `tlsCA` when it is given.
    func runOurs(workload: Workload, endpoint: RedisEndpoint, tlsCA: String?) async throws -> Measurement {
        var configuration = RedisConfiguration(endpoint: endpoint)
        configuration.tls = tlsCA.map { RedisTLSConfiguration(caCertificateFile: $0) }
        configuration.commandTimeout = .seconds(60)
        var connections: [RedisConnection] = []
        do {
            for _ in 0..<workload.connections {
                connections.append(try await RedisConnection.connect(configuration: configuration, eventLoopGroup: eventLoopGroup))
            }
            let measurement = try await measure(connections, workload: workload)
            for connection in connections { await connection.close() }
            return measurement
        } catch {
            for connection in connections { await connection.close() }
            throw error
        }
    }

    /// Our GET or SET loop over `connections`, after a warm-up.
    func measure(_ connections: [RedisConnection], workload: Workload) async throws -> Measurement {
        let key = RedisKey("key:__rand_int__")
        let value = ByteBuffer(string: "xxx")
        _ = try await connections[0].send(SET(key, value))

        let batchesPerConnection = max(1, requests / workload.connections / workload.pipeline)
        // Warm up: the first round trips fill caches and grow buffers.
        try await drive(connections, batches: max(1, batchesPerConnection / 20), workload: workload, key: key, value: value)
        let started = ContinuousClock.now
        let latencies = try await drive(connections, batches: batchesPerConnection, workload: workload, key: key, value: value)
        let elapsed = ContinuousClock.now - started
        let operations = Double(batchesPerConnection * workload.connections * workload.pipeline)
        let sorted = latencies.sorted()
        return Measurement(opsPerSecond: operations / elapsed.seconds, p50Microseconds: Double(sorted[sorted.count / 2]) / 1000)
    }

    /// Runs every connection's loop on its own event loop; returns each batch's latency in ns.
    @discardableResult
    func drive(
        _ connections: [RedisConnection], batches: Int, workload: Workload, key: RedisKey, value: ByteBuffer
    ) async throws -> [Int64] {
        try await withThrowingTaskGroup(of: [Int64].self) { group in
            for connection in connections {
                group.addTask(executorPreference: connection.taskExecutor) {
                    var latencies: [Int64] = []
                    latencies.reserveCapacity(batches)
                    let clock = ContinuousClock()
                    let getBatch = Array(repeating: GET(key), count: workload.pipeline)
                    let setBatch = Array(repeating: SET(key, value), count: workload.pipeline)
                    for _ in 0..<batches {
                        let start = clock.now
                        switch (workload.operation, workload.pipeline) {
                        case (.get, 1): _ = try await connection.send(getBatch[0])
                        case (.set, 1): _ = try await connection.send(setBatch[0])
                        case (.get, _): for result in await connection.execute(getBatch) { _ = try result.get() }
                        case (.set, _): for result in await connection.execute(setBatch) { _ = try result.get() }
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

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
