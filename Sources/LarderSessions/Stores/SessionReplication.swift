import LarderRedis
import Logging

/// How many replicas must have a session write before it counts, for a store on a primary
/// with replicas (a Sentinel client, or a cluster client, whose primaries each have theirs):
/// each write is followed by `WAIT replicas timeout`, pipelined with it on the same
/// connection, to the node that took the write.
///
/// Every engine offers it: ``RedisSessionStore`` (standalone), ``CacheSessionStore`` (`cache`)
/// and ``CachedDatabaseSessionStore`` (`cached_db`, whose cache entry would otherwise come
/// back stale from a replica promoted before it had the update).
///
/// Redis replicates asynchronously: the primary answers the write before any replica has it,
/// and a failover in that moment loses it (the user is logged out, a cart empties). `WAIT`
/// narrows that window to nothing for the writes it confirms; it does not make them durable on
/// disk, and a write it could not confirm is still on the primary and may well survive.
///
/// When fewer replicas acknowledge in time, ``Shortfall`` decides: ``Shortfall/log`` (the
/// default) keeps the request going and logs a warning, since a replica that is down would
/// otherwise fail every login; ``Shortfall/fail`` fails the write as the store being
/// unavailable (503), for sites where a session that may vanish is worse than none.
///
/// `WAIT` holds its connection until the replicas answer or `timeout` passes, and the commands
/// of other requests pipelined behind it on that connection wait too: keep `timeout` short
/// (tens of milliseconds; a healthy local replica answers in well under one).
///
/// ```swift
/// let store = try CacheSessionStore(
///     cache: sessionCache, replication: SessionReplication(replicas: 1, timeout: .milliseconds(50), shortfall: .fail))
/// ```
public struct SessionReplication: Sendable, Hashable {
    /// What a write acknowledged by too few replicas does.
    public enum Shortfall: Sendable, Hashable {
        /// Logs a warning and counts the write as done.
        case log
        /// Fails the write with ``SessionError/storeUnavailable(store:reason:)``.
        case fail
    }

    /// How many replicas must acknowledge each write. At least 1.
    public var replicas: Int
    /// How long the primary waits for them.
    public var timeout: Duration
    /// What too few acknowledgements do. Default ``Shortfall/log``.
    public var shortfall: Shortfall

    /// Waits for `replicas` replicas for at most `timeout` after each session write.
    public init(replicas: Int = 1, timeout: Duration = .milliseconds(50), shortfall: Shortfall = .log) {
        self.replicas = max(1, replicas)
        self.timeout = timeout
        self.shortfall = shortfall
    }
}

extension SessionReplication {
    /// Applies ``shortfall`` to a write of `store` that `acknowledged` replicas acknowledged:
    /// nothing when enough did; otherwise a warning on `logger` (``Shortfall/log``) or
    /// ``SessionError/storeUnavailable(store:reason:)`` naming the count (``Shortfall/fail``).
    func check(acknowledged: Int, store: String, logger: Logger) throws(SessionError) {
        guard acknowledged < replicas else { return }
        let shortfall = RedisError.replicationNotAcknowledged(wanted: replicas, acknowledged: acknowledged, timeout: timeout)
        switch self.shortfall {
        case .log:
            logger.warning(
                "session write not acknowledged by enough replicas", metadata: ["store": "\(store)", "error": "\(shortfall)"])
        case .fail:
            throw .storeUnavailable(store: store, reason: "\(shortfall)")
        }
    }
}
