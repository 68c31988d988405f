import LarderCache
import Hummingbird

/// `RedisCache` as Hummingbird's key/value store, so that any Hummingbird component taking a
/// persist driver (sessions, rate limits, ...) keeps its data in this Redis, under the cache's
/// key names (`:1:<key>` by default) and with its connection pool.
///
/// ```swift
/// let cache = RedisCache(configuration: try CacheConfiguration(location: "unix:///var/run/redis/redis.sock?db=1"))
/// let app = Application(router: router, services: [cache])   // connects at start, closes at shutdown
/// ```
extension RedisCache: PersistDriver {
    /// Stores `value` if `key` is free (`SET NX`), or throws `PersistError.duplicate`.
    public func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        guard try await add(key, value, timeout: Self.timeout(expires)) else { throw PersistError.duplicate }
    }

    /// Stores `value`; with no `expires`, an existing key keeps its expiry (`SET KEEPTTL`), as
    /// the protocol asks.
    public func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        if let expires {
            try await set(key, value, timeout: Self.timeout(expires), version: nil)
        } else {
            try await replace(key, value)
        }
    }

    /// The value, `nil` on a miss, `PersistError.invalidConversion` when it is another type.
    public func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        do {
            return try await get(key, as: type, version: nil)
        } catch {
            if error.code == .undecodable { throw PersistError.invalidConversion }
            throw error
        }
    }

    /// The value and its remaining time to live (`GET` and `PTTL` in one round trip).
    public func getWithTTL<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        do {
            return try await getWithTTL(key, as: type).map { (object: $0.value, ttl: $0.ttl) }
        } catch {
            if error.code == .undecodable { throw PersistError.invalidConversion }
            throw error
        }
    }

    /// Deletes `key`.
    public func remove(key: String) async throws {
        _ = try await delete(key, version: nil)
    }

    /// Closes the cache's own pool.
    public func shutdown() async throws {
        await close()
    }

    /// Redis expires in whole seconds here: a fraction rounds up, so a value never expires
    /// before it was asked to.
    static func timeout(_ expires: Duration?) -> CacheTimeout {
        guard let expires else { return .never }
        let (seconds, attoseconds) = expires.components
        return .seconds(Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}
