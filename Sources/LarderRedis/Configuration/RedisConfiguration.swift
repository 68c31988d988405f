import LarderRESP
/// Everything needed to open a connection, with documented defaults.
///
/// Build it in code, from a URL, or from the environment:
/// ```swift
/// let local = RedisConfiguration()                                   // the article's socket, DB 0
/// let cache = try RedisConfiguration(url: "unix:///var/run/redis/redis.sock?db=1")
/// let remote = try RedisConfiguration(url: "redis://app:secret@127.0.0.1:6379/1")
/// let managed = try RedisConfiguration(url: "rediss://app:secret@redis.example.com:6380/0")  // TLS
/// let fromEnv = try RedisConfiguration.fromEnvironment()              // REDIS_URL, or the default
/// ```
public struct RedisConfiguration: Sendable, Hashable {
    /// The socket the guide configures (chapter 02), and the article's path.
    public static let defaultSocketPath = "/var/run/redis/redis.sock"

    /// Where the server listens. Default: the Unix socket at ``defaultSocketPath``.
    public var endpoint: RedisEndpoint
    /// The logical database chosen at connect time (`SELECT`), 0–15 on a default server.
    /// Default 0. It is fixed per connection so that pooled connections never leak a `SELECT`.
    public var database: Int
    /// The ACL user name, or `nil` for the `default` user.
    public var username: String?
    /// The password, or `nil` when the server has none. Never printed by ``description``.
    public var password: String?
    /// The name the connection gives itself (`CLIENT SETNAME`), shown by `CLIENT LIST`.
    public var clientName: String?
    /// Ask for RESP3 with `HELLO 3`, falling back to RESP2 on servers older than Redis 6.
    /// Default `true`.
    public var preferRESP3: Bool
    /// How long to wait for the connection and its handshake. Default 5 seconds
    /// (``defaultConnectTimeout``).
    public var connectTimeout: Duration
    /// How long to wait for one reply before failing it with ``RedisError/commandTimeout(command:_:)``
    /// and closing the connection (its late reply is never matched to another command). Default
    /// 30 seconds (``defaultCommandTimeout``), for scripts; a client that answers web requests
    /// wants far less (``requestTimeout``, see ``timingOut(after:)``).
    public var commandTimeout: Duration
    /// Bounds on replies (see ``RESPLimits``).
    public var limits: RESPLimits
    /// TLS for a TCP endpoint (a server's `tls-port`), or `nil` for plain text. Default `nil`;
    /// a `rediss://` URL sets it. Redis serves TLS on TCP only: a Unix socket with TLS set fails
    /// to connect with ``RedisError/invalidConfiguration(_:)``.
    public var tls: RedisTLSConfiguration?

    /// Creates a configuration; every parameter has the default documented on its property.
    public init(
        endpoint: RedisEndpoint = .unixSocket(path: RedisConfiguration.defaultSocketPath),
        database: Int = 0,
        username: String? = nil,
        password: String? = nil,
        clientName: String? = nil,
        preferRESP3: Bool = true,
        connectTimeout: Duration = RedisConfiguration.defaultConnectTimeout,
        commandTimeout: Duration = RedisConfiguration.defaultCommandTimeout,
        limits: RESPLimits = RESPLimits(),
        tls: RedisTLSConfiguration? = nil
    ) {
        self.endpoint = endpoint
        self.database = database
        self.username = username
        self.password = password
        self.clientName = clientName
        self.preferRESP3 = preferRESP3
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.limits = limits
        self.tls = tls
    }
}

extension RedisConfiguration: CustomStringConvertible {
    /// The configuration as a URL with the password masked, safe to log.
    public var description: String { url(maskingPassword: true) }
}
