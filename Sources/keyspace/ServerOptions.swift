import ArgumentParser
import Foundation
import Guide
import LarderRedis
import LarderKeyspace
/// Where Redis is: `--socket PATH` or `--url URL`; otherwise `REDIS_URL`, else the guide's socket.
struct ServerOptions: ParsableArguments {
    @Option(help: "The Redis Unix socket (default /var/run/redis/redis.sock).") var socket: String?
    @Option(help: "A Redis URL: unix:///path or redis://host:port (default REDIS_URL, else the socket).") var url: String?
    @Option(help: "A Redis Cluster's seed nodes, redis://host1:port1,host2:port2: `scan` and `groups` then walk every primary.")
    var cluster: String?

    /// The chapter's settings: the socket given, or the guide's.
    var settings: GuideSettings { GuideSettings(socketPath: socket ?? RedisConfiguration.defaultSocketPath) }

    /// The inspectors of every primary of `--cluster`, or `nil` without it.
    func clusterPrimaries() async throws -> [ClusterPrimary]? {
        guard let cluster else { return nil }
        return try await KeyspaceInspector.primaries(ofCluster: try RedisClusterConfiguration(url: cluster))
    }

    func inspector() throws -> KeyspaceInspector {
        let environment = socket == nil ? ProcessInfo.processInfo.environment["REDIS_URL"] : nil
        return KeyspaceInspector(configuration: try RedisConfiguration(url: url ?? environment ?? settings.url))
    }
}
