import LarderRESP
/// Everything that can go wrong talking to Redis, each error with what a reader needs to fix it.
///
/// `description` is a complete sentence naming the problem and the next step, suitable to
/// print as is. The step is the general remedy ("start the Redis server", "set
/// `unixsocketperm 770` in the server's config"), true of any installation: an app that knows
/// how its Redis is set up (a script, a config path) adds that where it catches the error.
/// No error ever contains a password.
///
/// ``code`` says which problem it is, and the accessors (``endpoint``, ``serverError``,
/// ``command``...) return what the error carries. A struct rather than an enum so that new
/// codes (cluster redirections, TLS failures) can be added without breaking a caller's
/// `switch`, the shape of Hummingbird's `HTTPError` and valkey-swift's `ValkeyClientError`:
///
/// ```swift
/// do {
///     try await connection.send(SET("greeting", "hello"))
/// } catch {
///     if error.code == .server, error.serverError?.kind == .readOnly { ... }  // a replica
///     if error.code == .socketNotFound { print("start Redis at \(error.path ?? "")") }
/// }
/// ```
public struct RedisError: Error, Sendable {
    /// Which problem a ``RedisError`` is. New codes may be added in any release: compare with
    /// `==`, and give a `switch` over codes a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        // Internal, not public: outside the module a code is only its static members, so one
        // can be added without breaking anyone; inside, a `switch` over `base` stays exhaustive
        // and the compiler points at every place a new code must be handled.
        enum Base: String, Hashable, Sendable {
            case invalidConfiguration, socketNotFound, permissionDenied, connectionRefused, connectTimeout
            case notARedisServer, authenticationFailed, server, commandTimeout, unresponsive, connectionClosed
            case protocolError, unexpectedReply, connectFailed, poolExhausted, poolClosed, unsupportedCommand
            case cancelled, selectOnPooledConnection, requiresLease
            // MARK: Cluster
            case crossSlot, perNodeCommand, clusterRetriesExhausted, clusterTopologyUnavailable
        }

        let base: Base

        /// The configuration (a URL, `REDIS_URL`, a setting) is invalid; ``RedisError/detail`` says why.
        public static var invalidConfiguration: Self { Self(base: .invalidConfiguration) }
        /// No file exists at the socket ``RedisError/path``: Redis is not running, or listens elsewhere.
        public static var socketNotFound: Self { Self(base: .socketNotFound) }
        /// The socket at ``RedisError/path`` exists but this ``RedisError/user`` may not connect to it.
        public static var permissionDenied: Self { Self(base: .permissionDenied) }
        /// Nothing accepts connections at ``RedisError/endpoint``: a TCP port with no server, or a
        /// stale socket file.
        public static var connectionRefused: Self { Self(base: .connectionRefused) }
        /// The connection or its handshake took longer than the connect timeout (``RedisError/duration``).
        public static var connectTimeout: Self { Self(base: .connectTimeout) }
        /// The peer answered, but not in RESP: it is not a Redis server (``RedisError/detail`` says what it did).
        public static var notARedisServer: Self { Self(base: .notARedisServer) }
        /// The server refused the credentials, or requires some and none were configured
        /// (``RedisError/serverError`` is its reply).
        public static var authenticationFailed: Self { Self(base: .authenticationFailed) }
        /// The server answered a command with an error reply (``RedisError/serverError``).
        public static var server: Self { Self(base: .server) }
        /// No reply to ``RedisError/command`` arrived within the command timeout; the connection was closed.
        public static var commandTimeout: Self { Self(base: .commandTimeout) }
        /// Not sent: a command to this server timed out a moment ago, so a ``RedisMultiplexer``
        /// fails calls at once for a while rather than make each wait out its own timeout.
        public static var unresponsive: Self { Self(base: .unresponsive) }
        /// The connection closed (server shut down or restarted, network failure) before a reply.
        public static var connectionClosed: Self { Self(base: .connectionClosed) }
        /// The server sent bytes that are not valid RESP, or exceed the configured limits
        /// (``RedisError/decodeError``); the connection was closed.
        public static var protocolError: Self { Self(base: .protocolError) }
        /// A reply had another shape than the command's response type (``RedisError/conversionError``).
        public static var unexpectedReply: Self { Self(base: .unexpectedReply) }
        /// Connecting failed for another reason, named by the operating system (``RedisError/detail``).
        public static var connectFailed: Self { Self(base: .connectFailed) }
        /// Every connection of the pool stayed busy for the whole wait timeout.
        public static var poolExhausted: Self { Self(base: .poolExhausted) }
        /// The pool was closed: it hands out no more connections.
        public static var poolClosed: Self { Self(base: .poolClosed) }
        /// A command this client does not send (`SUBSCRIBE`, `MONITOR`, `AUTH`...).
        public static var unsupportedCommand: Self { Self(base: .unsupportedCommand) }
        /// The calling task was cancelled while it waited: for a pooled connection, or for a reply.
        public static var cancelled: Self { Self(base: .cancelled) }
        /// `SELECT` on a pooled connection.
        public static var selectOnPooledConnection: Self { Self(base: .selectOnPooledConnection) }
        /// A command that changes the connection for the commands after it, sent where those may
        /// run on another connection.
        public static var requiresLease: Self { Self(base: .requiresLease) }

