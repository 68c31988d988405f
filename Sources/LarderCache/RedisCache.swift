import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import LarderRESP
import LarderRedis
import Synchronization

/// Django's Redis cache backend in Swift: the operations of ``Cache`` as the Redis commands
/// Django's `RedisCache` sends, on a connection pool (or any ``RedisClient``).
///
/// Keys and values are what a reader who knows Django expects in `redis-cli`: the article's
/// `set("my_key", ...)` is `:1:my_key` in DB 1, an `Int` is stored as its digits (so
/// `OBJECT ENCODING` says `int` and `incr` is an `INCRBY`), and every key has a TTL unless
/// stored with ``CacheTimeout/never``.
public final class RedisCache: Cache {
    /// The settings the cache runs with.
    public let configuration: CacheConfiguration
    let client: CacheRedisClient
    /// Closes the client the cache opened itself (none when it was given one).
    private let closeOwnedClient: (@Sendable () async -> Void)?
    /// Runs the client the cache opened itself as a service (none when it was given one).
    let runOwnedClient: (@Sendable () async throws -> Void)?
    let keys: CacheKeyMaker
    /// Whether an outage was reported and has not ended: read on every operation, so atomic.
    private let outage = Atomic<Bool>(false)
    /// Whether Redis was reported refusing writes (`OOM`...) and has not taken one since.
    private let refusing = Atomic<Bool>(false)

    /// A cache with connections of its own on `configuration.redis`: a ``RedisMultiplexer``
    /// (one connection per event loop, shared by every caller at once), which suits a
    /// cache's short, independent commands best. A call gives up on Redis after
    /// ``CacheConfiguration/redisTimeout`` (250 ms by default), and after such a timeout the
    /// next calls fail at once for a while instead of each waiting it out.
    public init(configuration: CacheConfiguration = CacheConfiguration()) {
        let redis = RedisMultiplexer(configuration: configuration.redis, logger: configuration.logger)
        self.configuration = configuration
        self.client = .multiplexer(redis)
        self.closeOwnedClient = { await redis.close() }
        self.runOwnedClient = { try await redis.run() }
        self.keys = CacheKeyMaker(configuration: configuration)
    }

    /// A cache with a ``RedisConnectionPool`` of its own on `configuration.redis`, each
    /// command on a connection leased for it.
    public init(configuration: CacheConfiguration = CacheConfiguration(), poolConfiguration: RedisConnectionPoolConfiguration) {
        let pool = RedisConnectionPool(configuration: configuration.redis, poolConfiguration: poolConfiguration, logger: configuration.logger)
        self.configuration = configuration
        self.client = .pool(pool)
        self.closeOwnedClient = { await pool.close() }
        self.runOwnedClient = { try await pool.run() }
        self.keys = CacheKeyMaker(configuration: configuration)
    }

    /// A cache on a client shared with other users (a pool, a connection). `configuration.redis`
    /// is not used: the client decides where commands go. ``close()`` leaves the client open.
    public init(client: some RedisClient, configuration: CacheConfiguration = CacheConfiguration()) {
        self.configuration = configuration
        self.client = CacheRedisClient(client)
        self.closeOwnedClient = nil
        self.runOwnedClient = nil
        self.keys = CacheKeyMaker(configuration: configuration)
    }

    // MARK: Cache

    /// Whether ``CacheConfiguration/failureMode`` is ``CacheConfiguration/FailureMode/failOpen``:
    /// an outage then reads as misses and drops writes.
    public var failsOpen: Bool { configuration.failureMode == .failOpen }

