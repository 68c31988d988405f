/// Where sessions live: the storage half of Django's `SessionBase` (its `load`, `exists`,
/// `save(must_create=...)`, `delete`). ``Session`` adds the key rules on top (new keys,
/// never adopting a key the store lacks, `cycleKey`, `flush`).
///
/// Three stores: ``CacheSessionStore`` (the `cache` engine), ``CachedDatabaseSessionStore``
/// (`cached_db`) and ``RedisSessionStore`` (standalone Redis, django-redis-sessions).
public protocol SessionStore: Sendable {
    /// A short name for messages: `cache`, `cached_db`, `redis`.
    var name: String { get }

    /// The session under `key`, or `nil` when the store does not hold it (never created,
    /// expired, deleted, or unreadable: a tampered signed value reads as absent).
    func load(key: String) async throws(SessionError) -> DjangoSessionData?

    /// Stores `data` under `key` if the key is free, atomically (`SET NX`, `INSERT`); `false`
    /// when the key is taken.
    ///
    /// `age` is the configured session age (``SessionConfiguration/cookieAge``,
    /// `SESSION_COOKIE_AGE`). The session's own expiry (`_session_expiry`, ``SessionExpiry``)
    /// takes precedence, as in Django's backends: a TTL of
    /// ``DjangoSessionData/expiryAge(cookieAge:now:)``, an `expire_date` of
    /// ``DjangoSessionData/expiryDate(cookieAge:now:)``.
    func create(key: String, data: DjangoSessionData, age: Int) async throws(SessionError) -> Bool

    /// Replaces the data under `key`, only if the key still exists (`SET XX`, `UPDATE`), with
    /// its expiry computed from now as for ``create(key:data:age:)``; `false` when it was
    /// deleted meanwhile.
    func update(key: String, data: DjangoSessionData, age: Int) async throws(SessionError) -> Bool

    /// Deletes `key` (nothing happens if it does not exist).
    func delete(key: String) async throws(SessionError)

    /// Deletes `key` after ``Session/cycleKey()`` gave its data a new key (login).
    ///
    /// Unlike a logout's ``delete(key:)``, this may leave behind what only repeats the
    /// pre-login data (which lives on under the new key) rather than fail the login: the
    /// cached-DB store deletes the row but the cache entry only best effort, so logins keep
    /// working while Redis is down. The default is ``delete(key:)``.
    func deleteReplaced(key: String) async throws(SessionError)

    /// At logout, deletes what may remain under a key the client sent but the store's load
    /// did not find (``Session/flush()`` calls it, after the confirmed key's ``delete(key:)``).
    ///
    /// A store whose load reads every place a session lives has nothing to do: the default
    /// does nothing. The standalone store must do nothing: its keys are bare (prefix `""` in
    /// DB 0), so a key it did not confirm may be an application's (`sessionid=pageviews`).
    /// The cached-DB store deletes the key's cache entry when it holds a session: a logout
    /// that deleted the row but not the entry (Redis refused) is retried with a key whose
    /// load finds no row, while the entry still serves the session to other processes.
    ///
    /// - Throws: ``SessionError/storeUnavailable(store:reason:)`` when what remains cannot
    ///   be checked or deleted; the logout then fails, so that it can be retried.
    func deleteUnconfirmed(key: String) async throws(SessionError)
}

extension SessionStore {
    /// ``delete(key:)``: a store with one place per session has nothing to relax at login.
    public func deleteReplaced(key: String) async throws(SessionError) {
        try await delete(key: key)
    }

    /// Nothing: a key the store's load did not find holds nothing of the store's.
    public func deleteUnconfirmed(key: String) async throws(SessionError) {}
}
