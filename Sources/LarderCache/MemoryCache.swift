import Foundation
import Synchronization

/// Django's `LocMemCache`: the ``Cache`` API in this process's memory, for tests and for a
/// reader with no Redis yet. Same keys, timeouts, serializer and errors as ``RedisCache``
/// (both pass one conformance suite); values are stored encoded, so a read returns a copy.
///
/// When ``maximumEntries`` is reached, the least recently used third is removed (Django's
/// `MAX_ENTRIES` 300 and `CULL_FREQUENCY` 3).
public final class MemoryCache: Cache {
    /// The settings the cache runs with (`redis` is not used).
    public let configuration: CacheConfiguration
    /// The most entries kept. Default 300.
    public let maximumEntries: Int
    /// When full, one entry in this many is removed (0 empties the cache). Default 3.
    public let cullFrequency: Int
    private let keys: CacheKeyMaker
    private let state = Mutex(State())

    private struct Entry {
        var bytes: Data
        var expires: ContinuousClock.Instant?
        var lastUsed: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var clock: UInt64 = 0

        mutating func tick() -> UInt64 {
            clock += 1
            return clock
        }

        /// The live entry under `key`, marked as just used; an expired one is removed.
        mutating func live(_ key: String, now: ContinuousClock.Instant) -> Entry? {
            guard var entry = entries[key] else { return nil }
            if let expires = entry.expires, expires <= now {
                entries[key] = nil
                return nil
            }
            entry.lastUsed = tick()
            entries[key] = entry
            return entry
        }
    }

    /// An empty cache with Django's `LocMemCache` limits.
    public init(configuration: CacheConfiguration = CacheConfiguration(), maximumEntries: Int = 300, cullFrequency: Int = 3) {
        self.configuration = configuration
        self.maximumEntries = maximumEntries
        self.cullFrequency = cullFrequency
        self.keys = CacheKeyMaker(configuration: configuration)
    }

    // MARK: Cache

