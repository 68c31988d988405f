import Foundation
import Synchronization

/// One request's session, as Django's `request.session`: loaded from the store at first
/// access, saved by ``DjangoSessionMiddleware`` when the response goes out.
///
/// ```swift
/// router.get("session") { _, context in
///     let count = (try await context.session.get("count", as: Int.self) ?? 0) + 1
///     try await context.session.set("count", count)
///     return "visits: \(count)"
/// }
/// ```
///
/// Key rules (Django's): a key the client sends is only used if the store holds it;
/// otherwise the request gets an empty session and, if it saves, a new 32-character key
/// claimed atomically. Call ``cycleKey()`` at login (same data, new key) and ``flush()`` at
/// logout (data and key gone).
public final class Session: Sendable {
    private let store: (any SessionStore)?
    private let age: Int
    /// `SESSION_EXPIRE_AT_BROWSER_CLOSE`, for a session that sets no expiry of its own.
    private let expireAtBrowserClose: Bool
    private let state: Mutex<State>
    /// Whether the request carried the session cookie (valid or not).
    let requestHadCookie: Bool

    struct State {
        /// The current key: the client's until a load finds nothing, then a new one on save.
        /// Once ``data`` is loaded, a key here is one the store confirmed: it loaded a session
        /// under it in this request, or created it.
        var key: String?
        /// The client's key, once a load found no session under it (and dropped it from
        /// ``key``): at logout the store may still hold something to delete under it
        /// (``SessionStore/deleteUnconfirmed(key:)``).
        var unconfirmedKey: String?
        /// The data, once loaded.
        var data: DjangoSessionData?
        var accessed = false
        var modified = false
    }

    /// A session for a request whose cookie carried `key` (already checked with
    /// ``SessionKey/isValid(_:)``; `nil` for none or an invalid one). `age` and
    /// `expireAtBrowserClose` are the configuration's (``SessionConfiguration/cookieAge``,
    /// ``SessionConfiguration/expireAtBrowserClose``), for a session that sets no
    /// ``SessionExpiry`` of its own.
    public init(
        store: any SessionStore, key: String?, age: Int = SessionConfiguration().cookieAge,
        expireAtBrowserClose: Bool = SessionConfiguration().expireAtBrowserClose, requestHadCookie: Bool = false
    ) {
        self.store = store
        self.age = age
        self.expireAtBrowserClose = expireAtBrowserClose
        self.requestHadCookie = requestHadCookie
        self.state = Mutex(State(key: key))
    }

    private init() {
        store = nil
        age = 0
        expireAtBrowserClose = false
        requestHadCookie = false
        state = Mutex(State())
    }

    /// The session of a context no ``DjangoSessionMiddleware`` ran for: every use throws.
    public static let unattached = Session()

    // MARK: Reading and writing

    /// The session key: the client's (until a load finds nothing), a new one after a save,
    /// `nil` for a session never saved or flushed.
    public var key: String? { state.withLock { $0.key } }

    /// The whole session, loading it if needed.
    public func data() async throws(SessionError) -> DjangoSessionData {
        try await loaded()
    }

    /// The value under `key` as `type`, or `nil`; loads the session at first use.
    ///
    /// - Throws: ``SessionError/storeUnavailable(store:reason:)`` when the store cannot be
    ///   reached (the middleware answers 503), ``SessionError/undecodable(key:expected:reason:)``
    ///   when the value is of another type.
    public func get<Value: Decodable>(_ key: String, as type: Value.Type = Value.self) async throws(SessionError) -> Value? {
        try await loaded().get(key, as: type)
    }

    /// Stores `value` under `key` (saved when the response goes out).
    public func set<Value: Encodable>(_ key: String, _ value: Value) async throws(SessionError) {
        let stored = try DjangoSessionData.sessionValue(value, key: key)
        try await modify { $0.values[key] = stored }
    }

