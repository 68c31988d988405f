import LarderRedis
// One operation beyond Django's API, for the session engines (chapter 05): replace a value
// only while its key exists. Django's cache session backend does `get` then `set` (the
// protocol's default); one `SET ... XX EX` is the same rule in one atomic round trip.
extension RedisCache {
    /// Stores `value` under `key` only if the key exists (`SET key value XX EX timeout`);
    /// `false` when it does not (nothing is written then). ``Cache/update(_:_:timeout:version:)``
    /// in one atomic round trip.
    public func update<Value: Encodable & Sendable>(_ key: String, _ value: Value, timeout: CacheTimeout, version: Int? = nil) async throws(CacheError) -> Bool {
        let stored = RedisKey(keys.make(key, version: version))
        let bytes = try encode(value, key: key)
        let seconds = timeout.seconds(default: configuration.defaultTimeout)
        return try await backend(orIfDown: false, writes: true) { () throws(RedisError) in
            switch seconds {
            case nil: return try await client.send(SET(stored, bytes, condition: .ifExists)).stored
            case 0?: return try await client.send(DEL([stored])) > 0
            case let seconds?: return try await client.send(SET(stored, bytes, condition: .ifExists, expiration: .seconds(seconds))).stored
            }
        }
    }
}
