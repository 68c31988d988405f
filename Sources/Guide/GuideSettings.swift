import Foundation
import Redis

/// Where the chapters find Redis: the socket and config file of chapters 01–02 by default.
public struct GuideSettings: Sendable {
    /// The Unix socket the chapters connect to. Default `/var/run/redis/redis.sock`.
    public var socketPath: String
    /// The Redis config file the chapters read. Default `/etc/redis/redis.conf`.
    public var configFile: String

    /// The guide's defaults, or the given values.
    public init(socketPath: String = RedisConfiguration.defaultSocketPath, configFile: String = "/etc/redis/redis.conf") {
        self.socketPath = socketPath
        self.configFile = configFile
    }

    /// The socket as a connection URL: `unix:///var/run/redis/redis.sock`.
    public var url: String { "unix://\(socketPath)" }

    /// Reads `--socket PATH` and `--config FILE` from a chapter executable's arguments; prints
    /// usage and exits on `--help` or an unknown argument.
    public static func fromCommandLine(_ arguments: [String] = CommandLine.arguments, usage: String) -> GuideSettings {
        var settings = GuideSettings()
        var remaining = arguments.dropFirst()
        while let argument = remaining.popFirst() {
            switch argument {
            case "--socket" where !remaining.isEmpty: settings.socketPath = remaining.removeFirst()
            case "--config" where !remaining.isEmpty: settings.configFile = remaining.removeFirst()
            case "--help", "-h":
                Swift.print(usage + "\n\nOptions:\n  --socket PATH   the Redis socket (default \(settings.socketPath))\n  --config FILE   the Redis config file (default \(settings.configFile))")
                exit(0)
            default:
                FileHandle.standardError.write(Data("error: unknown argument '\(argument)'. Try --help.\n".utf8))
                exit(2)
            }
        }
        return settings
    }
}
