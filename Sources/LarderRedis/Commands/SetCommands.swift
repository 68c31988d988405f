import NIOCore
import LarderRESP
// Redis's set group. The library writes no set; the keyspace inspector reads the sets that
// another program sharing the server wrote.

/// `SCARD key`: the number of members of the value under `key`, 0 when the key does not exist.
public struct SCARD: ReadOnlyCommand {
    public typealias Response = Int
    public static var name: RedisCommandName { "SCARD" }
    /// The key measured.
    public var key: RedisKey
    /// Counts the members of `key`'s value.
    public init(_ key: RedisKey) { self.key = key }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key) }
}

/// `SSCAN key cursor [MATCH pattern] [COUNT n]`: one page of the members of the value under
/// `key` and the next cursor, as `[cursor, [item...]]`, read raw.
public struct SSCAN: ReadOnlyCommand {
    public typealias Response = RESPToken
    public static var name: RedisCommandName { "SSCAN" }
    /// The key read.
    public var key: RedisKey
    /// Where to continue: `"0"` to start, then the cursor of the previous page.
    public var cursor: String
    /// A glob pattern the items must match, or `nil` for every item.
    public var match: String?
    /// A hint of how many items to look at per call (Redis's default is 10).
    public var count: Int?
    /// One page of `key`'s members from `cursor`.
    public init(_ key: RedisKey, cursor: String = "0", match: String? = nil, count: Int? = nil) {
        self.key = key
        self.cursor = cursor
        self.match = match
        self.count = count
    }
    public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
    public func encode(into encoder: inout RESPCommandEncoder) {
        let matchArguments: [String]? = match.map { ["MATCH", $0] }
        let countArguments: [String]? = count.map { ["COUNT", String($0)] }
        encoder.encodeCommand(Self.name, key, cursor, matchArguments, countArguments)
    }
}
