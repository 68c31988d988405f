/// Where a Redis server listens: a Unix domain socket or a TCP address.
public enum RedisEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// A Unix domain socket at an absolute path, e.g. `/var/run/redis/redis.sock`.
    case unixSocket(path: String)
    /// A TCP host name or address and port, e.g. `127.0.0.1:6379`.
    case tcp(host: String, port: Int)

    /// The endpoint as a person would write it: the socket path, or `host:port`.
    public var description: String {
        switch self {
        case .unixSocket(let path): path
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }
}
