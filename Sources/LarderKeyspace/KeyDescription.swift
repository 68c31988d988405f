import NIOCore
import LarderRedis
/// Everything the inspector shows about one key: `TYPE`, `PTTL`, `OBJECT ENCODING`,
/// `MEMORY USAGE`, its length, what wrote it, and its value decoded.
public struct KeyDescription: Hashable, Sendable {
    /// The key, as the bytes Redis holds.
    public var key: RedisKey
    /// The database it lives in.
    public var database: Int
    /// What wrote it, told from its name (and confirmed by its value for bare session keys).
    public var kind: KeyKind
    /// `string`, `list`, `hash`, `set`, `zset`, `stream`, or `none` when the key is gone.
    public var type: String
    /// The remaining time to live.
    public var ttl: TimeToLive
    /// How Redis stores it (`int`, `embstr`, `raw`, `listpack`...), `nil` when gone.
    public var encoding: String?
    /// Bytes the key and its value take in Redis's memory (`MEMORY USAGE`), `nil` when gone.
    public var memoryBytes: Int?
    /// A string's length in bytes, or a collection's number of elements.
    public var length: Int?
    /// The value, decoded where possible.
    public var value: KeyValue
    /// Whether only the first ``KeyspaceInspector/previewBytes`` of a longer string were read
    /// (such a value is shown raw).
    public var isTruncated: Bool

    /// The key's name, escaped for display (see ``DisplayText``), at most `limit` characters.
    public func name(limit: Int = 200) -> String {
        DisplayText.escaped(key, limit: limit)
    }

    /// The TTL as a reader says it: `899 s`, `1.5 s`, `no expiry`, `gone`.
    public var ttlText: String { ttl.text }
}

extension TimeToLive {
    /// `899 s` (whole seconds from 10 s up), `1.5 s`, `no expiry` or `gone`.
    public var text: String {
        switch self {
        case .missing: return "gone"
        case .persistent: return "no expiry"
        case .expires(let remaining):
            let milliseconds = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
            if milliseconds >= 10_000 { return "\(milliseconds / 1000) s" }
            return "\(milliseconds / 1000).\(milliseconds % 1000 / 100) s"
        }
    }
}
