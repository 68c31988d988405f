import LarderCache
import Foundation
import Logging
import LarderRedis
import Synchronization

/// Django's `cached_db` session engine: every session is a row of `django_session` (SQLite),
/// read through the cache as `:1:django.contrib.sessions.cached_db<key>` (DB 1, TTL = the
/// session's remaining age).
///
/// - load: the cache; on a miss, the table, then the cache is refilled with the remaining
///   lifetime (so a session survives `FLUSHALL` and a Redis restart);
/// - save: the table first, then the cache;
/// - delete: the cache entry, then the row, then the entry again (a concurrent request that
///   missed the cache in between may have refilled it from the row).
///
/// Unlike Django's (whose load writes the cache unguarded, so every request fails with Redis
/// down), this store keeps working from SQL while Redis is down: cache errors on reads and
/// writes are logged once per outage and otherwise ignored, and the cache fills again once
/// Redis is back.
///
/// A delete is the exception. Every process reads the cache first, so an entry left behind by
/// a logout would keep the session alive elsewhere for up to 14 days: a cache delete that
/// fails fails the delete (a logout answers 503), with one error logged. Nothing is deleted
/// before the entry is, so the session stays whole and the logout can simply be retried.
/// A login's ``deleteReplaced(key:)`` is not held to this: the old key's entry holds only the
/// pre-login data, which lives on under the new key, so it is deleted best effort.
///
/// A logout that deleted the row but not the entry (refilled meanwhile, then Redis refused)
/// leaves the entry to other processes; this one reads the key from the table from then on,
/// where it is gone. The retry's load finds no session, so the retry deletes the entry through
/// ``deleteUnconfirmed(key:)`` and answers 503 again while it cannot.
///
/// On a primary with replicas (a Sentinel or cluster client under the cache),
/// ``init(database:cache:replication:logger:)`` has each save's cache write acknowledged by
/// replicas (``SessionReplication``): a failover that lost an unacknowledged update would
/// bring back the entry it replaced, which every process reads before the table. A shortfall
/// is logged or fails the save (the row is written either way); a cache that cannot be
/// reached is still only logged, as without replication.
public final class CachedDatabaseSessionStore: SessionStore {
    /// Django's `KEY_PREFIX` of the cached-DB engine; the cache adds its `:1:`.
    public static let keyPrefix = "django.contrib.sessions.cached_db"

    /// The table.
    public let database: DatabaseSessionStore
    /// The cache in front of it.
    public let cache: any Cache
    private let logger: Logger
    private let cacheDown = Atomic<Bool>(false)
    /// Whether a refused command (a full Redis) was reported: once, not per request.
    private let reportedRefusal = Atomic<Bool>(false)
    /// Sessions whose cache entry may be stale: a write to the cache failed after the table
    /// was written (Redis down, or refusing writes when full). They are read from the table
    /// until their entry is written again. Bounded: past ``staleLimit`` keys the store stops
    /// trusting the cache at all until one write goes through, then forgets them.
    private let stale = Mutex<StaleKeys>(StaleKeys())
    private let hasStale = Atomic<Bool>(false)
    static let staleLimit = 10_000

    struct StaleKeys {
        var keys: Set<String> = []
        var overflowed = false
    }
    public var name: String { "cached_db" }

    /// Whether and how each save's cache write waits for replicas (`WAIT`); `nil` (the default)
    /// does not wait.
    public let replication: SessionReplication?

    /// Sessions in `database`, read through `cache`.
    public convenience init(database: DatabaseSessionStore, cache: any Cache, logger: Logger = Logger(label: "sessions")) {
        self.init(database: database, cache: cache, checkedReplication: nil, logger: logger)
    }

    /// Sessions in `database`, read through `cache`, each save's cache write acknowledged by
    /// `replication.replicas` replicas (see ``SessionReplication``). A refill after a cache
    /// miss does not wait: an entry lost with it is a miss again, read from the table.
    ///
    /// - Throws: ``SessionError/invalidConfiguration(_:)`` when `cache` cannot wait for
    ///   replicas (``Cache/waitsForReplicas``: a ``MemoryCache``).
    public convenience init(
        database: DatabaseSessionStore, cache: any Cache, replication: SessionReplication, logger: Logger = Logger(label: "sessions")
    ) throws(SessionError) {
        guard cache.waitsForReplicas else { throw .invalidConfiguration(CacheSessionStore.cannotWait(cache)) }
        self.init(database: database, cache: cache, checkedReplication: replication, logger: logger)
    }

    private init(database: DatabaseSessionStore, cache: any Cache, checkedReplication: SessionReplication?, logger: Logger) {
        self.database = database
        self.cache = cache
        self.replication = checkedReplication
        self.logger = logger
    }

