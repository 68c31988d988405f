/// Where the sentinels are, which primary to ask them for, and how to talk to the sentinels and
/// to the data nodes they name: what a ``RedisSentinelClient`` is built from.
///
/// The data nodes' configuration is ``data``, copied for every node the sentinels name with
/// only its `endpoint` replaced, so credentials, database, timeouts and limits are the same on
/// the primary and every replica. The sentinels have credentials of their own
/// (``sentinelUsername``, ``sentinelPassword``), as in redis-py's `sentinel_kwargs`: a
/// sentinel's `requirepass` is not the data nodes'.
///
/// ```swift
/// var configuration = RedisSentinelConfiguration(
///     sentinels: [.tcp(host: "10.0.0.1", port: 26379), .tcp(host: "10.0.0.2", port: 26379)],
///     primaryName: "mymaster",
///     data: RedisConfiguration(endpoint: .tcp(host: "unused", port: 6379), database: 1, password: "app-secret"))
/// configuration.readFrom = .preferReplicas
/// let same = try RedisSentinelConfiguration(url: "redis+sentinel://:app-secret@10.0.0.1,10.0.0.2/mymaster/1")
/// ```
public struct RedisSentinelConfiguration: Sendable, Hashable {
    /// The port sentinels listen on unless told otherwise.
    public static let defaultSentinelPort = 26379

    /// The sentinels, asked in turn (one that answers moves to the front). At least one.
    public var sentinels: [RedisEndpoint]
    /// The name the sentinels monitor the primary under (`sentinel monitor <name> ...`).
    public var primaryName: String
    /// The ACL user for the sentinels, or `nil` for `default`.
    public var sentinelUsername: String?
    /// The sentinels' password (their `requirepass`), or `nil` when they require none. Never
    /// the data nodes' password, and never printed.
    public var sentinelPassword: String?
    /// The configuration of the data nodes; its `endpoint` is replaced by each node's address.
    public var data: RedisConfiguration
    /// Where read-only commands go. Default ``RedisReadFrom/primary``.
    public var readFrom: RedisReadFrom
    /// How long a sentinel may take to accept a connection and answer. Default 500 ms: a
    /// sentinel that does not answer by then is skipped for the next one.
    public var sentinelTimeout: Duration
    /// How long a failed discovery is remembered: calls during that time fail at once with its
    /// error instead of asking the sentinels again (one call asks again after it). Default 100 ms.
    public var rediscoveryInterval: Duration
    /// Connections per data node (see ``RedisMultiplexer``); `nil` (the default) for one per
    /// event loop.
    public var connectionsPerNode: Int?

    /// A configuration; the parameters not given have the defaults documented on their properties.
    public init(
        sentinels: [RedisEndpoint], primaryName: String, sentinelUsername: String? = nil, sentinelPassword: String? = nil,
        data: RedisConfiguration, readFrom: RedisReadFrom = .primary, sentinelTimeout: Duration = .milliseconds(500),
        rediscoveryInterval: Duration = .milliseconds(100), connectionsPerNode: Int? = nil
    ) {
        self.sentinels = sentinels
        self.primaryName = primaryName
        self.sentinelUsername = sentinelUsername
        self.sentinelPassword = sentinelPassword
        self.data = data
        self.readFrom = readFrom
        self.sentinelTimeout = sentinelTimeout
        self.rediscoveryInterval = rediscoveryInterval
        self.connectionsPerNode = connectionsPerNode
    }

    /// The configuration of the data node at `endpoint`: ``data`` with only its endpoint replaced.
    public func nodeConfiguration(_ endpoint: RedisEndpoint) -> RedisConfiguration {
        var configuration = data
        configuration.endpoint = endpoint
        return configuration
    }

    /// The configuration of the sentinel at `endpoint`: ``data`` (so a transport setting such as
    /// TLS carries over) with the sentinel's credentials, database 0 (sentinels have none) and
    /// ``sentinelTimeout``.
    public func sentinelConfiguration(_ endpoint: RedisEndpoint) -> RedisConfiguration {
        var configuration = data
        configuration.endpoint = endpoint
        configuration.username = sentinelUsername
        configuration.password = sentinelPassword
        configuration.database = 0
        configuration.preferRESP3 = true
        configuration.connectTimeout = sentinelTimeout
        configuration.commandTimeout = sentinelTimeout
        return configuration
    }
}

/// Where a ``RedisSentinelClient`` sends read-only commands (those whose
/// ``RedisCommand/isReadOnly`` is `true`: `GET`, `MGET`, `EXISTS`, `TTL`...). Writes always go
/// to the primary.
///
/// Redis replicates asynchronously: a replica answers with what it has received, which may lag
/// the primary by a few milliseconds (more under load or after a reconnection). A read from a
/// replica right after a write may not see it: a session just saved may read as missing, a
/// cache entry just deleted may still be found. Read from replicas what tolerates that (pages,
/// cache entries), not what must see the last write.
public enum RedisReadFrom: Sendable, Hashable {
    /// Every command to the primary (the default): reads see every write.
    case primary
    /// Read-only commands to the replicas, in turn; an error when none is up
    /// (``RedisError/noReplicaAvailable(primaryName:)``).
    case replicas
    /// Read-only commands to the replicas, in turn, and to the primary when none is up or the
    /// replica fails.
    case preferReplicas
}
