import ArgumentParser
import Foundation
import Guide
import LarderRedis
import LarderKeyspace
/// Where Redis is: `--socket PATH` or `--url URL`; otherwise `REDIS_URL`, else the guide's socket.
struct ServerOptions: ParsableArguments {
    @Option(help: "The Redis Unix socket (default /var/run/redis/redis.sock).") var socket: String?
    @Option(help: "A Redis URL: unix:///path or redis://host:port (default REDIS_URL, else the socket).") var url: String?

    /// The chapter's settings: the socket given, or the guide's.
    var settings: GuideSettings { GuideSettings(socketPath: socket ?? RedisConfiguration.defaultSocketPath) }

    func inspector() throws -> KeyspaceInspector {
        let environment = socket == nil ? ProcessInfo.processInfo.environment["REDIS_URL"] : nil
        return KeyspaceInspector(configuration: try RedisConfiguration(url: url ?? environment ?? settings.url))
    }
}
