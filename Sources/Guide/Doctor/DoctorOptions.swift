import Foundation
import LarderRedis
/// What the doctor examines. The defaults are the guide's setup (chapters 01–02).
public struct DoctorOptions: Sendable {
    /// The Unix socket Redis should listen on. Default `/var/run/redis/redis.sock`.
    public var socketPath: String
    /// The config file Redis is started with. Default `/etc/redis/redis.conf`.
    public var configFile: String
    /// The user whose access to the socket is checked: by default the person running the
    /// doctor (`$SUDO_USER` under sudo).
    public var user: UnixUser
    /// The group the socket should belong to. Default `redis`.
    public var socketGroup: String
    /// The TCP address that must refuse connections. Default 127.0.0.1:6379.
    public var tcpProbe: RedisEndpoint

    /// The guide's setup, with any value overridden.
    public init(
        socketPath: String = RedisConfiguration.defaultSocketPath,
        configFile: String = "/etc/redis/redis.conf",
        user: UnixUser = DoctorOptions.invokingUser,
        socketGroup: String = "redis",
        tcpProbe: RedisEndpoint = .tcp(host: "127.0.0.1", port: 6379)
    ) {
        self.socketPath = socketPath
        self.configFile = configFile
        self.user = user
        self.socketGroup = socketGroup
        self.tcpProbe = tcpProbe
    }

    /// The person behind the command: `$SUDO_USER` when running as root through sudo,
    /// otherwise the current user.
    public static var invokingUser: UnixUser {
        let current = UnixUser.current
        if current.id == 0, let name = ProcessInfo.processInfo.environment["SUDO_USER"], name != "root",
            let user = UnixUser.named(name)
        {
            return user
        }
        return current
    }
}
