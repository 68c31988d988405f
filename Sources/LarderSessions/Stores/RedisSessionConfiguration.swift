import LarderRedis
/// The standalone Redis session store's settings as one value (django-redis-sessions'
/// `SESSION_REDIS`): the socket, the database and the key prefix. Nothing is inherited from
/// the cache's settings, and there is no TCP default to fall back to.
///
/// The article writes the flat `SESSION_REDIS_UNIX_DOMAIN_SOCKET_PATH`, which
/// django-redis-sessions 0.6 silently ignores: it then connects to TCP `localhost:6379` (500
/// on every write when nothing listens there, or sessions quietly in another server). Here
/// a socket must be named, and ``RedisSessionStore/connect(configuration:signer:logger:)``
/// checks it at start-up.
///
/// ```swift
/// let configuration = try RedisSessionConfiguration(socketPath: "/var/run/redis/redis.sock")  // DB 0, prefix ""
/// ```
public struct RedisSessionConfiguration: Sendable, Hashable {
    /// The Redis socket (absolute path).
    public var socketPath: String
    /// The database. Default 0, django-redis-sessions' default (the cache uses 1).
    public var database: Int
    /// Put before each session key. Default `""`: the bare 32-character key.
    public var prefix: String
    /// How long a request waits for Redis, to connect or for a reply, before the store gives
    /// up and the request answers 503. Default 250 ms (`RedisConfiguration.requestTimeout`);
    /// django-redis-sessions' `socket_timeout` is 0.1 s. A stalled Redis (stopped with
    /// `SIGSTOP`, blocked by a slow command) must not hold every request that uses the
    /// session for the 30 s a bare `RedisConfiguration` waits; after a timeout the store's
    /// connections fail calls at once for a while, so most requests then do not wait at all.
    public var redisTimeout: Duration
    /// The Redis ACL user to log in as, or `nil` for the `default` user
    /// (django-redis-sessions' `SESSION_REDIS['username']`). Default `nil`.
    public var username: String?
    /// The password of ``username`` (or of the `default` user), or `nil` when none is needed.
    /// Never printed: ``description`` writes it `***`. Default `nil`.
    public var password: String?

    /// Settings for the socket at `socketPath`.
    ///
    /// - Throws: ``SessionError/invalidConfiguration(_:)`` when `socketPath` is empty or
    ///   relative, `database` is negative, or `redisTimeout` is not positive.
    public init(
        socketPath: String, database: Int = 0, prefix: String = "", redisTimeout: Duration = RedisConfiguration.requestTimeout,
        username: String? = nil, password: String? = nil
    ) throws(SessionError) {
        guard socketPath.hasPrefix("/") else {
            throw .invalidConfiguration(
                "the session store's socket path '\(socketPath)' is not an absolute path: name the Redis socket, e.g. /var/run/redis/redis.sock (the store never falls back to TCP)")
        }
        guard database >= 0 else { throw .invalidConfiguration("the session store's database \(database) is negative") }
        guard redisTimeout > .zero else {
            throw .invalidConfiguration("the session store's Redis timeout \(redisTimeout) is not positive: give it a fraction of a second, e.g. 0.25 s")
        }
        self.socketPath = socketPath
        self.database = database
        self.prefix = prefix
        self.redisTimeout = redisTimeout
        self.username = username
        self.password = password
    }

    /// The settings from Django-style names, the article's flat ones included:
    /// `SESSION_REDIS_UNIX_DOMAIN_SOCKET_PATH` (required), `SESSION_REDIS_DB` (default 0),
    /// `SESSION_REDIS_PREFIX` (default `""`), `SESSION_REDIS_SOCKET_TIMEOUT` (seconds, e.g.
    /// `0.1`; default ``redisTimeout``'s), `SESSION_REDIS_USERNAME` and `SESSION_REDIS_PASSWORD`
    /// (default none).
    ///
    /// - Throws: ``SessionError/invalidConfiguration(_:)`` when no socket is named (where
    ///   django-redis-sessions 0.6 would quietly use TCP `localhost:6379`), or a value is invalid.
    public init(settings: [String: String]) throws(SessionError) {
        guard let path = settings["SESSION_REDIS_UNIX_DOMAIN_SOCKET_PATH"], !path.isEmpty else {
            let tcp = ["SESSION_REDIS_HOST", "SESSION_REDIS_PORT"].filter { settings[$0] != nil }
            throw .invalidConfiguration(
                "SESSION_REDIS_UNIX_DOMAIN_SOCKET_PATH is not set"
                    + (tcp.isEmpty ? "" : " (\(tcp.joined(separator: ", ")) given: this store uses the Unix socket only)")
                    + ": name the Redis socket; the store never falls back to TCP localhost:6379")
        }
        var database = 0
        if let text = settings["SESSION_REDIS_DB"] {
            guard let number = Int(text) else { throw .invalidConfiguration("SESSION_REDIS_DB '\(text)' is not a number") }
            database = number
        }
        var timeout = RedisConfiguration.requestTimeout
        if let text = settings["SESSION_REDIS_SOCKET_TIMEOUT"] {
            guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
                throw .invalidConfiguration("SESSION_REDIS_SOCKET_TIMEOUT '\(text)' is not a number of seconds between 0 and 3600, e.g. 0.1")
            }
            timeout = .seconds(seconds)
        }
        try self.init(
            socketPath: path, database: database, prefix: settings["SESSION_REDIS_PREFIX"] ?? "", redisTimeout: timeout,
            username: settings["SESSION_REDIS_USERNAME"].flatMap { $0.isEmpty ? nil : $0 },
            password: settings["SESSION_REDIS_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The client configuration: this socket, database and user, both timeouts ``redisTimeout``.
    public var redis: RedisConfiguration {
        RedisConfiguration(
            endpoint: .unixSocket(path: socketPath), database: database, username: username, password: password, clientName: "sessions"
        )
        .timingOut(after: redisTimeout)
    }
}

extension RedisSessionConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The settings, the password written `***`.
    public var description: String {
        "RedisSessionConfiguration(\(redis), prefix: \"\(prefix)\", redisTimeout: \(redisTimeout))"
    }

    /// As ``description``: the password written `***`.
    public var debugDescription: String { description }

    /// Every setting, the password written `***`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "socketPath": socketPath, "database": database, "prefix": prefix, "redisTimeout": redisTimeout,
                "username": username as Any, "password": password.map { _ in "***" } as Any,
            ],
            displayStyle: .struct)
    }
}
