/// Django's low-level cache API, for `Codable` values
/// (<https://docs.djangoproject.com/en/stable/topics/cache/#the-low-level-cache-api>).
///
/// ```swift
/// let cache = RedisCache(configuration: try CacheConfiguration(location: "unix:///var/run/redis/redis.sock?db=1"))
/// try await cache.set("craig", "derington", timeout: 30)        // stored as :1:craig, TTL 30
/// let name = try await cache.get("craig", as: String.self)       // "derington"
/// try await cache.setMany(["a": 1, "b": 2, "c": 3])              // TTL 300 each
/// let numbers = try await cache.getMany(["a", "b", "c"], as: Int.self)
/// ```
///
/// `version: nil` means the cache's configured version; `timeout: .default` its default
/// timeout. Keys are stored as `prefix:version:key`.
public protocol Cache: Sendable {
    /// Whether the cache hides an outage of its backend: reads answer "miss" and writes are
    /// dropped instead of throwing (``CacheConfiguration/FailureMode/failOpen``).
    ///
    /// Users that must not lose data quietly decide by this, whatever the cache's type: the
    /// `cache` session engine (`CacheSessionStore`) refuses a cache that fails open, and the
    /// page cache warns when it is set to fail closed over one. A conforming type that can
    /// answer a miss for a value it could not read must return `true`. The default is `false`:
    /// right for a cache that throws ``CacheError`` when its backend is down, and for one with
    /// no backend to lose (``MemoryCache``). ``RedisCache`` returns whether its
    /// ``CacheConfiguration/failureMode`` is ``CacheConfiguration/FailureMode/failOpen``.
    var failsOpen: Bool { get }

    /// Stores `value` under `key`, replacing any value there. A timeout of zero or less
    /// deletes the key instead.
    func set<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout, version: Int?) async throws(CacheError)

    /// The value under `key` read as `type`, or `nil` on a miss.
    ///
    /// - Throws: ``CacheError/undecodable(key:expected:reason:)`` when the stored bytes are not a
    ///   `type` (never a silent `nil`).
    func get<Value: Decodable & Sendable>(_ key: String, as type: Value.Type, version: Int?) async throws(CacheError) -> Value?

    /// The values under two keys, read as two types, in one round trip where the backend
    /// allows (the page cache reads a page's header list and the page this way). Each is `nil`
    /// on a miss. The default reads one key, then the other.
    func get<First: Decodable & Sendable, Second: Decodable & Sendable>(
        _ first: String, as firstType: First.Type, _ second: String, as secondType: Second.Type, version: Int?
    ) async throws(CacheError) -> (First?, Second?)

    /// Stores `value` under `key` only if the key holds a value; `false` when it does not
    /// (nothing is written then). The `cache` session engine saves an existing session this
    /// way, so a session deleted meanwhile (a logout) is not brought back.
    ///
    /// A conforming type should check and write in one atomic step where its backend allows
    /// (``RedisCache``: one `SET ... XX EX`). The default is Django's way,
    /// ``hasKey(_:version:)`` then ``set(_:_:timeout:version:)``: a delete between the two is
    /// overwritten.
    func update<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout, version: Int?) async throws(CacheError) -> Bool

    /// Stores `value` only if `key` holds nothing; `true` if it was stored.
    func add<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout, version: Int?) async throws(CacheError) -> Bool

    /// Whether the cache can wait for replicas to acknowledge a write
    /// (``write(_:_:condition:timeout:version:acknowledgedBy:within:)``): `true` for
    /// ``RedisCache``; the default, `false`, for a cache with no replicas (``MemoryCache``).
    /// A store that is told to wait checks this at start-up.
    var waitsForReplicas: Bool { get }

    /// Stores `value` under `key` as ``set(_:_:timeout:version:)``, ``add(_:_:timeout:version:)``
    /// or ``update(_:_:timeout:version:)`` do (`condition`), then waits until `replicas`
    /// replicas have the write or `wait` has passed, and says whether it stored and how many
    /// replicas acknowledged. Fewer than asked is not an error: the caller decides.
    ///
    /// ``RedisCache`` sends `WAIT replicas wait` right behind the write on the write's own
    /// connection (`WAIT` counts only what its connection wrote), to the primary on a Sentinel
    /// client and to the node serving the key on a cluster.
    ///
    /// ```swift
    /// let write = try await cache.write("cart:42", cart, condition: .always, timeout: 3600, version: nil, acknowledgedBy: 1, within: .milliseconds(50))
    /// if write.acknowledged < 1 { logger.warning("the cart is on the primary only") }
    /// ```
    ///
    /// - Throws: ``CacheError/invalidConfiguration(_:)`` when the cache has no replicas to wait
    ///   for (the default, for a cache whose ``waitsForReplicas`` is `false`); otherwise what
    ///   the plain write throws.
    func write<Value: Encodable & Sendable>(
        _ key: String, _ value: Value, condition: CacheWriteCondition, timeout: CacheTimeout, version: Int?,
        acknowledgedBy replicas: Int, within wait: Duration
    ) async throws(CacheError) -> CacheAcknowledgedWrite

    /// Stores every pair with one timeout, in one round trip where the backend allows;
    /// returns the keys that could not be stored (empty on success).
    func setMany<Value: Encodable & Sendable>(_ values: [String: Value], timeout: CacheTimeout, version: Int?) async throws(CacheError) -> [String]

    /// The values of the keys that exist, by key; missing keys are absent from the result.
    func getMany<Value: Decodable & Sendable>(_ keys: [String], as type: Value.Type, version: Int?) async throws(CacheError) -> [String: Value]

    /// Deletes `key`; `true` if something was deleted.
    func delete(_ key: String, version: Int?) async throws(CacheError) -> Bool

    /// Deletes every key given.
    func deleteMany(_ keys: [String], version: Int?) async throws(CacheError)

    /// Whether `key` holds a value.
    func hasKey(_ key: String, version: Int?) async throws(CacheError) -> Bool

    /// Adds `delta` to the integer under `key` and returns the new value.
    ///
    /// - Throws: ``CacheError/keyNotFound(key:)`` when the key does not exist (Django raises
    ///   `ValueError`), ``CacheError/notAnInteger(key:)`` when it holds something else.
    func incr(_ key: String, by delta: Int, version: Int?) async throws(CacheError) -> Int

    /// Sets a new timeout on `key`; `true` if the key exists.
    func touch(_ key: String, timeout: CacheTimeout, version: Int?) async throws(CacheError) -> Bool

    /// Moves `key`'s value from `version` to `version + delta` (with the default timeout) and
    /// returns the new version.
    ///
    /// - Throws: ``CacheError/keyNotFound(key:)`` when nothing is stored at `version`.
    func incrVersion(_ key: String, by delta: Int, version: Int?) async throws(CacheError) -> Int

    /// Deletes everything in the cache's storage. For ``RedisCache`` that is `FLUSHDB` on its
    /// database: sessions kept there by the `cache` engine go too. On a Redis Cluster, which has
    /// no databases, it is every key of the cache's key prefix, on every primary.
    func clear() async throws(CacheError)

    /// Releases the cache's connections.
    func close() async
}
