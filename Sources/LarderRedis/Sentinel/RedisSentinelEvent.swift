/// What a ``RedisSentinelClient`` learnt of the deployment, as it happened: for logs, metrics
/// and tests that measure a failover (see ``RedisSentinelClient/init(configuration:eventLoopGroup:logger:onEvent:)``).
public enum RedisSentinelEvent: Sendable, CustomStringConvertible {
    /// The client subscribed to `+switch-master` on the sentinel at `sentinel`.
    case subscribed(sentinel: RedisEndpoint)
    /// A sentinel announced a failover of `primaryName`: the primary moved from `from` to `to`.
    case switchMaster(primaryName: String, from: RedisEndpoint, to: RedisEndpoint)
    /// The client found the primary at `primary` (it answered `ROLE` as one), and sends commands
    /// there from now on; `replicas` are those up that it reads from (none when
    /// ``RedisSentinelConfiguration/readFrom`` is `.primary`: it does not ask for them then).
    case discovered(primary: RedisEndpoint, replicas: [RedisEndpoint])
    /// The node the client sent commands to failed in a way that says it may no longer be the
    /// primary (`error`); the next call asks the sentinels again.
    case primaryLost(RedisEndpoint, error: RedisError)
    /// Asking the sentinels failed with `error`; calls fail with it for
    /// ``RedisSentinelConfiguration/rediscoveryInterval``.
    case discoveryFailed(RedisError)

    /// The event as a log line.
    public var description: String {
        switch self {
        case .subscribed(let sentinel): "subscribed to +switch-master on \(sentinel)"
        case .switchMaster(let name, let from, let to): "+switch-master \(name): \(from) → \(to)"
        case .discovered(let primary, let replicas) where replicas.isEmpty:
            // The client lists replicas only when it reads from them (`readFrom`).
            "primary \(primary)"
        case .discovered(let primary, let replicas):
            "primary \(primary), replicas read from: \(replicas.map(\.description).joined(separator: ", "))"
        case .primaryLost(let endpoint, let error): "primary \(endpoint) lost: \(error)"
        case .discoveryFailed(let error): "discovery failed: \(error)"
        }
    }
}
