/// Which of a Redis Cluster's 16384 hash slots a key belongs to, computed as the cluster
/// specification says: `CRC16(key) mod 16384`, with the XMODEM variant of CRC16 (polynomial
/// `0x1021`, initial value 0), over the key's hash tag when it has one.
///
/// A hash tag is the part between the first `{` and the first `}` after it, if that part is not
/// empty: `{user:42}:cart` and `{user:42}:profile` hash only `user:42`, so they land in the same
/// slot and one `MGET` may read both. `{}x` and `x{` have no tag and hash whole.
///
/// ```swift
/// RedisClusterSlot(key: "foo").value            // 12182, as CLUSTER KEYSLOT foo says
/// RedisClusterSlot(key: "{user:42}:cart") == RedisClusterSlot(key: "{user:42}:profile")  // true
/// ```
public struct RedisClusterSlot: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// How many slots a cluster has.
    public static let count = 16384

    /// The slot number, `0..<16384`.
    public let value: Int

    /// The slot `value`; `nil` outside `0..<16384`.
    public init?(_ value: Int) {
        guard (0..<Self.count).contains(value) else { return nil }
        self.value = value
    }

    /// The slot of `key`'s bytes (or of its hash tag).
    public init(key: RedisKey) {
        value = key.withBytes { Self.slot(of: $0) }
    }

    /// The slot of the UTF-8 bytes of `text`, as a key.
    public init(key text: String) {
        self.init(key: RedisKey(text))
    }

    /// The slot of raw key bytes: CRC16 of the hash tag, or of the whole key, mod 16384.
    static func slot(of bytes: UnsafeRawBufferPointer) -> Int {
        var hashed = bytes
        // Plain loops over the bytes: this runs for every command a cluster client sends, and
        // `firstIndex(of:)` over a slice of the buffer was measured at twice the CRC's cost.
        let count = bytes.count
        var open = 0
        while open < count && bytes[open] != UInt8(ascii: "{") { open += 1 }
        var close = open + 1
        while close < count && bytes[close] != UInt8(ascii: "}") { close += 1 }
        if close < count, close > open + 1 {
            hashed = UnsafeRawBufferPointer(rebasing: bytes[(open + 1)..<close])
        }
        return Int(crc16(hashed) & 0x3FFF)
    }

    /// CRC16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final xor.
    static func crc16(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
        }
        return crc
    }

    /// The CRC of every byte value, shifted in from the top: one lookup per key byte.
    private static let table: [UInt16] = (0..<256).map { byte in
        var crc = UInt16(byte) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    /// The number, e.g. `12182`.
    public var description: String { String(value) }
}