        // MARK: Cluster
        /// A command whose keys are in several hash slots, which a cluster cannot run as one
        /// (``RedisError/slots`` lists them): only ``RedisSplittableCommand``s are split.
        public static var crossSlot: Self { Self(base: .crossSlot) }
        /// A command about one server's whole keyspace (`SCAN`, `DBSIZE`, `FLUSHDB`...) sent to a
        /// cluster client: send it to each of the cluster's primaries instead.
        public static var perNodeCommand: Self { Self(base: .perNodeCommand) }
        /// A cluster kept redirecting, refusing (`TRYAGAIN`, `CLUSTERDOWN`) or dropping a
        /// command until the client gave up; ``RedisError/slot``, ``RedisError/endpoint`` and
        /// ``RedisError/detail`` say where and what happened last.
        public static var clusterRetriesExhausted: Self { Self(base: .clusterRetriesExhausted) }
        /// No node of a cluster (seeds or known nodes) answered `CLUSTER SHARDS` with a usable
        /// slot table; ``RedisError/detail`` says why.
        public static var clusterTopologyUnavailable: Self { Self(base: .clusterTopologyUnavailable) }

        /// The code's name, e.g. `socketNotFound`.
        public var description: String { base.rawValue }
    }

    /// What the error carries, kept typed; the public accessors read it.
    private enum Payload: Sendable {
        case invalidConfiguration(String)
        case socketNotFound(path: String)
        case permissionDenied(path: String, status: UnixSocketStatus?, user: UnixUser)
        case connectionRefused(RedisEndpoint)
        case connectTimeout(RedisEndpoint, Duration)
        case notARedisServer(RedisEndpoint, detail: String)
        case authenticationFailed(RedisEndpoint, RedisServerError)
        case server(RedisServerError)
        case commandTimeout(command: String, Duration)
        case unresponsive(RedisEndpoint, command: String, Duration)
        case connectionClosed(RedisEndpoint)
        case protocolError(RedisEndpoint, RESPDecodeError)
        case unexpectedReply(command: String, RESPConversionError)
        case connectFailed(RedisEndpoint, reason: String)
        case poolExhausted(waited: Duration, maximumConnections: Int)
        case poolClosed
        case unsupportedCommand(String)
        case cancelled
        case selectOnPooledConnection
        case requiresLease(command: String)
        // MARK: Cluster
        case crossSlot(command: String, slots: [Int])
        case perNodeCommand(command: String)
        case clusterRetriesExhausted(command: String, slot: Int?, node: RedisEndpoint?, attempts: Int, last: String)
        case clusterTopologyUnavailable(tried: [RedisEndpoint], reason: String)
    }

    private let payload: Payload

    private init(_ payload: Payload) { self.payload = payload }

    // MARK: Creating errors (the names the enum this type replaced had)

    /// The configuration (a URL, `REDIS_URL`, a setting) is invalid; `text` says why.
    public static func invalidConfiguration(_ text: String) -> Self { Self(.invalidConfiguration(text)) }
    /// No file exists at the socket `path`: Redis is not running, or listens elsewhere.
    public static func socketNotFound(path: String) -> Self { Self(.socketNotFound(path: path)) }
    /// The socket at `path` (whose owner, group and mode are `status`, when they could be read)
    /// exists but `user` may not connect to it.
    public static func permissionDenied(path: String, status: UnixSocketStatus?, user: UnixUser) -> Self {
        Self(.permissionDenied(path: path, status: status, user: user))
    }
    /// Nothing accepts connections at `endpoint`: a TCP port with no server, or a stale socket file.
    public static func connectionRefused(_ endpoint: RedisEndpoint) -> Self { Self(.connectionRefused(endpoint)) }
    /// The connection to `endpoint` or its handshake took longer than `timeout`.
    public static func connectTimeout(_ endpoint: RedisEndpoint, _ timeout: Duration) -> Self {
        Self(.connectTimeout(endpoint, timeout))
    }
    /// The peer at `endpoint` answered, but not in RESP; `detail` says what it did.
    public static func notARedisServer(_ endpoint: RedisEndpoint, detail: String) -> Self {
        Self(.notARedisServer(endpoint, detail: detail))
    }
    /// The server at `endpoint` refused the credentials with `reply` (or requires some and none
    /// were configured).
    public static func authenticationFailed(_ endpoint: RedisEndpoint, _ reply: RedisServerError) -> Self {
        Self(.authenticationFailed(endpoint, reply))
    }
    /// The server answered a command with the error reply `reply`.
    public static func server(_ reply: RedisServerError) -> Self { Self(.server(reply)) }
    /// No reply to `command` arrived within `timeout`; the connection was closed.
    public static func commandTimeout(command: String, _ timeout: Duration) -> Self {
        Self(.commandTimeout(command: command, timeout))
    }
    /// Not sent: `command` to `endpoint` went without a reply for `timeout` a moment ago, so a
    /// ``RedisMultiplexer`` fails calls at once for a while rather than make each wait out its
    /// own timeout, and lets one call try the server again now and then.
    public static func unresponsive(_ endpoint: RedisEndpoint, command: String, _ timeout: Duration) -> Self {
        Self(.unresponsive(endpoint, command: command, timeout))
    }
    /// The connection to `endpoint` closed (server shut down or restarted, network failure)
    /// before a reply.
    public static func connectionClosed(_ endpoint: RedisEndpoint) -> Self { Self(.connectionClosed(endpoint)) }
    /// The server at `endpoint` sent bytes that are not valid RESP, or exceed the configured
    /// limits (`decodeError`); the connection was closed.
    public static func protocolError(_ endpoint: RedisEndpoint, _ decodeError: RESPDecodeError) -> Self {
        Self(.protocolError(endpoint, decodeError))
    }
    /// The reply to `command` had another shape than its response type.
    public static func unexpectedReply(command: String, _ conversionError: RESPConversionError) -> Self {
        Self(.unexpectedReply(command: command, conversionError))
    }
    /// Connecting to `endpoint` failed for another reason, named by the operating system.
    public static func connectFailed(_ endpoint: RedisEndpoint, reason: String) -> Self {
        Self(.connectFailed(endpoint, reason: reason))
    }
    /// Every one of the pool's `maximumConnections` stayed busy for the whole wait, `waited`.
    public static func poolExhausted(waited: Duration, maximumConnections: Int) -> Self {
        Self(.poolExhausted(waited: waited, maximumConnections: maximumConnections))
    }
    /// The pool was closed: it hands out no more connections.
    public static var poolClosed: Self { Self(.poolClosed) }
    /// A command this client does not send: it would break the one-reply-per-command
    /// matching (`SUBSCRIBE`, `MONITOR`, `CLIENT REPLY`, `RESET`, ...) or change a pooled
    /// connection for its next user (`AUTH`). `command` names it, its secrets written
    /// `<redacted>` (`AUTH <redacted>`).
    public static func unsupportedCommand(_ command: String) -> Self { Self(.unsupportedCommand(command)) }
    /// The calling task was cancelled while it waited: for a pooled connection, or for a reply.
    /// A command not yet written was not sent; one already written may have run on the server.
    public static var cancelled: Self { Self(.cancelled) }
    /// `SELECT` on a pooled connection: the next user of that connection would silently work
    /// in another database.
    public static var selectOnPooledConnection: Self { Self(.selectOnPooledConnection) }
    /// `command` changes the connection for the commands after it (`MULTI`, `WATCH`,
    /// `CLIENT SETNAME`, ...) and was sent where those commands may run on another connection,
    /// or where other callers' commands would run inside it: through a pool without a lease
    /// (`pool.send`, `pool.execute`), or through a multiplexer.
    public static func requiresLease(command: String) -> Self { Self(.requiresLease(command: command)) }

    // MARK: Creating cluster errors

    /// `command`'s keys are in the hash `slots` (more than one), and it cannot be split.
    public static func crossSlot(command: String, slots: [Int]) -> Self { Self(.crossSlot(command: command, slots: slots)) }
    /// `command` is about one server's whole keyspace and was sent to a cluster client.
    public static func perNodeCommand(_ command: String) -> Self { Self(.perNodeCommand(command: command)) }
    /// `command` for `slot` (`nil` for a keyless command) was tried `attempts` times, the last at
    /// `node`, and `last` is what happened then (a redirect, `TRYAGAIN`, `CLUSTERDOWN`, a
    /// connection failure).
    public static func clusterRetriesExhausted(command: String, slot: Int?, node: RedisEndpoint?, attempts: Int, last: String) -> Self {
        Self(.clusterRetriesExhausted(command: command, slot: slot, node: node, attempts: attempts, last: last))
    }
    /// None of the nodes `tried` gave a usable `CLUSTER SHARDS`; `reason` says why.
    public static func clusterTopologyUnavailable(tried: [RedisEndpoint], reason: String) -> Self {
        Self(.clusterTopologyUnavailable(tried: tried, reason: reason))
    }

    // MARK: What the error carries

    /// Which problem this is.
    public var code: Code {
        switch payload {
        case .invalidConfiguration: .invalidConfiguration
        case .socketNotFound: .socketNotFound
        case .permissionDenied: .permissionDenied
        case .connectionRefused: .connectionRefused
        case .connectTimeout: .connectTimeout
        case .notARedisServer: .notARedisServer
        case .authenticationFailed: .authenticationFailed
        case .server: .server
        case .commandTimeout: .commandTimeout
        case .unresponsive: .unresponsive
        case .connectionClosed: .connectionClosed
        case .protocolError: .protocolError
        case .unexpectedReply: .unexpectedReply
        case .connectFailed: .connectFailed
        case .poolExhausted: .poolExhausted
        case .poolClosed: .poolClosed
        case .unsupportedCommand: .unsupportedCommand
        case .cancelled: .cancelled
        case .selectOnPooledConnection: .selectOnPooledConnection
        case .requiresLease: .requiresLease
        case .crossSlot: .crossSlot
        case .perNodeCommand: .perNodeCommand
        case .clusterRetriesExhausted: .clusterRetriesExhausted
        case .clusterTopologyUnavailable: .clusterTopologyUnavailable
        }
    }

    /// The server the error is about: for ``Code/connectionRefused``, ``Code/connectTimeout``,
    /// ``Code/notARedisServer``, ``Code/authenticationFailed``, ``Code/unresponsive``,
    /// ``Code/connectionClosed``, ``Code/protocolError`` and ``Code/connectFailed``; `nil` for
    /// the others (``path`` names the socket of ``Code/socketNotFound`` and ``Code/permissionDenied``).
    public var endpoint: RedisEndpoint? {
        switch payload {
        case .connectionRefused(let endpoint), .connectTimeout(let endpoint, _), .notARedisServer(let endpoint, _),
            .authenticationFailed(let endpoint, _), .unresponsive(let endpoint, _, _), .connectionClosed(let endpoint),
            .protocolError(let endpoint, _), .connectFailed(let endpoint, _):
            endpoint
        case .clusterRetriesExhausted(_, _, let node, _, _): node
        default: nil
        }
    }

    /// The socket path of ``Code/socketNotFound`` and ``Code/permissionDenied``; `nil` for other codes.
    public var path: String? {
        switch payload {
        case .socketNotFound(let path), .permissionDenied(let path, _, _): path
        default: nil
        }
    }

    /// The owner, group and mode of the socket a ``Code/permissionDenied`` is about, when they
    /// could be read; `nil` for other codes.
    public var socketStatus: UnixSocketStatus? {
        if case .permissionDenied(_, let status, _) = payload { status } else { nil }
    }

    /// The user a ``Code/permissionDenied`` refused; `nil` for other codes.
    public var user: UnixUser? {
        if case .permissionDenied(_, _, let user) = payload { user } else { nil }
    }

    /// The server's error reply: the command's (``Code/server``) or the handshake's
    /// (``Code/authenticationFailed``); `nil` for other codes.
    public var serverError: RedisServerError? {
        switch payload {
        case .server(let reply), .authenticationFailed(_, let reply): reply
        default: nil
        }
    }

    /// The command the error is about, as it was named (secrets written `<redacted>`): for
    /// ``Code/commandTimeout``, ``Code/unresponsive``, ``Code/unexpectedReply``,
    /// ``Code/unsupportedCommand`` and ``Code/requiresLease``; `nil` for other codes.
    public var command: String? {
        switch payload {
        case .commandTimeout(let command, _), .unresponsive(_, let command, _), .unexpectedReply(let command, _),
            .unsupportedCommand(let command), .requiresLease(let command), .crossSlot(let command, _),
            .perNodeCommand(let command), .clusterRetriesExhausted(let command, _, _, _, _):
            command
        default: nil
        }
    }

    /// How long was waited: the connect timeout (``Code/connectTimeout``), the command timeout
    /// (``Code/commandTimeout``, and the one that made the server ``Code/unresponsive``), or the
    /// pool's wait (``Code/poolExhausted``); `nil` for other codes.
    public var duration: Duration? {
        switch payload {
        case .connectTimeout(_, let duration), .commandTimeout(_, let duration), .unresponsive(_, _, let duration),
            .poolExhausted(let duration, _):
            duration
        default: nil
        }
    }

    /// Why the bytes were not RESP (``Code/protocolError``); `nil` for other codes.
    public var decodeError: RESPDecodeError? {
        if case .protocolError(_, let error) = payload { error } else { nil }
    }

    /// Why the reply did not fit the response type (``Code/unexpectedReply``); `nil` for other codes.
    public var conversionError: RESPConversionError? {
        if case .unexpectedReply(_, let error) = payload { error } else { nil }
    }

    /// The explanation that comes with the error: what is wrong with the configuration
    /// (``Code/invalidConfiguration``), what the peer did (``Code/notARedisServer``), or the
    /// operating system's reason (``Code/connectFailed``); `nil` for other codes.
    public var detail: String? {
        switch payload {
        case .invalidConfiguration(let text), .notARedisServer(_, let text), .connectFailed(_, let text): text
        case .clusterRetriesExhausted(_, _, _, _, let text), .clusterTopologyUnavailable(_, let text): text
        default: nil
        }
    }

    /// The hash slots of a ``Code/crossSlot`` command; the slot of a
    /// ``Code/clusterRetriesExhausted`` one (none for a keyless command); `[]` for other codes.
    public var slots: [Int] {
        switch payload {
        case .crossSlot(_, let slots): slots
        case .clusterRetriesExhausted(_, let slot?, _, _, _): [slot]
        default: []
        }
    }

    /// The pool's connection limit (``Code/poolExhausted``); `nil` for other codes.
    public var maximumConnections: Int? {
        if case .poolExhausted(_, let maximum) = payload { maximum } else { nil }
    }
}

