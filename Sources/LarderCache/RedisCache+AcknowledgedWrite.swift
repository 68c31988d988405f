import NIOCore
import LarderRedis
// A write and its `WAIT` in one pipeline on one connection, through
// `RedisClient.execute(_:followedBy:)`: on a cluster that is the connection to the node that
// took the write, where a plain two-command `execute` would send the keyless `WAIT` elsewhere.
extension RedisCache {
    /// `true`: ``write(_:_:condition:timeout:version:acknowledgedBy:within:)`` sends `WAIT`.
    public var waitsForReplicas: Bool { true }

    /// The write ``set(_:_:timeout:version:)``, ``add(_:_:timeout:version:)`` or
    /// ``update(_:_:timeout:version:)`` sends (`SET`, `SET ... NX`, `SET ... XX`, with `EX` as
    /// the timeout says), then `WAIT replicas wait` behind it on the same connection, in one
    /// write: one round trip, plus however long the replicas take (at most `wait`).
    ///
    /// A timeout of zero deletes the key as those methods do (`ifAbsent`: stored, then
    /// deleted, when the key was free), the `DEL` waited for. `stored` then says whether the
    /// write would have stored.
    ///
    /// - Throws: ``CacheError/backend(_:)`` when Redis fails the write or the `WAIT` (on a
    ///   cache that fails closed; one that fails open answers `stored: false`), or
    ///   ``CacheError/unencodable(key:type:reason:)``.
    public func write<Value: Encodable & Sendable>(
        _ key: String, _ value: Value, condition: CacheWriteCondition, timeout: CacheTimeout, version: Int?,
        acknowledgedBy replicas: Int, within wait: Duration
    ) async throws(CacheError) -> CacheAcknowledgedWrite {
        let stored = RedisKey(keys.make(key, version: version))
        let bytes = try encode(value, key: key)
        let seconds = timeout.seconds(default: configuration.defaultTimeout)
        let waiting = WAIT(replicas: replicas, timeout: wait)
        let setCondition: SET<ByteBuffer>.Condition? =
            switch condition {
            case .always: nil
            case .ifAbsent: .ifNotExists
            case .ifPresent: .ifExists
            }
        return try await backend(orIfDown: CacheAcknowledgedWrite(stored: false, acknowledged: 0), writes: true) { () throws(RedisError) in
            guard seconds == 0 else {
                let write = SET(stored, bytes, condition: setCondition, expiration: seconds.map { .seconds($0) })
                let (set, acknowledged) = await client.execute(write, followedBy: waiting)
                return CacheAcknowledgedWrite(stored: try set.get().stored, acknowledged: try acknowledged.get())
            }
            // A timeout of 0 stores nothing: the key is deleted, and the delete waited for.
            var wouldStore = true
            if condition == .ifAbsent {
                wouldStore = try await client.send(SET(stored, bytes, condition: .ifNotExists)).stored
            }
            let (deleted, acknowledged) = await client.execute(DEL([stored]), followedBy: waiting)
            if condition == .ifPresent { wouldStore = try deleted.get() > 0 } else { _ = try deleted.get() }
            return CacheAcknowledgedWrite(stored: wouldStore, acknowledged: try acknowledged.get())
        }
    }
}
