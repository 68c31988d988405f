import Foundation
import LarderRedis
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A `redis-server` of the test's own, on a socket in a fresh temporary folder, with no
/// persistence, so a test may flush, break, kill or restart it without touching the reader's.
///
/// ```swift
/// let server = try await PrivateRedisServer.start()
/// defer { server.stop() }
/// let redis = try await RedisConnection.connect(configuration: server.configuration())
/// ```
public final class PrivateRedisServer: @unchecked Sendable {
    /// The temporary folder holding the socket, config file, log and pid file.
    public let directory: URL
    /// The config file the server was started with (`redis-server <file>`).
    public let configFile: String
    /// The Unix socket path.
    public let socketPath: String
    /// The TCP port, or 0 when TCP is off (the default).
    public let tcpPort: Int
    /// The server's log file.
    public let logFile: String
    /// The password the server requires (`requirepass`), or `nil` when it requires none.
    public let password: String?

    private let lock = NSLock()
    private var process: SpawnedProcess?

    /// Starts a server and waits until it answers `PING` on its socket.
    ///
    /// - Parameters:
    ///   - tcpPort: a loopback TCP port to listen on as well; 0 (the default) turns TCP off.
    ///   - unixSocketPerm: the socket's mode, as in redis.conf. Default `770`.
    ///   - password: a password the server requires (`requirepass`); the readiness `PING` and
    ///     ``configuration(database:password:)`` use it. Default `nil`, no password. (A
    ///     `requirepass` in `extraDirectives` instead would make the readiness check fail.)
    ///   - extraDirectives: more redis.conf lines, e.g. `["maxmemory 1mb"]`.
    /// - Throws: ``PrivateRedisServerError`` when `redis-server` is missing or does not start.
    public static func start(
        tcpPort: Int = 0, unixSocketPerm: String = "770", password: String? = nil, extraDirectives: [String] = []
    ) async throws -> PrivateRedisServer {
        removeServersOfDeadTestRuns()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("private-redis-\(getpid())-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let server = PrivateRedisServer(directory: directory, tcpPort: tcpPort, password: password)
        let directives = [
            "port \(tcpPort)",
            "bind 127.0.0.1",
            "unixsocket \(server.socketPath)",
            "unixsocketperm \(unixSocketPerm)",
            "save \"\"",
            "appendonly no",
            "daemonize no",
            "dir \(directory.path)",
            "logfile \(server.logFile)",
            "pidfile \(directory.appendingPathComponent("redis.pid").path)",
        ] + (password.map { ["requirepass \($0)"] } ?? []) + extraDirectives
        try (directives.joined(separator: "\n") + "\n").write(toFile: server.configFile, atomically: true, encoding: .utf8)
        try await server.launch()
        return server
    }

    private init(directory: URL, tcpPort: Int, password: String?) {
        self.directory = directory
        self.tcpPort = tcpPort
        self.password = password
        self.configFile = directory.appendingPathComponent("redis.conf").path
        self.socketPath = directory.appendingPathComponent("redis.sock").path
        self.logFile = directory.appendingPathComponent("redis.log").path
    }

    /// A client configuration for this server's socket, with `password`, or by default the
    /// server's own ``password``. Set `password = nil` on the result to connect without one.
    public func configuration(database: Int = 0, password: String? = nil) -> RedisConfiguration {
        RedisConfiguration(endpoint: .unixSocket(path: socketPath), database: database, password: password ?? self.password)
    }

    /// The server's process id while it runs.
    public var pid: Int32? {
        lock.withLock { process?.isRunning == true ? process?.pid : nil }
    }

    /// Starts the server again with the same config file and socket (after ``stop()`` or ``kill()``).
    public func restart() async throws {
        stop()
        try await launch()
    }

    /// Stops the server with SIGTERM and waits for it to exit. Safe to call twice.
    public func stop() {
        signalAndWait(SIGTERM)
    }

    /// Kills the server with SIGKILL (no clean shutdown) and waits for it to exit.
    public func kill() {
        signalAndWait(SIGKILL)
    }

    /// Stops the server and deletes its folder.
    public func shutDownAndRemove() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        signalAndWait(SIGTERM)
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Process

    private func launch() async throws {
        guard let executable = Self.findExecutable("redis-server") else {
            throw PrivateRedisServerError.redisServerNotInstalled
        }
        let notifications = try ReadinessSocket(path: directory.appendingPathComponent("notify.sock").path)
        defer { notifications.close() }
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notifications.path
        let process = try SpawnedProcess(
            executable: executable, arguments: [configFile, "--supervised", "systemd"], environment: environment)
        lock.withLock { self.process = process }
        try await waitUntilReady(process, notifications: notifications)
    }

    /// Waits for the server's own "ready" notification, then checks that it answers PING.
    ///
    /// The server runs with `supervised systemd` and a `NOTIFY_SOCKET` of ours: Redis sends
    /// `READY=1` there once it accepts connections, as it does for systemd's `Type=notify`.
    private func waitUntilReady(_ process: SpawnedProcess, notifications: ReadinessSocket) async throws {
        let ready = await notifications.waitForReady(timeout: .seconds(10)) { process.isRunning }
        guard process.isRunning else {
            throw PrivateRedisServerError.exited(status: process.terminationStatus, log: logTail())
        }
        guard ready else {
            signalAndWait(SIGKILL)
            throw PrivateRedisServerError.notReady(lastError: "no READY=1 notification", log: logTail())
        }
        do {
            try await RedisConnection.withConnection(configuration: configuration()) { redis in
                _ = try await redis.send(PING())
            }
        } catch {
            signalAndWait(SIGKILL)
            throw PrivateRedisServerError.notReady(lastError: "\(error)", log: logTail())
        }
    }

    private func signalAndWait(_ signal: Int32) {
        let running: SpawnedProcess? = lock.withLock {
            defer { process = nil }
            return process
        }
        running?.signalAndWait(signal)
    }

    /// The last lines of the server's log, for error messages.
    public func logTail(lines: Int = 15) -> String {
        guard let text = try? String(contentsOfFile: logFile, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Kills servers left behind by a test process that died before stopping them: their
    /// folder is named after the test process, which no longer exists.
    static func removeServersOfDeadTestRuns() {
        let temporary = FileManager.default.temporaryDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary.path) else { return }
        for name in names where name.hasPrefix("private-redis-") {
            let parts = name.split(separator: "-")
            guard parts.count == 4, let owner = Int32(parts[2]), Glibc.kill(owner, 0) == -1, errno == ESRCH else { continue }
            let folder = temporary.appendingPathComponent(name)
            if let text = try? String(contentsOf: folder.appendingPathComponent("redis.pid"), encoding: .utf8),
                let serverPID = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                isServer(serverPID, runningIn: folder)
            {
                Glibc.kill(serverPID, SIGKILL)
            }
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// Whether `pid` is a redis-server working in `folder`: a private server `chdir`s to its
    /// `dir`, the folder. The pid in a left-behind pid file may since belong to another
    /// process, the reader's own redis-server included (it is a `redis-server` too, so the
    /// process name alone does not tell).
    static func isServer(_ pid: Int32, runningIn folder: URL) -> Bool {
        guard (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.hasPrefix("redis-server") == true,
            let workingDirectory = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")
        else { return false }
        return URL(fileURLWithPath: workingDirectory).resolvingSymlinksInPath().path == folder.resolvingSymlinksInPath().path
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin", "/usr/sbin", "/usr/local/bin"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Why a private server could not be started.
public enum PrivateRedisServerError: Error, CustomStringConvertible {
    /// `redis-server` is not on PATH.
    case redisServerNotInstalled
    /// The process exited during start-up.
    case exited(status: Int32, log: String)
    /// The process runs but never answered PING.
    case notReady(lastError: String, log: String)
    /// The server is not running (stopped or killed), so it cannot be signalled.
    case notRunning

    public var description: String {
        switch self {
        case .redisServerNotInstalled:
            "redis-server is not installed, so this test cannot start its private server: run ./setup.sh"
        case .exited(let status, let log):
            "the private redis-server exited with status \(status) during start-up. Its log:\n\(log)"
        case .notReady(let lastError, let log):
            "the private redis-server did not answer PING within 10 s (last error: \(lastError)). Its log:\n\(log)"
        case .notRunning:
            "the private redis-server is not running: restart() it before suspending it"
        }
    }
}
