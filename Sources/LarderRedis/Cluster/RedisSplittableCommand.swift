import NIOCore
import LarderRESP
/// A multi-key command that means the same sent as several commands over parts of its keys:
/// `MGET`, `MSET`, `DEL`, `UNLINK`, `EXISTS`. A cluster answers a multi-key command only if
/// every key is in one hash slot (otherwise `CROSSSLOT`); ``RedisClusterClient`` splits such
/// a command by slot, sends the parts to their nodes together, and puts the replies back
/// together as the whole command's reply, in the caller's order.
///
/// What is lost in the split is atomicity across slots: an `MSET` over three slots is three
/// `MSET`s, which another client may see half done. Keys that must change together share a
/// hash tag (`{cart:42}:items`, `{cart:42}:total`), and then no split happens.
public protocol RedisSplittableCommand: RedisCommand {
    /// The same command over the keys at `positions` of ``RedisCommand/keysAffected`` (in that
    /// order), with their values where the command has any.
    func part(keysAt positions: [Int]) -> Self
    /// The reply the whole command would have had, from the replies of its parts: `parts[i]`
    /// answered the keys at `positions[i]`; `keyCount` keys in all.
    static func combine(_ parts: [Response], positions: [[Int]], keyCount: Int) -> Response
}

extension MGET: RedisSplittableCommand {
    /// `MGET` of the keys at `positions`.
    public func part(keysAt positions: [Int]) -> MGET { MGET(positions.map { keys[$0] }) }
    /// Each part's values put back at their keys' places.
    public static func combine(_ parts: [[ByteBuffer?]], positions: [[Int]], keyCount: Int) -> [ByteBuffer?] {
        var values = [ByteBuffer?](repeating: nil, count: keyCount)
        for (part, places) in zip(parts, positions) {
            for (value, place) in zip(part, places) { values[place] = value }
        }
        return values
    }
}

extension MSET: RedisSplittableCommand {
    /// `MSET` of the pairs at `positions`.
    public func part(keysAt positions: [Int]) -> MSET { MSET(positions.map { pairs[$0] }) }
    /// `OK`: every part said so (a failed part fails the whole call before this).
    public static func combine(_ parts: [String], positions: [[Int]], keyCount: Int) -> String { parts.first ?? "OK" }
}

extension DEL: RedisSplittableCommand {
    /// `DEL` of the keys at `positions`.
    public func part(keysAt positions: [Int]) -> DEL { DEL(positions.map { keys[$0] }) }
    /// The keys deleted by every part.
    public static func combine(_ parts: [Int], positions: [[Int]], keyCount: Int) -> Int { parts.reduce(0, +) }
}

extension UNLINK: RedisSplittableCommand {
    /// `UNLINK` of the keys at `positions`.
    public func part(keysAt positions: [Int]) -> UNLINK { UNLINK(positions.map { keys[$0] }) }
    /// The keys unlinked by every part.
    public static func combine(_ parts: [Int], positions: [[Int]], keyCount: Int) -> Int { parts.reduce(0, +) }
}

extension EXISTS: RedisSplittableCommand {
    /// `EXISTS` of the keys at `positions`.
    public func part(keysAt positions: [Int]) -> EXISTS { EXISTS(positions.map { keys[$0] }) }
    /// The keys found by every part (a key named twice counts twice, as in one `EXISTS`).
    public static func combine(_ parts: [Int], positions: [[Int]], keyCount: Int) -> Int { parts.reduce(0, +) }
}
