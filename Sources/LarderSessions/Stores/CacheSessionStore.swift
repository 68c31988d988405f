import LarderCache
import LarderRedis
import Logging
/// Django's `cache` session engine (`SESSION_ENGINE = "django.contrib.sessions.backends.cache"`):
/// sessions live only in the cache, as `:1:django.contrib.sessions.cache<key>` in the cache's
/// database (DB 1), the session dictionary through the cache serializer (JSON), TTL = the
/// session's age (1,209,600 s, 14 days, unless the session sets its own ``SessionExpiry``).
///
/// Nothing else holds them: `FLUSHALL`, `cache.clear()` or a Redis restart without
/// persistence ends every session.
///
/// ```swift
/// let cache = RedisCache(configuration: try CacheConfiguration(location: "unix:///var/run/redis/redis.sock?db=1"))
/// let store = try CacheSessionStore(cache: cache)
/// ```
///
/// On a primary with replicas (a Sentinel or cluster client under the cache), `replication`
/// has each save acknowledged by replicas (``SessionReplication``), through the cache's
/// ``Cache/write(_:_:condition:timeout:version:acknowledgedBy:within:)``.
public struct CacheSessionStore: SessionStore {
    /// Django's `KEY_PREFIX` of the cache engine; the cache adds its own `:1:` before it.
    public static let keyPrefix = "django.contrib.sessions.cache"

    /// The cache the sessions live in.
    public let cache: any Cache
    /// Whether and how each save waits for replicas (`WAIT`); `nil` (the default) does not wait.
    public let replication: SessionReplication?
    private let logger: Logger
    public var name: String { "cache" }

    /// Sessions in `cache`, each save acknowledged by replicas when `replication` is given.
    ///
    /// - Throws: ``SessionError/invalidConfiguration(_:)`` when `cache` fails open
    ///   (``Cache/failsOpen``, any conforming type): a session store that reads "nothing
    ///   there" while Redis is down would hand every visitor a new, unsaveable session. The
    ///   engine needs the default, fail-closed. The same when `replication` is given and
    ///   `cache` cannot wait for replicas (``Cache/waitsForReplicas``: a ``MemoryCache``).
    public init(cache: any Cache, replication: SessionReplication? = nil, logger: Logger = Logger(label: "sessions")) throws(SessionError) {
        if cache.failsOpen {
            throw .invalidConfiguration(
                "the cache session engine needs a fail-closed cache (CacheConfiguration.failureMode = .failClosed, the default)")
        }
        if replication != nil, !cache.waitsForReplicas {
            throw .invalidConfiguration(Self.cannotWait(cache))
        }
        self.cache = cache
        self.replication = replication
        self.logger = logger
    }

    /// Why `cache` cannot carry a store's ``SessionReplication``.
    static func cannotWait(_ cache: any Cache) -> String {
        "the session store's replication needs a cache that can wait for replicas (a RedisCache), not a \(type(of: cache)): "
            + "give the store a RedisCache on the primary, or no replication"
    }

    /// The cache key of session `key`, before the cache's `:1:`.
    public static func cacheKey(_ key: String) -> String { keyPrefix + key }

    public func load(key: String) async throws(SessionError) -> DjangoSessionData? {
        do {
            return try await cache.get(Self.cacheKey(key), as: DjangoSessionData.self, version: nil)
        } catch {
            return try Self.absentOrThrow(error, store: name)
        }
    }

    public func create(key: String, data: DjangoSessionData, age: Int) async throws(SessionError) -> Bool {
        let timeout = CacheTimeout.seconds(data.expiryAge(cookieAge: age))
        if let replication { return try await acknowledgedWrite(key, data, .ifAbsent, timeout: timeout, replication) }
        do {
            return try await cache.add(Self.cacheKey(key), data, timeout: timeout, version: nil)
        } catch {
            throw Self.sessionError(error, store: name)
        }
    }

    /// The cache's ``Cache/update(_:_:timeout:version:)``: one `SET ... XX EX age` on a
    /// ``RedisCache``; by default Django's way, `get` then `set`.
    public func update(key: String, data: DjangoSessionData, age: Int) async throws(SessionError) -> Bool {
        let timeout = CacheTimeout.seconds(data.expiryAge(cookieAge: age))
        if let replication { return try await acknowledgedWrite(key, data, .ifPresent, timeout: timeout, replication) }
        do {
            return try await cache.update(Self.cacheKey(key), data, timeout: timeout, version: nil)
        } catch {
            throw Self.sessionError(error, store: name)
        }
    }

    /// A save with its `WAIT`, and `replication`'s shortfall applied when it stored.
    private func acknowledgedWrite(
        _ key: String, _ data: DjangoSessionData, _ condition: CacheWriteCondition, timeout: CacheTimeout, _ replication: SessionReplication
    ) async throws(SessionError) -> Bool {
        let write: CacheAcknowledgedWrite
        do {
            write = try await cache.write(
                Self.cacheKey(key), data, condition: condition, timeout: timeout, version: nil,
                acknowledgedBy: replication.replicas, within: replication.timeout)
        } catch {
            throw Self.sessionError(error, store: name)
        }
        if write.stored { try replication.check(acknowledged: write.acknowledged, store: name, logger: logger) }
        return write.stored
    }

    public func delete(key: String) async throws(SessionError) {
        do {
            _ = try await cache.delete(Self.cacheKey(key), version: nil)
        } catch {
            throw Self.sessionError(error, store: name)
        }
    }

    /// A value that is not a session (written by something else) reads as no session.
    static func absentOrThrow(_ error: CacheError, store: String) throws(SessionError) -> DjangoSessionData? {
        if isNotASession(error) { return nil }
        throw sessionError(error, store: store)
    }

    /// Whether `error` says the entry is no session: a value that does not decode, or a key of
    /// another type (`WRONGTYPE`: a list, a hash), which Redis answered, so no outage either.
    static func isNotASession(_ error: CacheError) -> Bool {
        if error.code == .undecodable { return true }
        guard let redis = error.redisError else { return false }
        return redis.code == .server && redis.serverError?.kind == .wrongType
    }

    static func sessionError(_ error: CacheError, store: String) -> SessionError {
        if let redis = error.redisError { return .storeUnavailable(store: store, reason: "\(redis)") }
        if error.code == .unencodable, let key = error.key, let reason = error.reason { return .unencodable(key: key, reason: reason) }
        return .storeUnavailable(store: store, reason: "\(error)")
    }
}
