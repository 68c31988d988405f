// Writes that wait for replicas (`WAIT`), for the session engines that keep sessions in the
// cache (chapter 08): a write acknowledged by a replica survives the primary's failover.

/// Which of the cache's single-key writes ``Cache/write(_:_:condition:timeout:version:acknowledgedBy:within:)``
/// makes.
public enum CacheWriteCondition: Sendable, Hashable {
    /// Whatever the key holds: ``Cache/set(_:_:timeout:version:)`` (`SET`).
    case always
    /// Only if the key holds nothing: ``Cache/add(_:_:timeout:version:)`` (`SET ... NX`).
    case ifAbsent
    /// Only if the key holds a value: ``Cache/update(_:_:timeout:version:)`` (`SET ... XX`).
    case ifPresent
}

/// What a write that waited for replicas did.
public struct CacheAcknowledgedWrite: Sendable, Hashable {
    /// Whether the value was stored: `false` when its ``CacheWriteCondition`` did not hold (or,
    /// on a cache that fails open, when its backend was down). ``CacheWriteCondition/always``
    /// stores unless the backend is down.
    public var stored: Bool
    /// How many replicas had the write when the wait ended (`WAIT`'s reply): `0` when none
    /// did in time, or when nothing was written.
    public var acknowledged: Int

    /// A write that stored (or not) and was acknowledged by `acknowledged` replicas.
    public init(stored: Bool, acknowledged: Int) {
        self.stored = stored
        self.acknowledged = acknowledged
    }
}

extension Cache {
    /// `false`: a cache has no replicas unless it says so.
    public var waitsForReplicas: Bool { false }

    /// Throws ``CacheError/invalidConfiguration(_:)``: a cache without replicas cannot wait
    /// for them, and a write that claimed a replica's acknowledgement without one would hide
    /// exactly the loss the caller asked to be told about.
    public func write<Value: Encodable & Sendable>(
        _ key: String, _ value: Value, condition: CacheWriteCondition, timeout: CacheTimeout, version: Int?,
        acknowledgedBy replicas: Int, within wait: Duration
    ) async throws(CacheError) -> CacheAcknowledgedWrite {
        throw .invalidConfiguration(
            "\(type(of: self)) cannot wait for replicas to acknowledge a write (it has none): wait only on a RedisCache whose Redis has replicas")
    }
}