    /// Removes `key`; returns the value it held (the session is modified only if it held one).
    @discardableResult
    public func remove(_ key: String) async throws(SessionError) -> SessionValue? {
        _ = try await loaded()
        return state.withLock { state in
            guard let removed = state.data?.values.removeValue(forKey: key) else { return nil }
            state.modified = true
            return removed
        }
    }

    /// Changes the data in place, under the session's lock (a read-modify-write that no
    /// other task of the request interleaves with).
    public func modify<Result>(_ body: (inout DjangoSessionData) throws(SessionError) -> Result) async throws(SessionError) -> Result {
        _ = try await loaded()
        return try state.withLock { (state: inout State) throws(SessionError) -> Result in
            var data = state.data ?? DjangoSessionData()
            let result = try body(&data)
            state.data = data
            state.modified = true
            return result
        }
    }

    // MARK: Expiry

    /// Sets the session's own expiry (Django's `set_expiry`): `.seconds(n)` after `n` seconds
    /// without a save, ``SessionExpiry/browserClose`` when the browser closes, `.date(d)` at `d`;
    /// `nil` goes back to the configuration's rules. Saved under `_session_expiry` with the
    /// session, so Django reads it too; the store's TTL (or `expire_date`) and the cookie's
    /// `Max-Age`/`expires` follow it when the response goes out.
    public func setExpiry(_ expiry: SessionExpiry?) async throws(SessionError) {
        // Django's `del self["_session_expiry"]` on a session without one changes nothing.
        if expiry == nil, try await loaded().values[DjangoSessionData.expiryKey] == nil { return }
        try await modify { $0.expiry = expiry }
    }

    /// The session's own expiry, or `nil` when the configuration decides.
    public func expiry() async throws(SessionError) -> SessionExpiry? {
        try await loaded().expiry
    }

    /// Seconds from `now` until the session expires (Django's `get_expiry_age`; see
    /// ``DjangoSessionData/expiryAge(cookieAge:now:)``).
    public func expiryAge(now: Date = Date()) async throws(SessionError) -> Int {
        try await loaded().expiryAge(cookieAge: age, now: now)
    }

    /// When the session expires (Django's `get_expiry_date`; see
    /// ``DjangoSessionData/expiryDate(cookieAge:now:)``).
    public func expiryDate(now: Date = Date()) async throws(SessionError) -> Date {
        try await loaded().expiryDate(cookieAge: age, now: now)
    }

    /// Whether the cookie ends with the browser (Django's `get_expire_at_browser_close`).
    public func expiresAtBrowserClose() async throws(SessionError) -> Bool {
        try await loaded().expiresAtBrowserClose(configured: expireAtBrowserClose)
    }

    /// The cookie's `Max-Age` for the data as it stands (`nil`: a browser-session cookie), as
    /// Django's `process_response` computes it. For the middleware, after ``save()`` loaded it.
    func cookieMaxAge(now: Date) -> Int? {
        let data = state.withLock { $0.data } ?? DjangoSessionData()
        if data.expiresAtBrowserClose(configured: expireAtBrowserClose) { return nil }
        return data.expiryAge(cookieAge: age, now: now)
    }

    // MARK: Login and logout

    /// Gives the same data a new key and deletes the old one (Django's `cycle_key`, for login:
    /// a key an attacker planted before login is worthless after it). Only a session the store
    /// confirmed is deleted, never another key the cookie happens to name.
    ///
    /// The old key goes through ``SessionStore/deleteReplaced(key:)``, not a logout's strict
    /// delete: on `cached_db` a login works while Redis is down, leaving the old key's cache
    /// entry (pre-login data only) to its TTL, with a warning.
    public func cycleKey() async throws(SessionError) {
        let data = try await loaded()
        let old = confirmedKey
        try await create(data)
        if let old { try await requireStore().deleteReplaced(key: old) }
    }

