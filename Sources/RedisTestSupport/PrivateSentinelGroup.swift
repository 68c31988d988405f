import Foundation
import LarderRedis
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A Sentinel deployment of the test's own: a primary and a replica (``PrivateRedisServer``s on
/// loopback ports) and three sentinels (`redis-server <file> --sentinel`) monitoring the
/// primary as ``primaryName``, each sentinel with a writable config file in a temporary folder
/// (Sentinel rewrites it as it learns the topology). Every process runs by PID and is stopped
/// by ``stop()`` or on deinit; no package-installed `redis-sentinel` is used.
///
/// ```swift
/// let group = try await PrivateSentinelGroup.start()
/// defer { group.stop() }
/// group.primary.kill()                                   // SIGKILL: the sentinels fail over
/// ```
///
/// Ready when every sentinel reports the primary, the replica and the two other sentinels, so
/// that a failover can start as soon as the primary is down for ``downAfter``.
public final class PrivateSentinelGroup: @unchecked Sendable {
    /// The name the sentinels monitor the primary under.
    public let primaryName: String
    /// The node that was primary at start.
    public let primary: PrivateRedisServer
    /// The node that replicated it at start.
    public let replica: PrivateRedisServer
    /// The sentinels.
    public let sentinels: [PrivateSentinel]
    /// How long the primary must be unreachable before a sentinel deems it down.
    public let downAfter: Duration
    /// The password the sentinels require, or `nil`.
    public let sentinelPassword: String?

    /// Starts the primary, the replica and three sentinels, and waits until they know each other.
    ///
    /// - Parameters:
    ///   - primaryName: the name monitored. Default `mymaster`.
    ///   - downAfter: `down-after-milliseconds`. Default 1 s.
    ///   - failoverTimeout: `failover-timeout`. Default 2 s (Sentinel's own default is 3 min,
    ///     which would keep a failed failover from being retried within a test).
    ///   - sentinelPassword: a password the sentinels require (`requirepass`, and
    ///     `sentinel sentinel-pass` so that they still talk to each other). Default none.
    /// - Throws: ``PrivateRedisServerError`` when a process does not start, or
    ///   ``PrivateSentinelGroupError/notReady(_:)`` when the group does not form within 20 s.
    public static func start(
        primaryName: String = "mymaster", downAfter: Duration = .seconds(1), failoverTimeout: Duration = .seconds(2),
        sentinelPassword: String? = nil
    ) async throws -> PrivateSentinelGroup {
        let primary = try await PrivateRedisServer.start(tcpPort: try LoopbackPort.unused())
        let replica: PrivateRedisServer
        do {
            replica = try await PrivateRedisServer.start(
                tcpPort: try LoopbackPort.unused(), extraDirectives: ["replicaof 127.0.0.1 \(primary.tcpPort)"])
        } catch {
            primary.shutDownAndRemove()
            throw error
        }
        var sentinels: [PrivateSentinel] = []
        do {
            let directives = sentinelDirectives(
                primaryName: primaryName, primaryPort: primary.tcpPort, downAfter: downAfter, failoverTimeout: failoverTimeout,
                sentinelPassword: sentinelPassword)
            for _ in 0..<3 {
                sentinels.append(try PrivateSentinel.start(directives: directives))
            }
        } catch {
            sentinels.forEach { $0.stop() }
            replica.shutDownAndRemove()
            primary.shutDownAndRemove()
            throw error
        }
        let group = PrivateSentinelGroup(
            primaryName: primaryName, primary: primary, replica: replica, sentinels: sentinels, downAfter: downAfter,
            sentinelPassword: sentinelPassword)
        do {
            try await group.waitUntilFormed()
        } catch {
            group.stop()
            throw error
        }
        return group
    }

    /// The `sentinel.conf` lines each sentinel of a group gets after its port and folder lines:
    /// the primary on 127.0.0.1 at `primaryPort` with a quorum of 2, and the timings (chapter 08
    /// shows them, and a test checks the chapter against these).
    public static func sentinelDirectives(
        primaryName: String = "mymaster", primaryPort: Int, downAfter: Duration = .seconds(1), failoverTimeout: Duration = .seconds(2),
        sentinelPassword: String? = nil
    ) -> [String] {
        var directives = [
            "sentinel monitor \(primaryName) 127.0.0.1 \(primaryPort) 2",
            "sentinel down-after-milliseconds \(primaryName) \(milliseconds(downAfter))",
            "sentinel failover-timeout \(primaryName) \(milliseconds(failoverTimeout))",
            "sentinel parallel-syncs \(primaryName) 1",
        ]
        if let sentinelPassword {
            directives += ["requirepass \(sentinelPassword)", "sentinel sentinel-pass \(sentinelPassword)"]
        }
        return directives
    }

    private init(
        primaryName: String, primary: PrivateRedisServer, replica: PrivateRedisServer, sentinels: [PrivateSentinel],
        downAfter: Duration, sentinelPassword: String?
    ) {
        self.primaryName = primaryName
        self.primary = primary
        self.replica = replica
        self.sentinels = sentinels
        self.downAfter = downAfter
        self.sentinelPassword = sentinelPassword
    }

    /// The sentinels' addresses, for a client's configuration.
    public var sentinelEndpoints: [RedisEndpoint] { sentinels.map { .tcp(host: "127.0.0.1", port: $0.port) } }

    /// A configuration for a data node at `endpoint` (the base a Sentinel client copies).
    public static func dataConfiguration(_ endpoint: RedisEndpoint = .tcp(host: "127.0.0.1", port: 1)) -> RedisConfiguration {
        RedisConfiguration(endpoint: endpoint, connectTimeout: .seconds(1), commandTimeout: .seconds(2))
    }

