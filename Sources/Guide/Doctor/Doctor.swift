import Foundation
import LarderRESP
import LarderRedis
/// Validates a machine's Redis setup against the guide's (chapters 01–02), naming the fix for
/// every problem: installed, version, config file, socket path, mode, group, the user's
/// membership, TCP off, protected mode, server answering.
///
/// It only reads: files, `CONFIG GET`, `INFO`, `PING`, and a TCP connect attempt.
public enum Doctor {
    static let setupFix = "./setup.sh"

    /// Runs every check and returns what it found.
    public static func examine(_ options: DoctorOptions = DoctorOptions()) async -> DoctorReport {
        var checks: [DoctorCheck] = []
        checks += installation()
        let config = configFile(options, into: &checks)
        checks += socketFile(options)
        checks += await liveServer(options, config: config)
        return DoctorReport(checks: checks)
    }

    // MARK: Installation

    static func installation() -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        guard let server = ShellCommand.locate("redis-server"), let version = ShellCommand.run(server, "--version") else {
            return [.fail("redis-server is installed", "not found on PATH", fix: "sudo \(setupFix) (it installs redis-server)")]
        }
        checks.append(.pass("redis-server is installed", "\(server): \(version.output)"))
        if let number = RedisVersion(versionLine: version.output) {
            checks.append(
                number >= RedisVersion(major: 7, minor: 0, patch: 0)
                    ? .pass("Redis is 7.0 or newer", "v=\(number)")
                    : .fail("Redis is 7.0 or newer", "v=\(number)", fix: "install Redis 7 (Debian 12 ships 7.0.15): sudo apt-get install redis-server"))
        } else {
            checks.append(.fail("Redis is 7.0 or newer", "cannot read a version in '\(version.output)'", fix: "reinstall: sudo apt-get install --reinstall redis-server"))
        }
        if let cli = ShellCommand.locate("redis-cli") {
            checks.append(.pass("redis-cli is installed", cli))
        } else {
            checks.append(.fail("redis-cli is installed", "not found on PATH", fix: "sudo apt-get install redis-tools (./setup.sh does it)"))
        }
        return checks
    }

    // MARK: Config file

    static func configFile(_ options: DoctorOptions, into checks: inout [DoctorCheck]) -> RedisConfFile? {
        let path = options.configFile
        let config: RedisConfFile
        do {
            config = try RedisConfFile(path: path, group: options.socketGroup)
        } catch {
            switch error {
            case .missing:
                checks.append(.fail("config file is readable", "\(error)", fix: "sudo \(setupFix), or point the doctor at yours with --config FILE"))
            case .unreadable:
                let name = UnixUser.current.name
                checks.append(
                    .fail(
                        "config file is readable", "\(error)",
                        fix: "join the redis group (sudo usermod -aG redis \(name), then newgrp redis), or run the doctor with sudo"))
            }
            return nil
        }
        checks.append(
            .pass(
                "config file is readable",
                config.readThroughGroup.map { "\(path), read through `sg \($0)`: this login session is older than your membership of \($0)" } ?? path))
        let guideDefaults = options.socketPath == RedisConfiguration.defaultSocketPath && path == DoctorOptions().configFile
        let edit = guideDefaults ? "in \(path), then restart Redis (sudo \(setupFix) does both)" : "in \(path), then restart that Redis"
        func line(_ name: String) -> String {
            guard let value = config[name] else { return "no active `\(name)` line" }
            return "line \(config.lineNumbers[name] ?? 0): \(name) \(value)"
        }

        checks.append(
            config["unixsocket"] == options.socketPath
                ? .pass("config: unixsocket \(options.socketPath)", line("unixsocket"))
                : .fail("config: unixsocket \(options.socketPath)", line("unixsocket"), fix: unixsocketFix(config["unixsocket"], options: options, edit: edit)))
        checks.append(
            config["unixsocketperm"].flatMap { UInt16($0, radix: 8) } == 0o770
                ? .pass("config: unixsocketperm 770", line("unixsocketperm"))
                : .fail(
                    "config: unixsocketperm 770", line("unixsocketperm") + " (700 lets only the redis user connect)",
                    fix: "set `unixsocketperm 770` \(edit)"))
        let port = config["port"]
        checks.append(
            port == "0"
                ? .pass("config: port 0 (TCP off)", line("port"))
                : .fail(
                    "config: port 0 (TCP off)",
                    port == nil ? "no active `port` line: Redis falls back to 6379 (on every interface unless `bind` limits it)" : line("port"),
                    fix: "set `port 0` \(edit)"))
        let bind = config["bind"]
        let loopbackOnly = bind.map { $0.split(separator: " ").allSatisfy { ["127.0.0.1", "::1", "-::1", "localhost"].contains(String($0)) } } ?? false
        checks.append(
            loopbackOnly
                ? .pass("config: bind loopback only", line("bind"))
                : .fail(
                    "config: bind loopback only",
                    bind == nil ? "no active `bind` line: with TCP on, Redis listens on every interface" : line("bind"),
                    fix: "set `bind 127.0.0.1 -::1` \(edit)"))
        return config
    }

    /// The fix when the config's socket is not the one asked about: the config may be right
    /// and the `--socket` given to the doctor a slip, so both ways are offered.
    static func unixsocketFix(_ configured: String?, options: DoctorOptions, edit: String) -> String {
        let set = "set `unixsocket \(options.socketPath)` \(edit)"
        guard let configured, options.socketPath != RedisConfiguration.defaultSocketPath else { return set }
        return "this Redis listens on \(configured): pass --socket \(configured), or \(set)"
    }

    // MARK: Socket file

    static func socketFile(_ options: DoctorOptions) -> [DoctorCheck] {
        let path = options.socketPath
        guard let status = UnixSocketStatus(path: path) else {
            return [
                .fail(
                    "socket exists", "nothing at \(path)",
                    fix: "start Redis with the guide's config: sudo \(setupFix) (or pass --socket PATH if yours is elsewhere)")
            ]
        }
        guard status.isSocket else {
            return [.fail("socket exists", "\(status) is not a socket", fix: "remove it, then sudo \(setupFix)")]
        }
        var checks: [DoctorCheck] = [.pass("socket exists", path)]
        let mode = status.permissions
        if mode & 0o002 != 0 {
            checks.append(
                .fail(
                    "socket mode srwxrwx---", "\(status.description): every user on the machine may connect",
                    fix: "set `unixsocketperm 770` in \(options.configFile) and restart Redis (sudo \(setupFix))"))
        } else if mode & 0o020 == 0 {
            checks.append(
                .fail(
                    "socket mode srwxrwx---", "\(status.description): only its owner may connect",
                    fix: "set `unixsocketperm 770` in \(options.configFile) and restart Redis (sudo \(setupFix))"))
        } else {
            // Connecting needs write permission: 770 is the guide's, and any group-writable
            // mode without access for others (760, 720) works as well.
            checks.append(.pass("socket mode srwxrwx---", status.description))
        }
        checks.append(
            status.group == options.socketGroup
                ? .pass("socket group \(options.socketGroup)", status.description)
                : .fail(
                    "socket group \(options.socketGroup)", "\(status.description): Redis runs as another user",
                    fix: "start Redis as the \(options.socketGroup) user, as the service does: sudo \(setupFix)"))
        checks.append(userAccess(options.user, status: status))
        return checks
    }

    /// Whether `user` may connect to the socket described by `status`, and the fix if not
    /// (join the group, start a new login session, or widen `unixsocketperm`).
    public static func userAccess(_ user: UnixUser, status: UnixSocketStatus) -> DoctorCheck {
        let name = "user \(user.name) may connect"
        if user.id == 0 {
            return .pass(name, "root bypasses file permissions; your web app's user needs the \(status.group) group")
        }
        // For the user running the doctor, the kernel's own answer counts: it weighs the groups
        // this process holds and any ACL entry on the socket (setup.sh adds one for the reader).
        let session = UnixUser.current
        let sessionGetsIn = session.id == user.id && UnixSocketStatus.processMayConnect(to: status.path)
        if status.allowsConnection(by: user) {
            // The group database may say yes while this login session predates the change.
            if session.id == user.id, !status.allowsConnection(by: session) {
                if sessionGetsIn {
                    return .pass(
                        name,
                        "\(user.name) is in group \(status.group); this login session, older than that, gets in through "
                            + "an ACL entry on the socket until Redis re-creates it (a new login relies on the group)")
                }
                return .fail(
                    name, "\(user.name) is in group \(status.group), but this login session started before that",
                    fix: "newgrp \(status.group) (or log out and in again)")
            }
            return .pass(name, "\(user.name) is in group \(status.group)")
        }
        if sessionGetsIn {
            return .pass(
                name,
                "an ACL entry on the socket lets \(user.name) in, not the \(status.group) group: Redis drops it when it "
                    + "re-creates the socket (join the group for good: sudo usermod -aG \(status.group) \(user.name))")
        }
        if status.permissions & 0o020 == 0 {
            return .fail(name, "\(status.modeString): only \(status.owner) may connect", fix: "set `unixsocketperm 770` and restart Redis (sudo \(setupFix))")
        }
        // A new group reaches new processes only: a login shell with newgrp, a service with a restart.
        let pickUp = user.id == UnixUser.current.id
            ? "then newgrp \(status.group) (or log in again)"
            : "then restart what runs as \(user.name) (your web app's service): a running process keeps its old groups"
        return .fail(name, "\(user.name) is not in group \(status.group)", fix: "sudo usermod -aG \(status.group) \(user.name), \(pickUp)")
    }

    // MARK: Live server

    static func liveServer(_ options: DoctorOptions, config: RedisConfFile?) async -> [DoctorCheck] {
        var configuration = RedisConfiguration(endpoint: .unixSocket(path: options.socketPath), clientName: "guide-doctor")
        configuration.connectTimeout = .seconds(3)
        configuration.commandTimeout = .seconds(3)
        var checks: [DoctorCheck] = []
        do {
            try await RedisConnection.withConnection(configuration: configuration) { redis in
                checks += try await serverChecks(redis, options: options, config: config)
            }
        } catch {
            checks.append(.fail("server answers PING on the socket", "\(error)", fix: fix(for: error)))
        }
        checks.append(await tcpRefused(options.tcpProbe))
        return checks
    }

    /// What the doctor reads from a server that accepted its connection. A hardened server may
    /// have disabled or renamed a command (`rename-command CONFIG ""`) or an ACL may forbid it:
    /// each check that needs it is then reported as not made, with the reason, and the rest
    /// still runs. Any other error ends the examination as a failure to answer.
    static func serverChecks(_ redis: RedisConnection, options: DoctorOptions, config: RedisConfFile?) async throws -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        var answer: [String] = []
        switch try await readUnlessRefused({ try await redis.send(PING()) }) {
        case .read(let pong): answer.append(pong)
        case .refused(let why): answer.append("answers, though PING \(why)")
        }
        let info = try await readUnlessRefused({ try await redis.send(INFO(["server", "keyspace"])) })
        if case .read(let info) = info {
            answer.append("Redis \(info.serverVersion ?? "?"), pid \(info["server"]["process_id"] ?? "?")")
        }
        answer.append("RESP\(redis.protocolVersion)")
        checks.append(.pass("server answers PING on the socket", answer.joined(separator: ", ")))

        switch try await readUnlessRefused({ try await redis.send(CONFIG.GET(["port", "protected-mode", "unixsocketperm", "bind"])) }) {
        case .read(let live):
            checks += liveConfiguration(live, options: options, config: config)
        case .refused(let why):
            let judged = "the TCP check below and redis.conf judge instead"
            checks.append(.unchecked("server: TCP is off", "CONFIG GET \(why): the running server's port cannot be read; \(judged)"))
            checks.append(.unchecked("server: protected mode on", "CONFIG GET \(why): the running server's protected-mode cannot be read"))
        }
        switch info {
        case .read(let info):
            checks.append(.pass(keyspaceCheck, keyspaceSummary(info.keyspace)))
        case .refused(let why):
            checks.append(.unchecked(keyspaceCheck, "INFO \(why)"))
        }
        return checks
    }

    static let keyspaceCheck = "keyspace (INFO keyspace; swift run keyspace groups the keys)"

    /// A reply, or why a hardened server refused the command.
    enum Reading<Value> {
        case read(Value)
        case refused(String)
    }

    static func readUnlessRefused<Value>(_ read: () async throws -> Value) async throws -> Reading<Value> {
        do {
            return .read(try await read())
        } catch {
            guard let why = refusal(error) else { throw error }
            return .refused(why)
        }
    }

    /// Why the server refused a command, when it refused it on purpose: disabled or renamed
    /// (`rename-command NAME ""`, a hardening guide's advice), or not allowed to this user (ACL).
    static func refusal(_ error: any Error) -> String? {
        guard let error = error as? RedisError, error.code == .server, let reply = error.serverError else { return nil }
        if reply.kind == .noPermission {
            return "is not allowed to this connection's user (ACL: \(reply.message))"
        }
        if reply.kind == .generic, reply.message.lowercased().hasPrefix("unknown command") {
            return "is disabled or renamed on this server (rename-command)"
        }
        return nil
    }

    /// `db0: 3 keys (3 expire); db1: 12 keys (12 expire)`, or `empty`.
    static func keyspaceSummary(_ entries: [KeyspaceEntry]) -> String {
        guard !entries.isEmpty else { return "empty: no database holds a key" }
        return entries.sorted { $0.database < $1.database }
            .map { "db\($0.database): \($0.keys) key\($0.keys == 1 ? "" : "s") (\($0.expires) expire)" }
            .joined(separator: "; ")
    }

    static func liveConfiguration(_ live: [String: String], options: DoctorOptions, config: RedisConfFile?) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let port = live["port"] ?? "?"
        if port == "0" {
            checks.append(.pass("server: TCP is off", "CONFIG GET port → 0"))
        } else {
            let restartOnly = config?["port"] == "0"
            checks.append(
                .fail(
                    "server: TCP is off", "CONFIG GET port → \(port): Redis listens on TCP port \(port)",
                    fix: restartOnly
                        ? "redis.conf already says `port 0` but the running server differs (restarted without it, or CONFIG SET): restart Redis: sudo \(setupFix)"
                        : "set `port 0` in \(options.configFile) and restart Redis (sudo \(setupFix) does both)"))
        }
        let protected = live["protected-mode"] ?? "?"
        checks.append(
            protected == "yes"
                ? .pass("server: protected mode on", "CONFIG GET protected-mode → yes")
                : .fail(
                    "server: protected mode on", "CONFIG GET protected-mode → \(protected): non-local clients are not refused",
                    fix: "set `protected-mode yes` in \(options.configFile) and restart Redis"))
        return checks
    }

    static func tcpRefused(_ endpoint: RedisEndpoint) async -> DoctorCheck {
        let name = "nothing answers on TCP \(endpoint)"
        var configuration = RedisConfiguration(endpoint: endpoint)
        configuration.connectTimeout = .seconds(2)
        do {
            let connection = try await RedisConnection.connect(configuration: configuration)
            await connection.close()
            return .fail(
                name, "a Redis server answers on \(endpoint)",
                fix: "set `port 0` in the config of the server listening there and restart it (the guide's: sudo \(setupFix))")
        } catch {
            switch error.code {
            case .connectionRefused: return .pass(name, "connection refused")
            case .authenticationFailed: return .fail(name, "a password-protected Redis answers on \(endpoint)", fix: "set `port 0` in its config and restart it")
            case .notARedisServer: return .fail(name, "another service listens on \(endpoint)", fix: "the guide does not use TCP; this is only a warning that the port is taken")
            default: return .fail(name, "\(error)", fix: "check what listens there: ss -ltnp 'sport = :6379'")
            }
        }
    }

    /// The repository's remedy for a server the doctor could not reach, else its log.
    static func fix(for error: any Error) -> String {
        SetupRemedy.fix(for: error) ?? "look at the Redis log: sudo tail /var/log/redis/redis-server.log"
    }
}