    /// `SET key value EX timeout`; `SET` without `EX` for ``CacheTimeout/never``; `DEL` for a timeout of 0.
    public func set<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout, version: Int?) async throws(CacheError) {
        let stored = RedisKey(keys.make(key, version: version))
        let bytes = try encode(value, key: key)
        let seconds = timeout.seconds(default: configuration.defaultTimeout)
        try await backend(orIfDown: (), writes: true) { () throws(RedisError) in
            switch seconds {
            case nil: _ = try await client.send(SET(stored, bytes))
            case 0?: _ = try await client.send(DEL([stored]))
            case let seconds?: _ = try await client.send(SET(stored, bytes, expiration: .seconds(seconds)))
            }
        }
    }

    /// `GET`, decoded by the configured serializer; `nil` on a miss.
    public func get<Value: Decodable & Sendable>(_ key: String, as type: Value.Type, version: Int?) async throws(CacheError) -> Value? {
        let stored = RedisKey(keys.make(key, version: version))
        let bytes = try await backend(orIfDown: nil) { () throws(RedisError) in try await client.send(GET(stored)) }
        return try bytes.map { buffer throws(CacheError) in try decode(type, from: buffer, key: key) }
    }

    /// Both `GET`s in one pipeline: one write, one round trip.
    public func get<First: Decodable & Sendable, Second: Decodable & Sendable>(
        _ first: String, as firstType: First.Type, _ second: String, as secondType: Second.Type, version: Int?
    ) async throws(CacheError) -> (First?, Second?) {
        let firstKey = RedisKey(keys.make(first, version: version))
        let secondKey = RedisKey(keys.make(second, version: version))
        let (firstBytes, secondBytes) = try await backend(orIfDown: (nil, nil)) { () throws(RedisError) -> (ByteBuffer?, ByteBuffer?) in
            let (firstReply, secondReply) = await client.execute(GET(firstKey), GET(secondKey))
            return (try firstReply.get(), try secondReply.get())
        }
        return (
            try firstBytes.map { buffer throws(CacheError) in try decode(firstType, from: buffer, key: first) },
            try secondBytes.map { buffer throws(CacheError) in try decode(secondType, from: buffer, key: second) }
        )
    }

    /// `SET key value NX EX timeout`: `true` when the key was free and is now stored.
    public func add<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout, version: Int?) async throws(CacheError) -> Bool {
        let stored = RedisKey(keys.make(key, version: version))
        let bytes = try encode(value, key: key)
        let seconds = timeout.seconds(default: configuration.defaultTimeout)
        return try await backend(orIfDown: false, writes: true) { () throws(RedisError) in
            switch seconds {
            case nil:
                return try await client.send(SET(stored, bytes, condition: .ifNotExists)).stored
            case 0?:
                // Django: would it have been added? Then it expires at once.
                let added = try await client.send(SET(stored, bytes, condition: .ifNotExists)).stored
                if added { _ = try await client.send(DEL([stored])) }
                return added
            case let seconds?:
                return try await client.send(SET(stored, bytes, condition: .ifNotExists, expiration: .seconds(seconds))).stored
            }
        }
    }

    /// With a timeout, one pipeline of `SET key value EX t` (one write, one round trip, each
    /// key given its TTL atomically); without, one `MSET`. Django sends `MSET` then one
    /// `EXPIRE` per key in a pipeline: the same keys, values and TTLs.
    public func setMany<Value: Encodable & Sendable>(_ values: [String: Value], timeout: CacheTimeout, version: Int?) async throws(CacheError) -> [String] {
        guard !values.isEmpty else { return [] }
        var entries: [(name: String, key: RedisKey, bytes: ByteBuffer)] = []
        entries.reserveCapacity(values.count)
        for (name, value) in values {
            entries.append((name, RedisKey(keys.make(name, version: version)), try encode(value, key: name)))
        }
        let seconds = timeout.seconds(default: configuration.defaultTimeout)
        let allKeys = entries.map(\.name)
        return try await backend(orIfDown: allKeys, writes: true) { () throws(RedisError) in
            switch seconds {
            case nil:
                _ = try await client.send(MSET(entries.map { (key: $0.key, value: $0.bytes) }))
                return []
            case 0?:
                _ = try await client.send(DEL(entries.map(\.key)))
                return []
            case let seconds?:
                let results = await client.execute(entries.map { SET($0.key, $0.bytes, expiration: .seconds(seconds)) })
                var failed: [String] = []
                for (entry, result) in zip(entries, results) {
                    switch result {
                    case .success: continue
                    case .failure(let error):
                        if error.code == .server { failed.append(entry.name) } else { throw error }
                    }
                }
                return failed
            }
        }
    }

    /// One `MGET`; only the keys found, decoded.
    public func getMany<Value: Decodable & Sendable>(_ names: [String], as type: Value.Type, version: Int?) async throws(CacheError) -> [String: Value] {
        guard !names.isEmpty else { return [:] }
        let stored = names.map { RedisKey(keys.make($0, version: version)) }
        let values = try await backend(orIfDown: []) { () throws(RedisError) in try await client.send(MGET(stored)) }
        var found: [String: Value] = [:]
        for (name, bytes) in zip(names, values) {
            if let bytes { found[name] = try decode(type, from: bytes, key: name) }
        }
        return found
    }

    /// `DEL`: `true` when the key existed.
    public func delete(_ key: String, version: Int?) async throws(CacheError) -> Bool {
        let stored = RedisKey(keys.make(key, version: version))
        return try await backend(orIfDown: false) { () throws(RedisError) in try await client.send(DEL([stored])) > 0 }
    }

    /// One `DEL` of every key.
    public func deleteMany(_ names: [String], version: Int?) async throws(CacheError) {
        guard !names.isEmpty else { return }
        let stored = names.map { RedisKey(keys.make($0, version: version)) }
        try await backend(orIfDown: ()) { () throws(RedisError) in _ = try await client.send(DEL(stored)) }
    }

    /// `EXISTS`.
    public func hasKey(_ key: String, version: Int?) async throws(CacheError) -> Bool {
        let stored = RedisKey(keys.make(key, version: version))
        return try await backend(orIfDown: false) { () throws(RedisError) in try await client.send(EXISTS([stored])) > 0 }
    }

    /// Django's rule, "`EXISTS`, then `INCRBY`": a missing key is an error, never created.
    /// Both run in one script, so a key that expires between the two is not brought back
    /// without its TTL (two round trips would, and the counter would then never expire).
    /// The new value comes back as the stored digits (`GET`), not as `INCRBY`'s reply: in the
    /// script that is a Lua number, a double, which is off past 2^53.
    static let incrementIfExists = """
        if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCRBY', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1]) end return false
        """

    /// ``incrementIfExists`` in one round trip: `EVAL` with the key and `delta`.
    public func incr(_ key: String, by delta: Int, version: Int?) async throws(CacheError) -> Int {
        let stored = RedisKey(keys.make(key, version: version))
        let reply: String?
        do {
            reply = try await client.send(EVAL<String?, Int>(Self.incrementIfExists, keys: [stored], arguments: [delta]))
        } catch {
            throw incrFailure(error, key: key)
        }
        noteRecovery()
        noteWriteAccepted()
        guard let reply else { throw .keyNotFound(key: key) }
        // INCRBY succeeded, so the key holds a 64-bit integer's digits.
        guard let value = Int(reply) else { throw .notAnInteger(key: key) }
        return value
    }

    /// What a failed `incr` throws. It has no value to fail open with, so it always throws;
    /// only a server that cannot be reached or cannot serve counts as an outage.
    private func incrFailure(_ error: RedisError, key: String) -> CacheError {
        if error.code == .server, let reply = error.serverError {
            if reply.kind == .wrongType || reply.message.contains("not an integer") { return .notAnInteger(key: key) }
            if reply.message.contains("overflow") { return .overflow(key: key) }
        }
        _ = noteIfUnavailable(error)
        return .backend(error)
    }

    /// `EXPIRE` (a timeout of 0 deletes the key), or `PERSIST` for ``CacheTimeout/never``;
    /// `true` when the key exists.
    public func touch(_ key: String, timeout: CacheTimeout, version: Int?) async throws(CacheError) -> Bool {
        let stored = RedisKey(keys.make(key, version: version))
        let seconds = timeout.seconds(default: configuration.defaultTimeout)
        return try await backend(orIfDown: false) { () throws(RedisError) in
            guard let seconds else {
                // PERSIST answers 0 for a key that exists without a TTL: ask EXISTS then.
                if try await client.send(PERSIST(stored)) { return true }
                return try await client.send(EXISTS([stored])) > 0
            }
            return try await client.send(PEXPIRE(stored, after: .seconds(seconds)))
        }
    }

    /// `GET` at the old version, `SET` at the new one (default timeout), `DEL` of the old, as
    /// Django does. Three commands, not one script: the two keys may live on different
    /// cluster nodes. With `delta` 0 the value stays where it is (Django would delete it).
    public func incrVersion(_ key: String, by delta: Int, version: Int?) async throws(CacheError) -> Int {
        let current = version ?? configuration.version
        let (next, overflow) = current.addingReportingOverflow(delta)
        guard !overflow else { throw .overflow(key: key) }
        let old = RedisKey(keys.make(key, version: current))
        let new = RedisKey(keys.make(key, version: next))
        let seconds = CacheTimeout.default.seconds(default: configuration.defaultTimeout)
        let moved: Bool = try await backend(orIfDown: false, writes: true) { () throws(RedisError) in
            guard let bytes = try await client.send(GET(old)) else { return false }
            switch seconds {
            case nil: _ = try await client.send(SET(new, bytes))
            case 0?: _ = try await client.send(DEL([new]))  // a timeout of 0 stores nothing
            case let seconds?: _ = try await client.send(SET(new, bytes, expiration: .seconds(seconds)))
            }
            if delta != 0 { _ = try await client.send(DEL([old])) }
            return true
        }
        guard moved else { throw .keyNotFound(key: key) }
        return next
    }

    /// On one server, `FLUSHDB` on the cache's database, and only there (Django's `clear`).
    ///
    /// On a cluster (a client that is a ``RedisShardedClient``), which has no databases to tell
    /// caches apart: every key of this cache's ``CacheConfiguration/keyPrefix`` (`<prefix>:*`,
    /// every version), found with `SCAN` on each primary and removed with `UNLINK`, a batch at a
    /// time. `FLUSHDB` on every primary would delete every other user's keys as well. Keys
    /// written during the clear may survive it, as with any `SCAN`. With the empty prefix this
    /// is every key that starts with `:`: give each cache on a cluster a prefix of its own.
    ///
    /// - Throws: ``CacheError/invalidConfiguration(_:)`` when the Redis user may not run
    ///   `FLUSHDB` (a least-privilege ACL user has no `@dangerous` commands), saying what to do
    ///   instead; the errors of every other operation otherwise.
    public func clear() async throws(CacheError) {
        if let sharded = client.sharded {
            try await backend(orIfDown: ()) { () throws(RedisError) in try await Self.unlinkPrefix(keys.clearPattern, on: sharded) }
            return
        }
        do {
            try await backend(orIfDown: ()) { () throws(RedisError) in _ = try await client.send(FLUSHDB()) }
        } catch {
            guard let reply = error.redisError?.serverError, reply.kind == .noPermission else { throw error }
            let user = configuration.redis.username ?? "default"
            throw .invalidConfiguration(
                "clear() sends FLUSHDB, which the Redis ACL of user '\(user)' refuses (\(reply)): FLUSHDB is in @dangerous, "
                    + "which a least-privilege app user rightly lacks. Delete the keys you wrote with deleteMany(_:), let them "
                    + "expire, or empty the database as an administrative user (redis-cli -n \(configuration.redis.database) flushdb)")
        }
    }

    /// Every key matching `pattern` on every primary of `cluster`, unlinked: on each node at
    /// once, 500 keys a pipeline (one `UNLINK` per key, since a multi-key `UNLINK` must stay in
    /// one slot).
    static func unlinkPrefix(_ pattern: String, on cluster: some RedisShardedClient) async throws(RedisError) {
        let nodes = try await cluster.primaries()
        let failures = await withTaskGroup(of: RedisError?.self) { group in
            for node in nodes {
                group.addTask {
                    do {
                        var batch: [UNLINK] = []
                        for try await key in node.scan(match: pattern, count: 1000) {
                            batch.append(UNLINK([key]))
                            if batch.count == 500 {
                                for case .failure(let error) in await node.execute(batch) { return error }
                                batch.removeAll(keepingCapacity: true)
                            }
                        }
                        for case .failure(let error) in await node.execute(batch) { return error }
                        return nil
                    } catch {
                        return error as? RedisError ?? .cancelled
                    }
                }
            }
            var failures: [RedisError] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        if let first = failures.first { throw first }
    }

    /// Closes the connections the cache opened itself; a client given to it stays open.
    public func close() async {
        await closeOwnedClient?()
    }

    // MARK: Encoding

    func encode<Value: Encodable>(_ value: Value, key: String) throws(CacheError) -> ByteBuffer {
        try configuration.encodeBuffer(value, key: key)
    }

    func decode<Value: Decodable>(_ type: Value.Type, from bytes: ByteBuffer, key: String) throws(CacheError) -> Value {
        try configuration.decode(type, from: bytes, key: key)
    }

    // MARK: Failing open or closed

    /// Runs a Redis operation. A server that cannot be reached, or answers that it cannot
    /// serve for now (``RedisServerError/isTemporaryUnavailability``, e.g. `LOADING` after a
    /// restart), is an outage; a write refused while reads still work
    /// (``RedisServerError/refusesWrites``, e.g. `OOM`) is a refusal. Either throws (fail
    /// closed) or yields `fallback` (fail open, the write dropped), with one warning. Any other
    /// error reply, and a cache used after ``close()``, is the caller's problem and thrown.
    ///
    /// `writes`: the operation stores a value (a command Redis refuses when full), so its
    /// success ends a refusal.
    func backend<Result>(
        orIfDown fallback: Result, writes: Bool = false, _ operation: () async throws(RedisError) -> Result
    ) async throws(CacheError) -> Result {
        do {
            let result = try await operation()
            noteRecovery()
            if writes { noteWriteAccepted() }
            return result
        } catch {
            guard noteIfUnavailable(error) else { throw .backend(error) }
            switch configuration.failureMode {
            case .failClosed: throw .backend(error)
            case .failOpen: return fallback
            }
        }
    }

    /// Notes an outage or a refusal (one warning each) and says whether `error` was one; any
    /// other error reply, or a cache used after ``close()``, is neither.
    func noteIfUnavailable(_ error: RedisError) -> Bool {
        switch error.code {
        case .server:
            guard let reply = error.serverError else { return false }
            if reply.refusesWrites {
                noteRefusal(reply)
            } else if reply.isTemporaryUnavailability {
                noteOutage(error)
            } else {
                return false
            }
        case .poolClosed:
            return false
        default:
            noteOutage(error)
        }
        return true
    }

    /// One warning when an outage starts, not one per request.
    func noteOutage(_ error: RedisError) {
        let wasDown = outage.exchange(true, ordering: .relaxed)
        if !wasDown {
            let state = error.code == .server ? "cannot serve for now" : "unreachable"
            configuration.logger.warning(
                "cache backend \(state)\(configuration.failureMode == .failOpen ? "; serving misses until it is back" : "")",
                metadata: ["error": "\(error)"])
        }
    }

    /// One warning when Redis starts refusing writes (reads still work, so no outage is
    /// noted); the next write it takes ends it.
    func noteRefusal(_ reply: RedisServerError) {
        if !refusing.exchange(true, ordering: .relaxed) {
            configuration.logger.warning(
                "cache backend refuses writes\(configuration.failureMode == .failOpen ? "; dropping them until it takes them again" : "")",
                metadata: ["error": "\(reply)"])
        }
    }

    func noteRecovery() {
        // The common case, no outage, costs one atomic load.
        guard outage.load(ordering: .relaxed), outage.exchange(false, ordering: .relaxed) else { return }
        configuration.logger.notice("cache backend reachable again")
    }

    /// After a write went through: ends a refusal, if one was reported.
    func noteWriteAccepted() {
        guard refusing.load(ordering: .relaxed), refusing.exchange(false, ordering: .relaxed) else { return }
        configuration.logger.notice("cache backend takes writes again")
    }
}