    /// Empties the session, deletes it from the store and drops the key (Django's `flush`,
    /// for logout). The middleware then deletes the cookie.
    ///
    /// Loads the session first, if the request has not: the cookie's key is the client's word,
    /// and may name any key of the store's database (a counter, a list: the standalone store's
    /// sessions are bare keys in DB 0). Only a session the store confirmed is deleted; a key
    /// the load did not find goes to ``SessionStore/deleteUnconfirmed(key:)``, where the store
    /// decides what, if anything, it may delete (on `cached_db`, the entry a failed logout left
    /// in the cache after deleting the row).
    ///
    /// - Throws: what the store's delete throws (``SessionError/storeUnavailable(store:reason:)``
    ///   when the session cannot be deleted everywhere); the session is then left as it was, so
    ///   the logout can be retried.
    public func flush() async throws(SessionError) {
        _ = try await loaded()
        let store = try requireStore()
        if let old = confirmedKey { try await store.delete(key: old) }
        if let unconfirmed = state.withLock({ $0.unconfirmedKey }) { try await store.deleteUnconfirmed(key: unconfirmed) }
        state.withLock { $0 = State(key: nil, data: DjangoSessionData(), accessed: true, modified: true) }
    }

    /// The key, after ``loaded()``: one the store confirmed, or `nil`.
    private var confirmedKey: String? {
        state.withLock { state in
            assert(state.data != nil, "a key is only confirmed once the session is loaded")
            return state.key
        }
    }

    // MARK: For the middleware

    /// Whether the session was read or written during the request.
    var accessed: Bool { state.withLock { $0.accessed } }
    /// Whether it was written.
    var modified: Bool { state.withLock { $0.modified } }
    /// Django's `is_empty`: no key, and no data loaded or nothing in it.
    var isEmpty: Bool { state.withLock { $0.key == nil && ($0.data?.isEmpty ?? true) } }

    /// Django's `save`: a session without a key is created under a new one; one with a key
    /// is updated, and ``SessionError/interrupted(key:)`` when it is gone from the store.
    func save() async throws(SessionError) {
        if state.withLock({ $0.data == nil }) { _ = try await loaded() }
        let (key, current) = state.withLock { ($0.key, $0.data ?? DjangoSessionData()) }
        guard let key else {
            // Loading may have dropped a key the store no longer holds: an empty session
            // without a key has nothing to keep (saveEveryRequest must not create one).
            if current.isEmpty { return }
            try await create(current)
            return
        }
        guard try await requireStore().update(key: key, data: current, age: age) else { throw .interrupted(key: key) }
    }

    /// Claims a new key with `SET NX` / `INSERT`, drawing again on a collision (Django's `create`).
    private func create(_ data: DjangoSessionData) async throws(SessionError) {
        let store = try requireStore()
        let attempts = 100
        for _ in 0..<attempts {
            let key = SessionKey.generate()
            if try await store.create(key: key, data: data, age: age) {
                state.withLock {
                    $0.key = key
                    $0.modified = true
                }
                return
            }
        }
        throw .noFreeKey(attempts: attempts)
    }

    /// The data, loaded at first use. A key the store does not hold is dropped: the session
    /// starts empty and gets a new key when saved (no fixation).
    private func loaded() async throws(SessionError) -> DjangoSessionData {
        let (data, key) = state.withLock { state in
            state.accessed = true
            return (state.data, state.key)
        }
        if let data { return data }
        let store = try requireStore()
        var found: DjangoSessionData?
        if let key { found = try await store.load(key: key) }
        return state.withLock { state in
            if let data = state.data { return data }  // another task of the request loaded it first
            if found == nil, let key, state.key == key {
                state.key = nil
                state.unconfirmedKey = key
            }
            let data = found ?? DjangoSessionData()
            state.data = data
            return data
        }
    }

    private func requireStore() throws(SessionError) -> any SessionStore {
        guard let store else {
            throw .invalidConfiguration("this request has no session: add DjangoSessionMiddleware to the router before the route")
        }
        return store
    }
}
