/// Django's signatures with their defaults: `version` the cache's, `timeout` the default.
extension Cache {
    /// Two sequential reads: the default for backends without pipelining.
    public func get<First: Decodable & Sendable, Second: Decodable & Sendable>(
        _ first: String, as firstType: First.Type, _ second: String, as secondType: Second.Type, version: Int?
    ) async throws(CacheError) -> (First?, Second?) {
        let firstValue = try await get(first, as: firstType, version: version)
        let secondValue = try await get(second, as: secondType, version: version)
        return (firstValue, secondValue)
    }

    /// `false`: the cache throws when its backend is down, or has none to lose.
    public var failsOpen: Bool { false }

    /// Django's way: ``Cache/hasKey(_:version:)``, then ``Cache/set(_:_:timeout:version:)``
    /// if the key exists. Not atomic: the default for backends without a conditional write.
    public func update<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout, version: Int?) async throws(CacheError) -> Bool {
        guard try await hasKey(key, version: version) else { return false }
        try await set(key, value, timeout: timeout, version: version)
        return true
    }

    /// Stores `value` under `key` with the default timeout and version.
    public func set<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout = .default) async throws(CacheError) {
        try await set(key, value, timeout: timeout, version: nil)
    }

    /// The value under `key`, or `nil` on a miss.
    public func get<Value: Decodable & Sendable>(_ key: String, as type: Value.Type = Value.self) async throws(CacheError) -> Value? {
        try await get(key, as: type, version: nil)
    }

    /// The value under `key`, or `defaultValue` on a miss (Django's `get(key, default)`).
    public func get<Value: Decodable & Sendable>(_ key: String, default defaultValue: Value, version: Int? = nil) async throws(CacheError) -> Value {
        try await get(key, as: Value.self, version: version) ?? defaultValue
    }

    /// Stores `value` only if `key` is free; `true` if stored.
    public func add<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout = .default) async throws(CacheError) -> Bool {
        try await add(key, value, timeout: timeout, version: nil)
    }

    /// The value under `key`; on a miss, stores `makeDefault()` with `add` and returns what is
    /// stored then (another writer's value if it won the race), as Django's `get_or_set`.
    public func getOrSet<Value: Codable & Sendable>(
        _ key: String, timeout: CacheTimeout = .default, version: Int? = nil,
        default makeDefault: () async throws -> Value
    ) async throws -> Value {
        if let value = try await get(key, as: Value.self, version: version) { return value }
        let value = try await makeDefault()
        _ = try await add(key, value, timeout: timeout, version: version)
        return try await get(key, as: Value.self, version: version) ?? value
    }

    /// Stores every pair with the default timeout; returns the keys that failed.
    @discardableResult
    public func setMany<Value: Encodable & Sendable>(_ values: [String: Value], timeout: CacheTimeout = .default) async throws(CacheError) -> [String] {
        try await setMany(values, timeout: timeout, version: nil)
    }

    /// The values of the keys that exist.
    public func getMany<Value: Decodable & Sendable>(_ keys: [String], as type: Value.Type = Value.self) async throws(CacheError) -> [String: Value] {
        try await getMany(keys, as: type, version: nil)
    }

    /// Deletes `key`; `true` if something was deleted.
    @discardableResult
    public func delete(_ key: String) async throws(CacheError) -> Bool {
        try await delete(key, version: nil)
    }

    /// Deletes every key given.
    public func deleteMany(_ keys: [String]) async throws(CacheError) {
        try await deleteMany(keys, version: nil)
    }

    /// Whether `key` holds a value.
    public func hasKey(_ key: String) async throws(CacheError) -> Bool {
        try await hasKey(key, version: nil)
    }

    /// Adds `delta` (default 1) to the integer under `key`.
    @discardableResult
    public func incr(_ key: String, by delta: Int = 1) async throws(CacheError) -> Int {
        try await incr(key, by: delta, version: nil)
    }

    /// Subtracts `delta` (default 1) from the integer under `key`.
    @discardableResult
    public func decr(_ key: String, by delta: Int = 1, version: Int? = nil) async throws(CacheError) -> Int {
        guard delta != .min else { throw .overflow(key: key) }  // -Int.min does not exist
        return try await incr(key, by: -delta, version: version)
    }

    /// Sets a new timeout on `key` (default: the cache's); `true` if the key exists.
    @discardableResult
    public func touch(_ key: String, timeout: CacheTimeout = .default) async throws(CacheError) -> Bool {
        try await touch(key, timeout: timeout, version: nil)
    }

    /// Moves `key` to the next version; returns it.
    @discardableResult
    public func incrVersion(_ key: String, by delta: Int = 1) async throws(CacheError) -> Int {
        try await incrVersion(key, by: delta, version: nil)
    }

    /// Moves `key` to the previous version; returns it.
    @discardableResult
    public func decrVersion(_ key: String, by delta: Int = 1, version: Int? = nil) async throws(CacheError) -> Int {
        guard delta != .min else { throw .overflow(key: key) }
        return try await incrVersion(key, by: -delta, version: version)
    }
}
