import LarderRedis
/// Keys as `SCAN` returned them from one cursor, and where to go on.
public struct KeyspaceScan: Hashable, Sendable {
    /// The keys, in the order of the replies (a key may repeat if the database shrank meanwhile).
    public var keys: [RedisKey]
    /// Where the next call starts; `"0"` when the scan is complete.
    public var nextCursor: String
    /// How many `SCAN` calls it took.
    public var scanCalls: Int
}
