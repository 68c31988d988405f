import NIOCore
import LarderRESP
// Redis's generic group: commands on keys whatever their type: which exist, of which type,
// until when, and deleting them (chapter 06 describes the keyspace with them).

/// `SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]`: one page of keys and the next cursor
/// (0 when the iteration is complete). Use ``RedisClient/scan(match:count:type:)`` to iterate.
public struct SCAN: ReadOnlyCommand {
    public typealias Response = ScanPage
    /// Where to continue: `"0"` to start, then the cursor of the previous page.
    public var cursor: String
    /// A glob pattern (`:1:*`), or `nil` for every key.
    public var match: String?
    /// A hint of how many keys to look at per call (Redis's default is 10).
    public var count: Int?
    /// Only keys of this type (`string`, `hash`...), or `nil` for all.
    public var type: String?
    /// One page of a scan from `cursor`.
    public init(cursor: String, match: String? = nil, count: Int? = nil, type: String? = nil) {
        self.cursor = cursor
        self.match = match
        self.count = count
        self.type = type
    }
    public static var name: RedisCommandName { "SCAN" }
    public func encode(into encoder: inout RESPCommandEncoder) {
        let matchArguments: [String]? = match.map { ["MATCH", $0] }
        let countArguments: [String]? = count.map { ["COUNT", String($0)] }
        let typeArguments: [String]? = type.map { ["TYPE", $0] }
        encoder.encodeCommand(Self.name, cursor, matchArguments, countArguments, typeArguments)
    }
}

/// One page of a `SCAN`.
public struct ScanPage: RESPTokenDecodable, Sendable, Hashable {
    /// The cursor for the next page; `"0"` when the scan is complete.
    public let cursor: String
    /// The keys of this page (a key may appear on more than one page, as Redis documents).
    public let keys: [RedisKey]

    /// Reads `[cursor, [key...]]`.
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        guard case .array(let parts) = token.value, parts.count == 2 else {
            throw RESPConversionError(expected: "a SCAN page [cursor, keys]", token: token)
        }
        var iterator = parts.makeIterator()
        cursor = try String(fromRESP: iterator.next()!)
        keys = try [ByteBuffer](fromRESP: iterator.next()!).map(RedisKey.init)
    }
}

/// `KEYS pattern`: every matching key at once. O(N) and blocks the server while it runs:
/// use ``SCAN`` on a keyspace of any size.
public struct KEYS: ReadOnlyCommand {
    public typealias Response = [ByteBuffer]
    /// A glob pattern, `*` for every key.
    public var pattern: String
    /// Every key matching `pattern`.
    public init(_ pattern: String = "*") { self.pattern = pattern }
    public static var name: RedisCommandName { "KEYS" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, pattern) }
}

/// `TYPE key`: `string`, `list`, `set`, `zset`, `hash`, `stream`, or `none`.
public struct TYPE: ReadOnlyCommand {
    public typealias Response = String
    /// The key described.
    public var key: RedisKey
    /// Describes `key`.
    public init(_ key: RedisKey) { self.key = key }
    public static var name: RedisCommandName { "TYPE" }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key) }
}

/// `OBJECT` subcommands, e.g. ``OBJECT/ENCODING``.
public enum OBJECT {
    /// `OBJECT ENCODING key`: how Redis stores the value (`int`, `embstr`, `raw`, `listpack`...),
    /// or `nil` when the key does not exist.
    public struct ENCODING: ReadOnlyCommand {
        public typealias Response = String?
        public static var name: RedisCommandName { RedisCommandName("OBJECT", subcommand: "ENCODING") }
        /// The key described.
        public var key: RedisKey
        /// Describes `key`.
        public init(_ key: RedisKey) { self.key = key }
        public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
        public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key) }
    }
}

/// `DEL key...`: how many keys were deleted.
public struct DEL: RedisCommand {
    public typealias Response = Int
    /// The keys to delete.
    public var keys: [RedisKey]
    /// Deletes `keys`.
    public init(_ keys: [RedisKey]) { self.keys = keys }
    public static var name: RedisCommandName { "DEL" }
    public var keysAffected: [RedisKey] { keys }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, keys) }
}

/// `UNLINK key...`: deletes the keys as `DEL` does and returns how many existed, but frees
/// their memory in the background: a big value does not block the server.
public struct UNLINK: RedisCommand {
    public typealias Response = Int
    /// The keys to delete.
    public var keys: [RedisKey]
    /// Deletes `keys`.
    public init(_ keys: [RedisKey]) { self.keys = keys }
    public static var name: RedisCommandName { "UNLINK" }
    public var keysAffected: [RedisKey] { keys }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, keys) }
}

/// `EXISTS key...`: how many of the keys exist.
public struct EXISTS: ReadOnlyCommand {
    public typealias Response = Int
    /// The keys to look for.
    public var keys: [RedisKey]
    /// Counts which of `keys` exist.
    public init(_ keys: [RedisKey]) { self.keys = keys }
    public static var name: RedisCommandName { "EXISTS" }
    public var keysAffected: [RedisKey] { keys }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, keys) }
}

/// `PEXPIRE key milliseconds`: `true` if the key exists. A timeout of zero (or less) deletes
/// the key; a fraction of a millisecond rounds up, so a key never expires early; a timeout
/// beyond what Redis accepts is capped at `Int64.max` milliseconds.
public struct PEXPIRE: RedisCommand {
    public typealias Response = Bool
    /// The key to expire.
    public var key: RedisKey
    /// How long from now until the key expires.
    public var timeout: Duration
    /// Expire `key` after `timeout`.
    public init(_ key: RedisKey, after timeout: Duration) {
        self.key = key
        self.timeout = timeout
    }
    public static var name: RedisCommandName { "PEXPIRE" }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) {
        encoder.encodeCommand(Self.name, key, Self.milliseconds(timeout))
    }

    /// `timeout` in whole milliseconds, rounded up, without overflowing.
    static func milliseconds(_ timeout: Duration) -> Int {
        let (seconds, attoseconds) = timeout.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int.max }
        let fraction = attoseconds / 1_000_000_000_000_000 + (attoseconds % 1_000_000_000_000_000 > 0 ? 1 : 0)
        let (total, overflow2) = whole.addingReportingOverflow(fraction)
        return overflow2 ? Int.max : Int(total)
    }
}

/// `PERSIST key`: removes the expiry; `true` if the key had one.
public struct PERSIST: RedisCommand {
    public typealias Response = Bool
    /// The key whose expiry is removed.
    public var key: RedisKey
    /// Makes `key` persistent.
    public init(_ key: RedisKey) { self.key = key }
    public static var name: RedisCommandName { "PERSIST" }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key) }
}

/// `PTTL key`: the remaining time to live.
public struct PTTL: ReadOnlyCommand {
    public typealias Response = TimeToLive
    /// The key to ask about.
    public var key: RedisKey
    /// Reads `key`'s remaining time to live.
    public init(_ key: RedisKey) { self.key = key }
    public static var name: RedisCommandName { "PTTL" }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key) }
}
