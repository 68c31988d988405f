import LarderRESP
// Redis's connection group: the commands that set up, authenticate and name a connection.
// Each is a small value; see RedisCommand.

/// `PING [message]`: answers `PONG`, or echoes the message.
public struct PING: ReadOnlyCommand {
    public typealias Response = String
    public static var name: RedisCommandName { "PING" }
    /// Redis does not flag `PING` `readonly`: it reads no key (it changes nothing either).
    public static var isReadOnly: Bool { false }
    /// An optional message to echo back.
    public var message: String?
    /// Pings, with `message` to echo, or for `PONG`.
    public init(message: String? = nil) { self.message = message }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, message) }
}

/// `HELLO protover [AUTH user pass] [SETNAME name]`: switches protocol, authenticates, names the
/// connection, and answers a map describing the server.
public struct HELLO: RedisCommand {
    public typealias Response = RESPToken
    /// The RESP version asked for: 2 or 3.
    public var protocolVersion: Int
    /// The ACL user to authenticate as (`default` when only a password is given).
    public var username: String?
    /// The password, or `nil` to skip authentication.
    public var password: String?
    /// The connection's name, or `nil` to leave it unnamed.
    public var clientName: String?
    /// Switches to `protocolVersion`, authenticating and naming the connection if asked.
    public init(protocolVersion: Int, username: String? = nil, password: String? = nil, clientName: String? = nil) {
        self.protocolVersion = protocolVersion
        self.username = username
        self.password = password
        self.clientName = clientName
    }
    public static var name: RedisCommandName { "HELLO" }
    public func encode(into encoder: inout RESPCommandEncoder) {
        let auth: [String]? = password.map { ["AUTH", username ?? "default", $0] }
        let setName: [String]? = clientName.map { ["SETNAME", $0] }
        encoder.encodeCommand(Self.name, protocolVersion, auth, setName)
    }
}

/// `AUTH [user] password` (RESP2 servers; RESP3 authenticates in `HELLO`).
public struct AUTH: RedisCommand {
    public typealias Response = String
    /// The ACL user, or `nil` for `default`.
    public var username: String?
    /// The password.
    public var password: String
    /// Authenticates as `username` (or `default`) with `password`.
    public init(username: String? = nil, password: String) {
        self.username = username
        self.password = password
    }
    public static var name: RedisCommandName { "AUTH" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, username, password) }
}

/// `SELECT index`: switches the connection's logical database.
public struct SELECT: RedisCommand {
    public typealias Response = String
    /// The database number, 0–15 on a default server.
    public var database: Int
    /// Switches to `database` (refused on pooled connections: choose it per pool).
    public init(database: Int) { self.database = database }
    public static var name: RedisCommandName { "SELECT" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, database) }
}

/// `CLIENT` subcommands, e.g. ``CLIENT/SETNAME``.
public enum CLIENT {
    /// `CLIENT SETNAME name`: names the connection in `CLIENT LIST`.
    public struct SETNAME: RedisCommand {
        public typealias Response = String
        public static var name: RedisCommandName { RedisCommandName("CLIENT", subcommand: "SETNAME") }
        /// The name shown by `CLIENT LIST`.
        public var clientName: String
        /// Names the connection `clientName`.
        public init(clientName: String) { self.clientName = clientName }
        public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, clientName) }
    }
}
