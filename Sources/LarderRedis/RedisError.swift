import LarderRESP
/// Everything that can go wrong talking to Redis, each case with what a reader needs to fix it.
///
/// `description` is a complete sentence naming the problem and the next step, suitable to
/// print as is. The step is the general remedy ("start the Redis server", "set
/// `unixsocketperm 770` in the server's config"), true of any installation: an app that knows
/// how its Redis is set up (a script, a config path) adds that where it catches the error.
/// No case ever contains a password.
public enum RedisError: Error, Sendable {
    /// The configuration (a URL, `REDIS_URL`, a setting) is invalid; the text says why.
    case invalidConfiguration(String)
    /// No file exists at the socket path: Redis is not running, or listens elsewhere.
    case socketNotFound(path: String)
    /// The socket exists but this user may not connect to it.
    case permissionDenied(path: String, status: UnixSocketStatus?, user: UnixUser)
    /// Nothing accepts connections there: a TCP port with no server, or a stale socket file.
    case connectionRefused(RedisEndpoint)
    /// The connection or its handshake took longer than the configured connect timeout.
    case connectTimeout(RedisEndpoint, Duration)
    /// The peer answered, but not in RESP: it is not a Redis server.
    case notARedisServer(RedisEndpoint, detail: String)
    /// The server refused the credentials (or requires some and none were configured).
    case authenticationFailed(RedisEndpoint, RedisServerError)
    /// The server answered a command with an error reply.
    case server(RedisServerError)
    /// No reply arrived within the command timeout; the connection was closed.
    case commandTimeout(command: String, Duration)
    /// Not sent: a command to this server timed out a moment ago (`command`, after the
    /// `Duration`), so a ``RedisMultiplexer`` fails calls at once for a while rather than make
    /// each wait out its own timeout, and lets one call try the server again now and then.
    case unresponsive(RedisEndpoint, command: String, Duration)
    /// The connection closed (server shut down or restarted, network failure) before a reply.
    case connectionClosed(RedisEndpoint)
    /// The server sent bytes that are not valid RESP, or exceed the configured limits; the
    /// connection was closed.
    case protocolError(RedisEndpoint, RESPDecodeError)
    /// A reply had another shape than the command's response type.
    case unexpectedReply(command: String, RESPConversionError)
    /// Connecting failed for another reason, named by the operating system.
    case connectFailed(RedisEndpoint, reason: String)
    /// Every connection of the pool stayed busy for the whole wait timeout.
    case poolExhausted(waited: Duration, maximumConnections: Int)
    /// The pool was closed: it hands out no more connections.
    case poolClosed
    /// A command this client does not send: it would break the one-reply-per-command
    /// matching (`SUBSCRIBE`, `MONITOR`, `CLIENT REPLY`, `RESET`, ...) or change a pooled
    /// connection for its next user (`AUTH`). The payload names the command, its secrets
    /// written `<redacted>` (`AUTH <redacted>`).
    case unsupportedCommand(String)
    /// The calling task was cancelled while it waited: for a pooled connection, or for a reply.
    /// A command not yet written was not sent; one already written may have run on the server.
    case cancelled
    /// `SELECT` on a pooled connection: the next user of that connection would silently work
    /// in another database.
    case selectOnPooledConnection
    /// A command that changes the connection for the commands after it (`MULTI`, `WATCH`,
    /// `CLIENT SETNAME`, ...) sent where those commands may run on another connection, or where
    /// other callers' commands would run inside it: through a pool without a lease
    /// (`pool.send`, `pool.execute`), or through a multiplexer. The payload names the command.
    case requiresLease(command: String)
}

extension RedisError: CustomStringConvertible {
    public var description: String {
        switch self {
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
        }
    }
}
