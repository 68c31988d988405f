import Guide
import LarderRESP
import LarderRedis
/// Chapter 01: install Redis and check that a server answers (chapters/01-install-redis.md).
public enum InstallRedis {
    /// The chapter's steps, in the order the text presents them.
    public static func chapter(_ settings: GuideSettings = GuideSettings()) -> Chapter {
        Chapter(
            number: 1, name: "install-redis", title: "Install Redis",
            steps: [
                Step("redis-server is installed") { log in
                    guard let result = ShellCommand.run("redis-server", "--version") else {
                        throw StepFailure("redis-server is not installed", fix: "run ./setup.sh (it runs apt-get install redis-server)")
                    }
                    log.show("$ redis-server --version")
                    log.show(result.output)
                    guard let version = RedisVersion(versionLine: result.output) else {
                        throw StepFailure("cannot read the version in '\(result.output)'", fix: "sudo apt-get install --reinstall redis-server")
                    }
                    log.record("version", version.description)
                },
                Step("it is Redis 7.0 or newer") { log in
                    let line = ShellCommand.run("redis-server", "--version")?.output ?? ""
                    guard let version = RedisVersion(versionLine: line), version >= RedisVersion(major: 7, minor: 0, patch: 0) else {
                        throw StepFailure("this guide needs Redis 7.0 (chapter 02 reads several settings in one CONFIG GET; it is tested on nothing older); found '\(line)'", fix: "install Debian 12's redis-server (7.0.15) or newer")
                    }
                    log.show("v=\(version): RESP3 (6.0), several names in one CONFIG GET (7.0) and the later chapters' commands are there")
                },
                Step("redis-cli and redis-benchmark are installed") { log in
                    for tool in ["redis-cli", "redis-benchmark"] {
                        guard let path = ShellCommand.locate(tool) else {
                            throw StepFailure("\(tool) is not installed", fix: "sudo apt-get install redis-tools (./setup.sh does it)")
                        }
                        log.show("\(tool): \(path)")
                    }
                },
                Step("a server is up and answers") { log in
                    // snippet: first-connection
                    let configuration = try RedisConfiguration(url: settings.url)
                    try await RedisConnection.withConnection(configuration: configuration) { redis in
                        let pong = try await redis.send(PING())
                        let server = try await redis.send(INFO(["server"]))["server"]
                        log.show("PING → \(pong)   (our Swift client, RESP\(redis.protocolVersion), on \(settings.socketPath))")
                        log.show("redis_version:\(server["redis_version"] ?? "?")  process_id:\(server["process_id"] ?? "?")  uptime_in_seconds:\(server["uptime_in_seconds"] ?? "?")")
                    }
                    // snippet: end
                },
            ])
    }
}