    /// Asks the first sentinel that answers `body` (with the sentinel password).
    public func askSentinel<Result>(_ body: (RedisConnection) async throws -> Result) async throws -> Result {
        var last: (any Error)?
        for sentinel in sentinels where sentinel.isRunning {
            do {
                return try await RedisConnection.withConnection(configuration: sentinel.configuration(password: sentinelPassword), body)
            } catch {
                last = error
            }
        }
        throw last ?? PrivateSentinelGroupError.notReady("no sentinel is running")
    }

    /// Stops every sentinel and both nodes and removes their folders. Safe to call twice.
    public func stop() {
        sentinels.forEach { $0.stop() }
        replica.shutDownAndRemove()
        primary.shutDownAndRemove()
    }

    deinit { stop() }

    // MARK: Readiness

    /// Until every sentinel knows the primary, its replica and the two other sentinels, and the
    /// replica's link to the primary is up.
    private func waitUntilFormed() async throws {
        var lastState = "nothing asked yet"
        let formed: Bool? = await waitUntil(limit: .seconds(20), interval: .milliseconds(100)) {
            do {
                let link = try await RedisConnection.withConnection(configuration: replica.configuration()) { redis in
                    try await redis.send(INFO(["replication"]))
                }
                guard link["replication"]["master_link_status"] == "up" else {
                    lastState = "replica link \(link["replication"]["master_link_status"] ?? "?")"
                    return nil
                }
                for sentinel in sentinels {
                    let (address, replicas, others) = try await RedisConnection.withConnection(
                        configuration: sentinel.configuration(password: sentinelPassword)
                    ) { redis in
                        (
                            try await redis.send(SENTINEL.GET_MASTER_ADDR_BY_NAME(primaryName: primaryName)),
                            try await redis.send(SENTINEL.REPLICAS(primaryName: primaryName)),
                            try await redis.send(SENTINEL.SENTINELS(primaryName: primaryName))
                        )
                    }
                    guard address?.last == String(primary.tcpPort), replicas.contains(where: { $0["port"] == String(replica.tcpPort) }),
                        others.count == sentinels.count - 1
                    else {
                        lastState = "sentinel \(sentinel.port): primary \(address ?? []), \(replicas.count) replicas, \(others.count) other sentinels"
                        return nil
                    }
                }
                return true
            } catch {
                lastState = "\(error)"
                return nil
            }
        }
        guard formed == true else {
            throw PrivateSentinelGroupError.notReady("\(lastState). Sentinel log:\n\(sentinels.first?.logTail() ?? "")")
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}

/// One `redis-server --sentinel` of a ``PrivateSentinelGroup``, on a loopback port, with its
/// config file in a temporary folder of its own.
public final class PrivateSentinel: @unchecked Sendable {
    /// The folder with its config file, log and pid file.
    public let directory: URL
    /// Its loopback port.
    public let port: Int
    /// Its log file.
    public let logFile: String
    private let lock = NSLock()
    private var process: SpawnedProcess?

    /// Starts a sentinel with `directives` (its `sentinel monitor ...` lines) after the
    /// port, folder, log and pid file lines; it is not waited for.
    public static func start(directives: [String]) throws -> PrivateSentinel {
        PrivateRedisServer.removeServersOfDeadTestRuns()
        guard let executable = PrivateRedisServer.findExecutable("redis-server") else {
            throw PrivateRedisServerError.redisServerNotInstalled
        }
        // Named as a private server's folder, so that one left by a dead test run is cleaned up too.
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("private-redis-\(getpid())-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sentinel = PrivateSentinel(directory: directory, port: try LoopbackPort.unused())
        let configFile = directory.appendingPathComponent("sentinel.conf").path
        let lines = [
            "port \(sentinel.port)",
            "bind 127.0.0.1",
            "daemonize no",
            "dir \(directory.path)",
            "logfile \(sentinel.logFile)",
            "pidfile \(directory.appendingPathComponent("redis.pid").path)",
        ] + directives
        try (lines.joined(separator: "\n") + "\n").write(toFile: configFile, atomically: true, encoding: .utf8)
        let process = try SpawnedProcess(
            executable: executable, arguments: [configFile, "--sentinel"], environment: ProcessInfo.processInfo.environment)
        sentinel.lock.withLock { sentinel.process = process }
        return sentinel
    }

    private init(directory: URL, port: Int) {
        self.directory = directory
        self.port = port
        self.logFile = directory.appendingPathComponent("sentinel.log").path
    }

    /// The sentinel's address.
    public var endpoint: RedisEndpoint { .tcp(host: "127.0.0.1", port: port) }

    /// A configuration to talk to this sentinel, with `password` if it requires one.
    public func configuration(password: String? = nil) -> RedisConfiguration {
        RedisConfiguration(endpoint: endpoint, password: password, connectTimeout: .seconds(1), commandTimeout: .seconds(2))
    }

    /// Whether its process runs.
    public var isRunning: Bool { lock.withLock { process?.isRunning == true } }

    /// The last lines of its log.
    public func logTail(lines: Int = 15) -> String {
        guard let text = try? String(contentsOfFile: logFile, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Stops it with SIGTERM (SIGKILL with `kill`), waits for it to exit, removes its folder.
    public func stop(kill: Bool = false) {
        let running: SpawnedProcess? = lock.withLock {
            defer { process = nil }
            return process
        }
        running?.signalAndWait(kill ? SIGKILL : SIGTERM)
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}

/// Why a ``PrivateSentinelGroup`` did not start.
public enum PrivateSentinelGroupError: Error, CustomStringConvertible {
    /// The sentinels did not report the whole group in time; the text says what they reported last.
    case notReady(String)

    public var description: String {
        switch self {
        case .notReady(let state): "the private Sentinel group did not form within 20 s: \(state)"
        }
    }
}