    /// The cache key of session `key`, before the cache's `:1:`.
    public static func cacheKey(_ key: String) -> String { keyPrefix + key }

    public func load(key: String) async throws(SessionError) -> DjangoSessionData? {
        if !mayBeStale(key), let cached = await cacheGet(key) { return cached }
        let now = Date()
        guard let (data, expires) = try await database.loadWithExpiry(key: key, now: now) else { return nil }
        let remaining = Int(expires.timeIntervalSince(now).rounded(.down))
        if remaining > 0 { await cacheSet(key, data, age: remaining) }
        return data
    }

    public func create(key: String, data: DjangoSessionData, age: Int) async throws(SessionError) -> Bool {
        guard try await database.create(key: key, data: data, age: age) else { return false }
        try await cacheSave(key, data, age: data.expiryAge(cookieAge: age))
        return true
    }

    public func update(key: String, data: DjangoSessionData, age: Int) async throws(SessionError) -> Bool {
        guard try await database.update(key: key, data: data, age: age) else {
            // Deleted meanwhile: a cache entry left by a failed delete must not revive it.
            await cacheDelete(key)
            return false
        }
        try await cacheSave(key, data, age: data.expiryAge(cookieAge: age))
        return true
    }

    /// Deletes the cache entry, the row, then the entry again.
    ///
    /// - Throws: ``SessionError/storeUnavailable(store:reason:)`` when the cache entry cannot be
    ///   deleted (Redis down or refusing): the row is kept when the first cache delete fails, so
    ///   a retry finds the session again; when the second fails, the row is gone and the retry
    ///   deletes the entry through ``deleteUnconfirmed(key:)``. ``SessionError/database(_:)``
    ///   when the row cannot be deleted.
    public func delete(key: String) async throws(SessionError) {
        try await cacheDeleteOrThrow(key)
        try await database.delete(key: key)
        try await cacheDeleteOrThrow(key)
    }

    /// Deletes the key a login replaced (``Session/cycleKey()``): the cache entry, the row,
    /// then the entry again, as ``delete(key:)``, but the cache deletes are best effort.
    ///
    /// An entry that cannot be deleted (Redis down or refusing) does not fail the login: it
    /// holds the pre-login data, which the new key holds too, and the browser now sends the
    /// new key. This process never serves it (the key is marked stale, so it is read from the
    /// table) and nothing refills it (the row is gone); other processes serve it to a client
    /// still sending the old key until its TTL runs out. One warning per login says so.
    ///
    /// - Throws: ``SessionError/database(_:)`` when the row cannot be deleted.
    public func deleteReplaced(key: String) async throws(SessionError) {
        await cacheDelete(key)
        try await database.delete(key: key)
        guard let error = await cacheDelete(key) else { return }
        logger.warning(
            "login could not delete the old session key's cache entry: its pre-login data stays readable from Redis by other processes, for a client still sending the old key, until the entry's TTL runs out (or Redis loses it); the login went on, and the old key's row is deleted",
            metadata: ["old_key_prefix": "\(key.prefix(8))", "error": "\(error)"])
    }

    /// Deletes the cache entry of a key whose load found no row, if it holds a session: the
    /// entry a logout left when its second cache delete failed. Strict, as a logout's delete.
    ///
    /// The entry is read past the stale mark (this process marked it stale when its delete
    /// failed). Its cache key is the one the store writes the session under, through the
    /// cache's prefix and key function (`:1:django.contrib.sessions.cached_db<key>` by default),
    /// never the bare key the cookie names, so it is no application's key; still, an entry
    /// that is no session (a plain string, a list) is left alone, as every engine leaves a key
    /// the cookie names that is no session.
    ///
    /// - Throws: ``SessionError/storeUnavailable(store:reason:)`` when the entry cannot be read
    ///   or deleted (Redis down or refusing): the logout fails and can be retried.
    public func deleteUnconfirmed(key: String) async throws(SessionError) {
        do {
            guard try await cache.get(Self.cacheKey(key), as: DjangoSessionData.self, version: nil) != nil else { return }
        } catch {
            if CacheSessionStore.isNotASession(error) { return }
            throw logoutFailed(error)
        }
        try await cacheDeleteOrThrow(key)
    }

    // MARK: The cache, best effort

    private func cacheGet(_ key: String) async -> DjangoSessionData? {
        do {
            let data = try await cache.get(Self.cacheKey(key), as: DjangoSessionData.self, version: nil)
            noteCacheUp()
            return data
        } catch {
            // An entry that is no session is a miss (the table decides), not a refusal.
            if !CacheSessionStore.isNotASession(error) { noteCacheDown(error) }
            return nil
        }
    }

