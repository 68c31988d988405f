import Guide
import LarderRESP
import LarderRedis
/// Chapter 02: Redis on a Unix socket, TCP off (chapters/02-configure-socket.md).
public enum ConfigureSocket {
    /// The chapter's steps, in the order the text presents them.
    public static func chapter(_ settings: GuideSettings = GuideSettings()) -> Chapter {
        Chapter(
            number: 2, name: "configure-socket", title: "Listen on a Unix socket, not TCP",
            steps: [
                Step("redis.conf sets the socket and turns TCP off") { log in
                    let config: RedisConfFile
                    do {
                        config = try RedisConfFile(path: settings.configFile, group: "redis")
                    } catch {
                        throw StepFailure("cannot read the config: \(error)", fix: "run ./setup.sh, then `newgrp redis` so that you may read it")
                    }
                    let wanted = ["unixsocket": settings.socketPath, "unixsocketperm": "770", "port": "0", "bind": "127.0.0.1 -::1"]
                    // setup.sh edits /etc/redis/redis.conf for the guide's socket, nothing else.
                    let setupApplies = settings.socketPath == GuideSettings().socketPath && settings.configFile == GuideSettings().configFile
                    for name in ["unixsocket", "unixsocketperm", "port", "bind"] {
                        let value = config[name]
                        let place = config.lineNumbers[name].map { "line \($0)" } ?? "missing"
                        log.show("\(name) \(value ?? "(not set)")".padding(toLength: 40) + "  \(settings.configFile), \(place)")
                        guard value == wanted[name] else {
                            throw StepFailure(
                                "\(name) should be `\(wanted[name]!)`",
                                fix: setupApplies
                                    ? "run ./setup.sh (it sets it and restarts Redis)"
                                    : "set `\(name) \(wanted[name]!)` in \(settings.configFile) and restart that Redis (./setup.sh edits only /etc/redis/redis.conf, for the guide's socket)")
                        }
                    }
                },
                Step("the running server reports the same settings") { log in
                    // snippet: config-get
                    let configuration = try RedisConfiguration(url: settings.url)
                    let live = try await RedisConnection.withConnection(configuration: configuration) { redis in
                        try await redis.send(CONFIG.GET(["unixsocket", "unixsocketperm", "port", "bind", "protected-mode"]))
                    }
                    for name in ["unixsocket", "unixsocketperm", "port", "bind", "protected-mode"] {
                        log.show("CONFIG GET \(name)".padding(toLength: 28) + " → \(live[name] ?? "(nil)")")
                    }
                    // snippet: end
                    log.record("port", live["port"] ?? "")
                    log.record("unixsocket", live["unixsocket"] ?? "")
                    log.record("unixsocketperm", live["unixsocketperm"] ?? "")
                    guard live["port"] == "0" else {
                        throw StepFailure("the server still listens on TCP port \(live["port"] ?? "?")", fix: "restart Redis with the edited config: ./setup.sh")
                    }
                    guard live["unixsocket"] == settings.socketPath else {
                        throw StepFailure("the server's socket is \(live["unixsocket"] ?? "?")", fix: "restart Redis with the edited config: ./setup.sh")
                    }
                },
                Step("the socket is srwxrwx--- redis:redis") { log in
                    // snippet: socket-status
                    guard let socket = UnixSocketStatus(path: settings.socketPath) else {
                        throw StepFailure("no socket at \(settings.socketPath)", fix: "start Redis: ./setup.sh")
                    }
                    log.show("$ ls -l \(settings.socketPath)")
                    log.show(socket.description)
                    // snippet: end
                    log.record("mode", socket.modeString)
                    log.record("owner", "\(socket.owner):\(socket.group)")
                    guard socket.isSocket, socket.permissions == 0o770 else {
                        throw StepFailure("the socket's mode is \(socket.modeString)", fix: "set `unixsocketperm 770` and restart Redis (./setup.sh)")
                    }
                    guard socket.group == "redis" else {
                        throw StepFailure("the socket belongs to group \(socket.group)", fix: "start Redis as the redis user: ./setup.sh")
                    }
                },
                Step("you may connect to it") { log in
                    guard let socket = UnixSocketStatus(path: settings.socketPath) else {
                        throw StepFailure("no socket at \(settings.socketPath)", fix: "start Redis: ./setup.sh")
                    }
                    let access = Doctor.userAccess(DoctorOptions.invokingUser, status: socket)
                    log.show(access.detail)
                    if let fix = access.fix { throw StepFailure(access.detail, fix: fix) }
                },
                Step("PING over the socket answers PONG") { log in
                    // snippet: ping-over-socket
                    let configuration = try RedisConfiguration(url: settings.url)
                    try await RedisConnection.withConnection(configuration: configuration) { redis in
                        let started = ContinuousClock.now
                        for _ in 0..<1_000 {
                            _ = try await redis.send(PING())
                        }
                        let each = (ContinuousClock.now - started) / 1_000
                        log.show("PING → \(try await redis.send(PING()))   (1,000 round trips, \(each.microseconds) µs each)")
                    }
                    // snippet: end
                },
                Step("TCP port 6379 refuses connections") { log in
                    // snippet: tcp-refused
                    let tcp = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 6379))
                    do {
                        let connection = try await RedisConnection.connect(configuration: tcp)
                        await connection.close()
                        throw StepFailure("a Redis server answers on 127.0.0.1:6379", fix: "set `port 0` in redis.conf and restart Redis (./setup.sh)")
                    } catch let error as RedisError where error.code == .connectionRefused {
                        log.show("connect to \(tcp.endpoint) → connection refused: TCP is off")
                    }
                    // snippet: end
                },
            ])
    }
}
