import LarderRESP
// Redis's server group: the server's configuration, statistics, and the database as a whole.

/// `CONFIG` subcommands, e.g. ``CONFIG/GET``.
public enum CONFIG {
    /// `CONFIG GET pattern...`: the server's live configuration, as parameter → value.
    public struct GET: ReadOnlyCommand {
        public typealias Response = [String: String]
        public static var name: RedisCommandName { RedisCommandName("CONFIG", subcommand: "GET") }
        /// Redis does not flag `CONFIG GET` `readonly`: it reads no key (it changes nothing either).
        public static var isReadOnly: Bool { false }
        /// Parameter names or glob patterns (`port`, `*socket*`).
        public var parameters: [String]
        /// Reads the live values of `parameters`.
        public init(_ parameters: [String]) { self.parameters = parameters }
        public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, parameters) }
    }
}

/// `INFO [section...]`: server statistics, parsed into sections.
public struct INFO: ReadOnlyCommand {
    public typealias Response = RedisInfo
    public static var name: RedisCommandName { "INFO" }
    /// Redis does not flag `INFO` `readonly`: it reads no key (it changes nothing either).
    public static var isReadOnly: Bool { false }
    /// The sections to read (`server`, `keyspace`...), or none for the default set.
    public var sections: [String]
    /// Reads `sections` of `INFO`.
    public init(_ sections: [String] = []) { self.sections = sections }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, sections) }
}

/// `MEMORY` subcommands, e.g. ``MEMORY/USAGE``.
public enum MEMORY {
    /// `MEMORY USAGE key`: bytes the key and its value take, or `nil` when it does not exist.
    public struct USAGE: ReadOnlyCommand {
        public typealias Response = Int?
        public static var name: RedisCommandName { RedisCommandName("MEMORY", subcommand: "USAGE") }
        /// The key described.
        public var key: RedisKey
        /// Describes `key`.
        public init(_ key: RedisKey) { self.key = key }
        public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
        public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key) }
    }
}

/// `DBSIZE`: the number of keys in the connection's database.
public struct DBSIZE: ReadOnlyCommand {
    public typealias Response = Int
    public static var name: RedisCommandName { "DBSIZE" }
    /// Counts the keys of the connection's database.
    public init() {}
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name) }
}

/// `FLUSHDB`: deletes every key of the connection's database. Destroys data: the guide only
/// sends it to servers it started, or when the reader asks for exactly that (`cache.clear()`).
public struct FLUSHDB: RedisCommand {
    public typealias Response = String
    public static var name: RedisCommandName { "FLUSHDB" }
    /// Deletes every key of the connection's database.
    public init() {}
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name) }
}
