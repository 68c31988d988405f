import LarderRedis
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
}