    private func cacheSet(_ key: String, _ data: DjangoSessionData, age: Int) async {
        do {
            try await cache.set(Self.cacheKey(key), data, timeout: .seconds(age), version: nil)
            noteCacheUp()
            markFresh(key)
        } catch {
            noteCacheDown(error)
            markStale(key)
        }
    }

    /// A save's cache write: ``cacheSet(_:_:age:)``, or with ``replication`` the write and its
    /// `WAIT`, whose shortfall is applied (logged, or thrown as the store being unavailable).
    /// A cache that cannot be reached is best effort either way.
    private func cacheSave(_ key: String, _ data: DjangoSessionData, age: Int) async throws(SessionError) {
        guard let replication else { return await cacheSet(key, data, age: age) }
        let write: CacheAcknowledgedWrite
        do {
            write = try await cache.write(
                Self.cacheKey(key), data, condition: .always, timeout: .seconds(age), version: nil,
                acknowledgedBy: replication.replicas, within: replication.timeout)
        } catch {
            noteCacheDown(error)
            markStale(key)
            return
        }
        // Not stored: a fail-open cache whose Redis is down, which it reported itself.
        guard write.stored else { return markStale(key) }
        noteCacheUp()
        markFresh(key)
        try replication.check(acknowledged: write.acknowledged, store: name, logger: logger)
    }

    /// Deletes the entry, best effort: a failure is logged once per outage and returned.
    @discardableResult
    private func cacheDelete(_ key: String) async -> CacheError? {
        guard let error = await deleteEntry(key) else { return nil }
        noteCacheDown(error)
        return error
    }

    /// Deletes the entry. On failure the key is marked stale, so this process reads it from
    /// the table (which is the truth once the row is deleted), and the error is returned.
    private func deleteEntry(_ key: String) async -> CacheError? {
        do {
            _ = try await cache.delete(Self.cacheKey(key), version: nil)
            noteCacheUp()
            markFresh(key)
            return nil
        } catch {
            markStale(key)
            return error
        }
    }

    // MARK: The cache, when it must answer

    /// A cache delete that must happen: its failure is the delete's (not best effort).
    private func cacheDeleteOrThrow(_ key: String) async throws(SessionError) {
        guard let error = await deleteEntry(key) else { return }
        throw logoutFailed(error)
    }

    /// Logs a logout's cache failure (one error line, not the outage warning) and makes it
    /// the logout's error.
    private func logoutFailed(_ error: CacheError) -> SessionError {
        logger.error(
            "session delete failed: the session cache did not delete the entry, which other processes would go on serving; the logout fails so that it can be retried",
            metadata: ["error": "\(error)"])
        return CacheSessionStore.sessionError(error, store: name)
    }

    // MARK: Entries that may be stale

    /// One atomic load when nothing is stale, the common case.
    private func mayBeStale(_ key: String) -> Bool {
        guard hasStale.load(ordering: .relaxed) else { return false }
        return stale.withLock { $0.overflowed || $0.keys.contains(key) }
    }

    private func markStale(_ key: String) {
        stale.withLock { stale in
            if stale.keys.count >= Self.staleLimit {
                stale.overflowed = true
            } else {
                stale.keys.insert(key)
            }
        }
        hasStale.store(true, ordering: .relaxed)
    }

    private func markFresh(_ key: String) {
        guard hasStale.load(ordering: .relaxed) else { return }
        stale.withLock { stale in
            // A write that went through after an overflow: the cache is writable again, but
            // the entries left stale are unknown; they age out as their sessions are written.
            if stale.overflowed { stale = StaleKeys() }
            stale.keys.remove(key)
            if stale.keys.isEmpty { hasStale.store(false, ordering: .relaxed) }
        }
    }

    private func noteCacheDown(_ error: CacheError) {
        guard let redis = error.redisError else { return }  // an undecodable entry is just a miss
        if redis.code == .server, let reply = redis.serverError {
            // Redis answered but refused (full under noeviction, read-only replica): not an outage.
            if !reportedRefusal.exchange(true, ordering: .relaxed) {
                logger.warning("session cache refused a command; the sessions it missed are read from SQL", metadata: ["error": "\(reply)"])
            }
            return
        }
        if !cacheDown.exchange(true, ordering: .relaxed) {
            logger.warning("session cache unreachable: serving sessions from SQL until it is back", metadata: ["error": "\(error)"])
        }
    }

    private func noteCacheUp() {
        guard cacheDown.load(ordering: .relaxed), cacheDown.exchange(false, ordering: .relaxed) else { return }
        logger.notice("session cache reachable again")
    }
}
