import NIOCore
import LarderRESP
// Commands that describe the keyspace (chapter 06): what is there, of which type, how big,
// until when. All read-only except FLUSHDB.

/// `SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]`: one page of keys and the next cursor
/// (0 when the iteration is complete). Use ``RedisClient/scan(match:count:type:)`` to iterate.
public struct SCAN: RedisCommand {
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
    public var name: String { "SCAN" }
    public func encode(into encoder: inout RESPCommandEncoder) {
        let matchArguments: [String]? = match.map { ["MATCH", $0] }
        let countArguments: [String]? = count.map { ["COUNT", String($0)] }
        let typeArguments: [String]? = type.map { ["TYPE", $0] }
        encoder.encodeCommand("SCAN", cursor, matchArguments, countArguments, typeArguments)
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
public struct KEYS: RedisCommand {
    public typealias Response = [ByteBuffer]
    /// A glob pattern, `*` for every key.
    public var pattern: String
    /// Every key matching `pattern`.
    public init(_ pattern: String = "*") { self.pattern = pattern }
    public var name: String { "KEYS" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("KEYS", pattern) }
}

/// `TYPE key`: `string`, `list`, `set`, `zset`, `hash`, `stream`, or `none`.
public struct TYPE: RedisCommand {
    public typealias Response = String
    /// The key described.
    public var key: RedisKey
    /// Describes `key`.
    public init(_ key: RedisKey) { self.key = key }
    public var name: String { "TYPE" }
    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("TYPE", key) }
}

/// `OBJECT ENCODING key`: how Redis stores the value (`int`, `embstr`, `raw`, `listpack`...),
/// or `nil` when the key does not exist.
public struct OBJECT_ENCODING: RedisCommand {
    public typealias Response = String?
    /// The key described.
    public var key: RedisKey
    /// Describes `key`.
    public init(_ key: RedisKey) { self.key = key }
    public var name: String { "OBJECT ENCODING" }
    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("OBJECT", "ENCODING", key) }
}

/// `MEMORY USAGE key`: bytes the key and its value take, or `nil` when it does not exist.
public struct MEMORY_USAGE: RedisCommand {
    public typealias Response = Int?
    /// The key described.
    public var key: RedisKey
    /// Describes `key`.
    public init(_ key: RedisKey) { self.key = key }
    public var name: String { "MEMORY USAGE" }
    public var keys: [RedisKey] { [key] }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("MEMORY", "USAGE", key) }
}

/// `DBSIZE`: the number of keys in the connection's database.
public struct DBSIZE: RedisCommand {
    public typealias Response = Int
    /// Counts the keys of the connection's database.
    public init() {}
    public var name: String { "DBSIZE" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("DBSIZE") }
}

/// `FLUSHDB`: deletes every key of the connection's database. Destroys data: the guide only
/// sends it to servers it started, or when the reader asks for exactly that (`cache.clear()`).
public struct FLUSHDB: RedisCommand {
    public typealias Response = String
    /// Deletes every key of the connection's database.
    public init() {}
    public var name: String { "FLUSHDB" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("FLUSHDB") }
}