extension RedisError: CustomStringConvertible {
    /// A complete sentence naming the problem and the next step, suitable to print as is.
    public var description: String {
        switch payload {
        case .invalidConfiguration(let text):
            return "invalid Redis configuration: \(text)"
        case .socketNotFound(let path):
            return "no Redis socket at \(path): is Redis running? Start the Redis server, "
                + "or connect to the socket its config names (`unixsocket`)"
        case .permissionDenied(let path, let status, let user):
            var text = "permission denied connecting to \(path) as user '\(user.name)'"
            if let status {
                text += " (socket is \(status.modeString) \(status.owner):\(status.group))"
                // Connecting takes write permission: a group without it (750) gains nothing by joining.
                if status.permissions & 0o020 == 0 {
                    text += ": only its owner may connect. Set `unixsocketperm 770` in the server's config and restart it, "
                        + "so that members of group \(status.group) may connect too"
                } else if user.isMemberInGroupDatabase(of: status.groupID) {
                    // Joined the group after this process's login session started.
                    text += ": \(user.name) is in group \(status.group), but this process started before that. "
                        + "Run `newgrp \(status.group)` (or log in again) and start it from there"
                } else {
                    text += ": add yourself to its group with `sudo usermod -aG \(status.group) \(user.name)`, "
                        + "then run `newgrp \(status.group)` or log in again"
                }
            }
            return text
        case .connectionRefused(let endpoint):
            if case .unixSocket = endpoint {
                return "connection refused on \(endpoint): the socket file exists but no server listens on it "
                    + "(Redis stopped and left it behind?). Start the Redis server: it replaces the file"
            }
            return "connection refused at \(endpoint): no server listens there. Is Redis running, on this port? "
                + "A server with `port 0` listens on its Unix socket only"
        case .connectTimeout(let endpoint, let duration):
            return "no answer from \(endpoint) within \(duration): the server is overloaded, stopped (SIGSTOP) "
                + "or not a Redis server. Check `redis-cli -s <socket> ping`"
        case .notARedisServer(let endpoint, let detail):
            return "the server at \(endpoint) is not a Redis server: \(detail)"
        case .authenticationFailed(let endpoint, let error):
            if error.kind == .noAuth {
                return "\(endpoint) requires a password: add it to the URL (redis://:PASSWORD@host/db or ?password=...)"
            }
            return "\(endpoint) refused the credentials (\(error)): check the user name and password"
        case .server(let error):
            return error.description
        case .commandTimeout(let command, let duration):
            return "\(command) got no reply within \(duration); the connection was closed. "
                + "Is the server blocked (a slow KEYS, a SIGSTOP)? Raise commandTimeout if the command is slow by design"
        case .unresponsive(let endpoint, let command, let duration):
            return "not sent: \(endpoint) left a \(command) without a reply for \(duration) a moment ago, so calls fail at once "
                + "until one finds it answering again. Is the server stopped (SIGSTOP), swapping, or blocked by a slow command "
                + "(KEYS, a long script)? Raise commandTimeout if commands are slow by design"
        case .connectionClosed(let endpoint):
            return "the connection to \(endpoint) closed before the reply arrived (server stopped or restarted?)"
        case .protocolError(let endpoint, let error):
            return "invalid reply from \(endpoint): \(error). The connection was closed"
        case .unexpectedReply(let command, let error):
            return "\(command): \(error)"
        case .connectFailed(let endpoint, let reason):
            return "cannot connect to \(endpoint): \(reason)"
        case .poolExhausted(let waited, let maximum):
            return "all \(maximum) connections of the pool stayed busy for \(waited): raise maximumConnections, "
                + "or look for callers holding a connection too long (withConnection around slow work)"
        case .unsupportedCommand(let command):
            return "\(command) is not sent by this client: it changes how the server replies on the connection "
                + "(or, pooled, who the next user is), and replies are matched one for one. "
                + "Use a connection of its own for pub/sub or MONITOR; set credentials in the configuration"
        case .cancelled:
            return "the task was cancelled while it waited for a connection or a reply; "
                + "a command already sent may still have run on the server"
        case .poolClosed:
            return "the connection pool is closed: it was shut down before this command"
        case .selectOnPooledConnection:
            return "SELECT on a pooled connection would leak the database change to its next user: "
                + "choose the database per pool (RedisConfiguration.database, or ?db=N in the URL)"
        case .requiresLease(let command):
            return "\(command) changes the connection for the commands sent after it, so it needs a connection of "
                + "its own for them: send it and the commands that depend on it inside "
                + "`pool.withConnection { connection in ... }` (the pool undoes what is left open when the block ends), "
                + "or on a RedisConnection you opened"
        case .crossSlot(let command, let slots):
            let shown = slots.prefix(8).map(String.init).joined(separator: ", ") + (slots.count > 8 ? ", ..." : "")
            return "\(command) names keys in \(slots.count) hash slots (\(shown)), and a cluster runs a multi-key command "
                + "only within one slot: give the keys a common hash tag ({user:42}:a, {user:42}:b) so they share a slot"
        case .perNodeCommand(let command):
            return "\(command) works on one server's whole keyspace, and a cluster's keyspace is spread over its primaries: "
                + "send it to each of them (RedisClusterClient.primaries())"
        case .clusterRetriesExhausted(let command, let slot, let node, let attempts, let last):
            let place = slot.map { "slot \($0)" } ?? "a keyless command"
            return "\(command) (\(place)) gave up after \(attempts) attempts, the last at \(node.map { "\($0)" } ?? "no node"): "
                + "\(last). The cluster is failing over or resharding and did not settle in time; retry later, "
                + "or check `CLUSTER INFO` on a node"
        case .clusterTopologyUnavailable(let tried, let reason):
            let nodes = tried.map { "\($0)" }.joined(separator: ", ")
            return "no cluster node among \(nodes.isEmpty ? "(none)" : nodes) gave the slot table (CLUSTER SHARDS): \(reason). "
                + "Are these the addresses of cluster nodes, with cluster-enabled yes, and is the cluster up?"
        }
    }
}
