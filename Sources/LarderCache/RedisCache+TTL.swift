import NIOCore
import LarderRedis
// Operations beyond Django's API that other storage protocols need (Hummingbird's
// PersistDriver): keep a key's expiry on overwrite, read a value with its remaining TTL.
extension RedisCache {
    /// Stores `value` under `key`, keeping the key's current expiry if it has one
    /// (`SET ... KEEPTTL`); a new key never expires.
    public func replace<Value: Encodable & Sendable>(_ key: String, _ value: Value, version: Int? = nil) async throws(CacheError) {
        let stored = RedisKey(keys.make(key, version: version))
        let bytes = try encode(value, key: key)
        try await backend(orIfDown: (), writes: true) { () throws(RedisError) in
            _ = try await client.send(SET(stored, bytes, expiration: .keepTTL))
        }
    }

    /// The value under `key` and its remaining time to live (`nil` when it never expires),
    /// or `nil` on a miss. `GET` and `PTTL` go in one pipeline.
    public func getWithTTL<Value: Decodable & Sendable>(_ key: String, as type: Value.Type, version: Int? = nil) async throws(CacheError) -> (value: Value, ttl: Duration?)? {
        let stored = RedisKey(keys.make(key, version: version))
        let (bytes, ttl) = try await backend(orIfDown: (nil, .missing)) { () throws(RedisError) -> (ByteBuffer?, TimeToLive) in
            let (bytes, ttl) = await client.execute(GET(stored), PTTL(stored))
            return (try bytes.get(), try ttl.get())
        }
        guard let bytes else { return nil }
        let value = try decode(type, from: bytes, key: key)
        switch ttl {
        case .expires(let remaining): return (value, remaining)
        case .persistent, .missing: return (value, nil)
        }
    }
}
