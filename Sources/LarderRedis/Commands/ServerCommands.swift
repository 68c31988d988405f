import LarderRESP
// The connection and server commands the guide needs. Each is a small value; see RedisCommand.

/// `PING [message]`: answers `PONG`, or echoes the message.
public struct PING: RedisCommand {
    public typealias Response = String
    /// An optional message to echo back.
    public var message: String?
    /// Pings, with `message` to echo, or for `PONG`.
    public init(message: String? = nil) { self.message = message }
    public var name: String { "PING" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("PING", message) }
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
    public var name: String { "HELLO" }
    public func encode(into encoder: inout RESPCommandEncoder) {
        let auth: [String]? = password.map { ["AUTH", username ?? "default", $0] }
        let setName: [String]? = clientName.map { ["SETNAME", $0] }
        encoder.encodeCommand("HELLO", protocolVersion, auth, setName)
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
    public var name: String { "AUTH" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("AUTH", username, password) }
}

/// `SELECT index`: switches the connection's logical database.
public struct SELECT: RedisCommand {
    public typealias Response = String
    /// The database number, 0–15 on a default server.
    public var database: Int
    /// Switches to `database` (refused on pooled connections: choose it per pool).
    public init(database: Int) { self.database = database }
    public var name: String { "SELECT" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("SELECT", database) }
}

/// `CLIENT SETNAME name`: names the connection in `CLIENT LIST`.
public struct CLIENT_SETNAME: RedisCommand {
    public typealias Response = String
    /// The name shown by `CLIENT LIST`.
    public var clientName: String
    /// Names the connection `clientName`.
    public init(clientName: String) { self.clientName = clientName }
    public var name: String { "CLIENT SETNAME" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("CLIENT", "SETNAME", clientName) }
}

/// `CONFIG GET pattern...`: the server's live configuration, as parameter → value.
public struct CONFIG_GET: RedisCommand {
    public typealias Response = [String: String]
    /// Parameter names or glob patterns (`port`, `*socket*`).
    public var parameters: [String]
    /// Reads the live values of `parameters`.
    public init(_ parameters: [String]) { self.parameters = parameters }
    public var name: String { "CONFIG GET" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("CONFIG", "GET", parameters) }
}

/// `INFO [section...]`: server statistics, parsed into sections.
public struct INFO: RedisCommand {
    public typealias Response = RedisInfo
    /// The sections to read (`server`, `keyspace`...), or none for the default set.
    public var sections: [String]
    /// Reads `sections` of `INFO`.
    public init(_ sections: [String] = []) { self.sections = sections }
    public var name: String { "INFO" }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand("INFO", sections) }
}