    /// Stores the value's serialized bytes; a full cache first drops its least recently used third.
    public func set<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout, version: Int?) async throws(CacheError) {
        let stored = keys.make(key, version: version)
        let bytes = try encode(value, key: key)
        let expires = expiry(timeout)
        state.withLock { state in store(stored, bytes, expires: expires, in: &state) }
    }

    /// The value, decoded, if present and not expired; `nil` otherwise.
    public func get<Value: Decodable & Sendable>(_ key: String, as type: Value.Type, version: Int?) async throws(CacheError) -> Value? {
        let stored = keys.make(key, version: version)
        let now = ContinuousClock.now
        guard let entry = state.withLock({ $0.live(stored, now: now) }) else { return nil }
        return try decode(type, from: entry.bytes, key: key)
    }

    /// Stores the value only if no live entry holds the key: `true` when stored.
    public func add<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout, version: Int?) async throws(CacheError) -> Bool {
        let stored = keys.make(key, version: version)
        let bytes = try encode(value, key: key)
        let expires = expiry(timeout)
        let now = ContinuousClock.now
        return state.withLock { state in
            guard state.live(stored, now: now) == nil else { return false }
            store(stored, bytes, expires: expires, in: &state)
            return true
        }
    }

    /// Stores every value; returns no failed keys (memory never refuses one).
    public func setMany<Value: Encodable & Sendable>(_ values: [String: Value], timeout: CacheTimeout, version: Int?) async throws(CacheError) -> [String] {
        var encoded: [(String, Data)] = []
        for (key, value) in values { encoded.append((keys.make(key, version: version), try encode(value, key: key))) }
        let expires = expiry(timeout)
        state.withLock { state in
            for (stored, bytes) in encoded { store(stored, bytes, expires: expires, in: &state) }
        }
        return []
    }

    /// The live keys among `names`, decoded.
    public func getMany<Value: Decodable & Sendable>(_ names: [String], as type: Value.Type, version: Int?) async throws(CacheError) -> [String: Value] {
        let now = ContinuousClock.now
        let found = state.withLock { state in
            names.compactMap { name in state.live(keys.make(name, version: version), now: now).map { (name, $0.bytes) } }
        }
        var result: [String: Value] = [:]
        for (name, bytes) in found { result[name] = try decode(type, from: bytes, key: name) }
        return result
    }

    /// Removes the entry: `true` when a live one existed.
    public func delete(_ key: String, version: Int?) async throws(CacheError) -> Bool {
        let stored = keys.make(key, version: version)
        let now = ContinuousClock.now
        return state.withLock { state in
            guard state.live(stored, now: now) != nil else { return false }
            state.entries[stored] = nil
            return true
        }
    }

    /// Removes every entry named.
    public func deleteMany(_ names: [String], version: Int?) async throws(CacheError) {
        let stored = names.map { keys.make($0, version: version) }
        state.withLock { state in for key in stored { state.entries[key] = nil } }
    }

    /// Whether a live entry holds the key.
    public func hasKey(_ key: String, version: Int?) async throws(CacheError) -> Bool {
        let stored = keys.make(key, version: version)
        let now = ContinuousClock.now
        return state.withLock { $0.live(stored, now: now) != nil }
    }

    /// Adds `delta` to a stored integer: ``CacheError/keyNotFound(key:)`` when missing, ``CacheError/overflow(key:)`` past 64 bits.
    public func incr(_ key: String, by delta: Int, version: Int?) async throws(CacheError) -> Int {
        let stored = keys.make(key, version: version)
        let now = ContinuousClock.now
        let serializer = configuration.serializer
        let outcome: Result<Int, CacheError> = state.withLock { state in
            guard var entry = state.live(stored, now: now) else { return .failure(.keyNotFound(key: key)) }
            guard let current = try? serializer.decode(Int.self, from: entry.bytes) else { return .failure(.notAnInteger(key: key)) }
            let (sum, overflow) = current.addingReportingOverflow(delta)
            guard !overflow else { return .failure(.overflow(key: key)) }
            guard let bytes = try? serializer.encode(sum) else { return .failure(.notAnInteger(key: key)) }
            entry.bytes = bytes
            state.entries[stored] = entry
            return .success(sum)
        }
        return try outcome.get()
    }

    /// Gives a live entry a new expiry (a timeout of 0 removes it): `true` when it existed.
    public func touch(_ key: String, timeout: CacheTimeout, version: Int?) async throws(CacheError) -> Bool {
        let stored = keys.make(key, version: version)
        let expires = expiry(timeout)
        let now = ContinuousClock.now
        return state.withLock { state in
            guard var entry = state.live(stored, now: now) else { return false }
            entry.expires = expires
            state.entries[stored] = entry
            if let expires, expires <= now { state.entries[stored] = nil }
            return true
        }
    }

    /// Moves the entry to version + `delta` with the default timeout; `delta` 0 keeps it in place.
    public func incrVersion(_ key: String, by delta: Int, version: Int?) async throws(CacheError) -> Int {
        let current = version ?? configuration.version
        let (next, overflow) = current.addingReportingOverflow(delta)
        guard !overflow else { throw .overflow(key: key) }
        let old = keys.make(key, version: current)
        let new = keys.make(key, version: next)
        let expires = expiry(.default)
        let now = ContinuousClock.now
        let moved = state.withLock { state -> Bool in
            guard let entry = state.live(old, now: now) else { return false }
            state.entries[old] = nil
            store(new, entry.bytes, expires: expires, in: &state)
            return true
        }
        guard moved else { throw .keyNotFound(key: key) }
        return next
    }

    /// Removes every entry.
    public func clear() async throws(CacheError) {
        state.withLock { $0.entries.removeAll() }
    }

    /// Nothing to close: the entries live as long as the cache.
    public func close() async {}

    // MARK: Storage

    /// When an entry written now with `timeout` expires: `nil` never; now for 0 (Django
    /// stores it already expired).
    private func expiry(_ timeout: CacheTimeout) -> ContinuousClock.Instant? {
        timeout.seconds(default: configuration.defaultTimeout).map { ContinuousClock.now + .seconds($0) }
    }

    private func store(_ key: String, _ bytes: Data, expires: ContinuousClock.Instant?, in state: inout State) {
        if state.entries[key] == nil, state.entries.count >= maximumEntries { cull(&state) }
        state.entries[key] = Entry(bytes: bytes, expires: expires, lastUsed: state.tick())
    }

    /// Django's `_cull`: drop the least recently used `count / cullFrequency` entries.
    private func cull(_ state: inout State) {
        guard cullFrequency > 0 else {
            state.entries.removeAll()
            return
        }
        let count = max(1, state.entries.count / cullFrequency)
        let oldest = state.entries.sorted { $0.value.lastUsed < $1.value.lastUsed }.prefix(count)
        for (key, _) in oldest { state.entries[key] = nil }
    }

    private func encode<Value: Encodable>(_ value: Value, key: String) throws(CacheError) -> Data {
        try configuration.encode(value, key: key)
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from bytes: Data, key: String) throws(CacheError) -> Value {
        try configuration.decode(type, from: bytes, key: key)
    }
}
