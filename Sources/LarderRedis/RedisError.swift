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
            // MARK: TLS (issue #16)
            case tlsUntrustedCertificate, tlsHostnameMismatch, tlsCertificateExpired, tlsClientCertificateRequired
            case tlsPlainTextServer, tlsHandshakeFailed, tlsFileUnreadable, closedBeforeReply
            // MARK: Sentinel
            case sentinelsUnreachable, sentinelAuthenticationFailed, primaryNameUnknown, notAPrimary, primaryUnreachable
            case noReplicaAvailable, replicationNotAcknowledged
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

        // MARK: TLS (issue #16)

        /// The server's certificate does not lead to a CA this client trusts: signed by another
        /// CA, or self-signed (``RedisError/endpoint``, ``RedisError/detail`` names the certificate).
        public static var tlsUntrustedCertificate: Self { Self(base: .tlsUntrustedCertificate) }
        /// The server's certificate is trusted but names another host than the one expected
        /// (``RedisError/detail`` names both).
        public static var tlsHostnameMismatch: Self { Self(base: .tlsHostnameMismatch) }
        /// The server's certificate has expired, or is not valid yet (``RedisError/detail`` gives its dates).
        public static var tlsCertificateExpired: Self { Self(base: .tlsCertificateExpired) }
        /// The server asks for a client certificate (`tls-auth-clients yes`) and none was configured.
        public static var tlsClientCertificateRequired: Self { Self(base: .tlsClientCertificateRequired) }
        /// TLS was configured, but the server at ``RedisError/endpoint`` answered in plain text.
        public static var tlsPlainTextServer: Self { Self(base: .tlsPlainTextServer) }
        /// The TLS handshake failed for another reason (``RedisError/detail`` gives TLS's own).
        public static var tlsHandshakeFailed: Self { Self(base: .tlsHandshakeFailed) }
        /// A CA, certificate or key file of the TLS configuration cannot be read or is not PEM
        /// (``RedisError/path``, ``RedisError/detail`` says why).
        public static var tlsFileUnreadable: Self { Self(base: .tlsFileUnreadable) }
        /// A TCP server closed the connection before it answered the handshake's first command
        /// (``RedisError/command``): what a Redis `tls-port` does to a client speaking plain text.
        public static var closedBeforeReply: Self { Self(base: .closedBeforeReply) }
        // MARK: Sentinel

        /// No sentinel answered (``RedisError/sentinelFailures`` says why, sentinel by sentinel).
        public static var sentinelsUnreachable: Self { Self(base: .sentinelsUnreachable) }
        /// The sentinels refused the sentinel credentials (which are not the data nodes').
        public static var sentinelAuthenticationFailed: Self { Self(base: .sentinelAuthenticationFailed) }
        /// The sentinels answered, and none monitors a primary by that name (``RedisError/primaryName``).
        public static var primaryNameUnknown: Self { Self(base: .primaryNameUnknown) }
        /// The node the sentinels named as primary says it is not one (``RedisError/role``):
        /// their view lags a failover, or they disagree.
        public static var notAPrimary: Self { Self(base: .notAPrimary) }
        /// The node the sentinels name as primary cannot be reached: it has failed, and they
        /// have not promoted a replica yet (a failover under way).
        public static var primaryUnreachable: Self { Self(base: .primaryUnreachable) }
        /// Reads were to go to replicas, and the sentinels list none that is up.
        public static var noReplicaAvailable: Self { Self(base: .noReplicaAvailable) }
        /// A write was acknowledged by fewer replicas than `WAIT` asked for in time.
        public static var replicationNotAcknowledged: Self { Self(base: .replicationNotAcknowledged) }
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
    /// Indirect: a `RedisError` is one reference, so the `Result`s of every reply (nearly
    /// always successes) stay small and cheap to move, where the largest case made each
    /// one nearly a hundred bytes copied through a multi-payload enum's outlined witnesses.
    private indirect enum Payload: Sendable {
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
        // MARK: TLS (issue #16)
        case tlsUntrustedCertificate(RedisEndpoint, certificate: String, trusting: String)
        case tlsHostnameMismatch(RedisEndpoint, expected: String, certificateNames: [String])
        case tlsCertificateExpired(RedisEndpoint, certificate: String, validity: String)
        case tlsClientCertificateRequired(RedisEndpoint)
        case tlsPlainTextServer(RedisEndpoint)
        case tlsHandshakeFailed(RedisEndpoint, reason: String)
        case tlsFileUnreadable(path: String, role: String, reason: String)
        case closedBeforeReply(RedisEndpoint, command: String)
        // MARK: Sentinel
        case sentinelsUnreachable(primaryName: String, [RedisSentinelFailure])
        case sentinelAuthenticationFailed(RedisEndpoint, RedisServerError)
        case primaryNameUnknown(String, sentinels: [RedisEndpoint])
        case notAPrimary(primaryName: String, RedisEndpoint, role: RedisRole)
        case primaryUnreachable(primaryName: String, RedisEndpoint, reason: String)
        case noReplicaAvailable(primaryName: String)
        case replicationNotAcknowledged(wanted: Int, acknowledged: Int, timeout: Duration)
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

    // MARK: Creating TLS errors (issue #16)

    /// The certificate of the server at `endpoint` (`certificate` describes it: its names,
    /// issuer) does not lead to a CA in `trusting` (the CA file, or "the system's trust roots").
    public static func tlsUntrustedCertificate(_ endpoint: RedisEndpoint, certificate: String, trusting: String) -> Self {
        Self(.tlsUntrustedCertificate(endpoint, certificate: certificate, trusting: trusting))
    }
    /// The certificate of the server at `endpoint` is for `certificateNames` (its DNS and IP
    /// names), not for `expected`.
    public static func tlsHostnameMismatch(_ endpoint: RedisEndpoint, expected: String, certificateNames: [String]) -> Self {
        Self(.tlsHostnameMismatch(endpoint, expected: expected, certificateNames: certificateNames))
    }
    /// The certificate of the server at `endpoint` is not valid now; `validity` gives its dates.
    public static func tlsCertificateExpired(_ endpoint: RedisEndpoint, certificate: String, validity: String) -> Self {
        Self(.tlsCertificateExpired(endpoint, certificate: certificate, validity: validity))
    }
    /// The server at `endpoint` requires a client certificate and none was configured.
    public static func tlsClientCertificateRequired(_ endpoint: RedisEndpoint) -> Self { Self(.tlsClientCertificateRequired(endpoint)) }
    /// TLS was configured, and the server at `endpoint` answered in plain text.
    public static func tlsPlainTextServer(_ endpoint: RedisEndpoint) -> Self { Self(.tlsPlainTextServer(endpoint)) }
    /// The TLS handshake with `endpoint` failed; `reason` is TLS's own.
    public static func tlsHandshakeFailed(_ endpoint: RedisEndpoint, reason: String) -> Self {
        Self(.tlsHandshakeFailed(endpoint, reason: reason))
    }
    /// The file at `path`, the TLS configuration's `role` ("CA certificate file", "certificate
    /// file", "private key file"), cannot be used; `reason` says why.
    public static func tlsFileUnreadable(path: String, role: String, reason: String) -> Self {
        Self(.tlsFileUnreadable(path: path, role: role, reason: reason))
    }
    /// The TCP server at `endpoint` closed the connection before answering `command`, the
    /// handshake's first.
    public static func closedBeforeReply(_ endpoint: RedisEndpoint, command: String) -> Self {
        Self(.closedBeforeReply(endpoint, command: command))
    }

    // MARK: Sentinel

    /// No sentinel of `primaryName`'s answered; `failures` says, sentinel by sentinel, why.
    public static func sentinelsUnreachable(primaryName: String, _ failures: [RedisSentinelFailure]) -> Self {
        Self(.sentinelsUnreachable(primaryName: primaryName, failures))
    }
    /// The sentinel at `endpoint` refused the sentinel credentials with `reply`.
    public static func sentinelAuthenticationFailed(_ endpoint: RedisEndpoint, _ reply: RedisServerError) -> Self {
        Self(.sentinelAuthenticationFailed(endpoint, reply))
    }
    /// None of `sentinels` monitors a primary named `name`.
    public static func primaryNameUnknown(_ name: String, sentinels: [RedisEndpoint]) -> Self {
        Self(.primaryNameUnknown(name, sentinels: sentinels))
    }
    /// The sentinels named `endpoint` as `primaryName`'s primary, and it answered `ROLE` as `role`.
    public static func notAPrimary(primaryName: String, _ endpoint: RedisEndpoint, role: RedisRole) -> Self {
        Self(.notAPrimary(primaryName: primaryName, endpoint, role: role))
    }
    /// The sentinels name `endpoint` as `primaryName`'s primary, and it cannot be reached (`reason`).
    public static func primaryUnreachable(primaryName: String, _ endpoint: RedisEndpoint, reason: String) -> Self {
        Self(.primaryUnreachable(primaryName: primaryName, endpoint, reason: reason))
    }
    /// Reads of `primaryName` were to go to its replicas, and none is up.
    public static func noReplicaAvailable(primaryName: String) -> Self { Self(.noReplicaAvailable(primaryName: primaryName)) }
    /// `WAIT` asked for `wanted` replicas within `timeout`, and `acknowledged` answered.
    public static func replicationNotAcknowledged(wanted: Int, acknowledged: Int, timeout: Duration) -> Self {
        Self(.replicationNotAcknowledged(wanted: wanted, acknowledged: acknowledged, timeout: timeout))
    }

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
        case .tlsUntrustedCertificate: .tlsUntrustedCertificate
        case .tlsHostnameMismatch: .tlsHostnameMismatch
        case .tlsCertificateExpired: .tlsCertificateExpired
        case .tlsClientCertificateRequired: .tlsClientCertificateRequired
        case .tlsPlainTextServer: .tlsPlainTextServer
        case .tlsHandshakeFailed: .tlsHandshakeFailed
        case .tlsFileUnreadable: .tlsFileUnreadable
        case .closedBeforeReply: .closedBeforeReply
        case .sentinelsUnreachable: .sentinelsUnreachable
        case .sentinelAuthenticationFailed: .sentinelAuthenticationFailed
        case .primaryNameUnknown: .primaryNameUnknown
        case .notAPrimary: .notAPrimary
        case .primaryUnreachable: .primaryUnreachable
        case .noReplicaAvailable: .noReplicaAvailable
        case .replicationNotAcknowledged: .replicationNotAcknowledged
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
    /// Also for the TLS codes but ``Code/tlsFileUnreadable``, and for ``Code/closedBeforeReply``.
    public var endpoint: RedisEndpoint? {
        switch payload {
        case .connectionRefused(let endpoint), .connectTimeout(let endpoint, _), .notARedisServer(let endpoint, _),
            .authenticationFailed(let endpoint, _), .unresponsive(let endpoint, _, _), .connectionClosed(let endpoint),
            .protocolError(let endpoint, _), .connectFailed(let endpoint, _),
            .tlsUntrustedCertificate(let endpoint, _, _), .tlsHostnameMismatch(let endpoint, _, _),
            .tlsCertificateExpired(let endpoint, _, _), .tlsClientCertificateRequired(let endpoint),
            .tlsPlainTextServer(let endpoint), .tlsHandshakeFailed(let endpoint, _), .closedBeforeReply(let endpoint, _),
            .sentinelAuthenticationFailed(let endpoint, _), .notAPrimary(_, let endpoint, _), .primaryUnreachable(_, let endpoint, _):
            endpoint
        case .clusterRetriesExhausted(_, _, let node, _, _): node
        default: nil
        }
    }

    /// The socket path of ``Code/socketNotFound`` and ``Code/permissionDenied``, the file of
    /// ``Code/tlsFileUnreadable``; `nil` for other codes.
    public var path: String? {
        switch payload {
        case .socketNotFound(let path), .permissionDenied(let path, _, _), .tlsFileUnreadable(let path, _, _): path
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
        case .server(let reply), .authenticationFailed(_, let reply), .sentinelAuthenticationFailed(_, let reply): reply
        default: nil
        }
    }

    /// The command the error is about, as it was named (secrets written `<redacted>`): for
    /// ``Code/commandTimeout``, ``Code/unresponsive``, ``Code/unexpectedReply``,
    /// ``Code/unsupportedCommand``, ``Code/requiresLease`` and ``Code/closedBeforeReply``; `nil` for other codes.
    public var command: String? {
        switch payload {
        case .commandTimeout(let command, _), .unresponsive(_, let command, _), .unexpectedReply(let command, _),
            .unsupportedCommand(let command), .requiresLease(let command), .closedBeforeReply(_, let command),
            .crossSlot(let command, _), .perNodeCommand(let command), .clusterRetriesExhausted(let command, _, _, _, _):
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
            .poolExhausted(let duration, _), .replicationNotAcknowledged(_, _, let duration):
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
    /// operating system's reason (``Code/connectFailed``), the certificate a TLS error is about
    /// (``Code/tlsUntrustedCertificate``, ``Code/tlsCertificateExpired``: its description;
    /// ``Code/tlsHostnameMismatch``: the names it carries), TLS's reason (``Code/tlsHandshakeFailed``),
    /// or why a file is unusable (``Code/tlsFileUnreadable``); `nil` for other codes.
    public var detail: String? {
        switch payload {
        case .invalidConfiguration(let text), .notARedisServer(_, let text), .connectFailed(_, let text): text
        case .tlsUntrustedCertificate(_, let certificate, _), .tlsCertificateExpired(_, let certificate, _): certificate
        case .tlsHostnameMismatch(_, _, let names): names.joined(separator: ", ")
        case .tlsHandshakeFailed(_, let reason), .tlsFileUnreadable(_, _, let reason): reason
        case .clusterRetriesExhausted(_, _, _, _, let text), .clusterTopologyUnavailable(_, let text): text
        default: nil
        }
    }

    /// The name the sentinels monitor the primary under (the Sentinel codes that concern one
    /// primary); `nil` for other codes.
    public var primaryName: String? {
        switch payload {
        case .sentinelsUnreachable(let name, _), .primaryNameUnknown(let name, _), .notAPrimary(let name, _, _),
            .primaryUnreachable(let name, _, _), .noReplicaAvailable(let name):
            name
        default: nil
        }
    }

    /// Each sentinel asked and why it did not answer (``Code/sentinelsUnreachable``); empty for other codes.
    public var sentinelFailures: [RedisSentinelFailure] {
        if case .sentinelsUnreachable(_, let failures) = payload { failures } else { [] }
    }

    /// What the node the sentinels named answered to `ROLE` (``Code/notAPrimary``); `nil` for other codes.
    public var role: RedisRole? {
        if case .notAPrimary(_, _, let role) = payload { role } else { nil }
    }

    /// How many replicas acknowledged, of how many asked (``Code/replicationNotAcknowledged``);
    /// `nil` for other codes.
    public var acknowledgements: (acknowledged: Int, wanted: Int)? {
        if case .replicationNotAcknowledged(let wanted, let acknowledged, _) = payload { (acknowledged, wanted) } else { nil }
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
            if error.kind == .noPermission {
                // Redis does not say which user, nor what to do: the connection's ACL user is refused.
                return "\(error): the server's ACL does not allow this to the user the connection logged in as. "
                    + "If the app needs it, grant it (ACL SETUSER <user> +<command>, or ~<pattern> for a key); otherwise "
                    + "it is refused on purpose (a least-privilege user has no @dangerous commands such as FLUSHALL, KEYS, CONFIG)"
            }
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
        // MARK: TLS (issue #16)
        case .tlsUntrustedCertificate(let endpoint, let certificate, let trusting):
            return "TLS to \(endpoint) failed: its certificate (\(certificate)) is not signed by a CA in \(trusting) "
                + "(signed by another CA, or self-signed). Give the CA that signed the server's certificate "
                + "(the server's `tls-ca-cert-file`) as caCertificateFile (?ssl_ca_certs=/path/ca.crt in a rediss:// URL)"
        case .tlsHostnameMismatch(let endpoint, let expected, let names):
            let carried = names.isEmpty ? "no DNS or IP name" : names.joined(separator: ", ")
            return "TLS to \(endpoint) failed: its certificate is for \(carried), not for '\(expected)'. Connect by a name "
                + "the certificate carries, set serverName (?ssl_server_hostname=NAME) to one of them, "
                + "or issue the server a certificate whose subjectAltName includes '\(expected)'"
        case .tlsCertificateExpired(let endpoint, let certificate, let validity):
            return "TLS to \(endpoint) failed: its certificate (\(certificate)) is \(validity). "
                + "Renew the server's certificate (`tls-cert-file`) and restart it or run CONFIG SET tls-cert-file; "
                + "if the dates look right, check this machine's clock"
        case .tlsClientCertificateRequired(let endpoint):
            return "TLS to \(endpoint) failed: the server requires a client certificate (`tls-auth-clients yes`) and none "
                + "was given. Set certificateFile and privateKeyFile (?ssl_certfile=...&ssl_keyfile=... in a rediss:// URL) "
                + "to a certificate signed by a CA the server trusts (`tls-ca-cert-file`)"
        case .tlsPlainTextServer(let endpoint):
            return "TLS to \(endpoint) failed: the server at \(endpoint) answered in plain text, not TLS. "
                + "Use redis:// for it, or rediss:// with the port its config names as `tls-port`"
        case .tlsHandshakeFailed(let endpoint, let reason):
            return "TLS to \(endpoint) failed: \(reason)"
        case .tlsFileUnreadable(let path, let role, let reason):
            return "cannot use the TLS \(role) \(path): \(reason)"
        case .closedBeforeReply(let endpoint, let command):
            return "the server at \(endpoint) closed the connection before replying to \(command); "
                + "if it listens with TLS (`tls-port`), use rediss:// (or set RedisConfiguration.tls)"
        case .sentinelsUnreachable(let name, let failures):
            let each = failures.map { "\($0.endpoint): \($0.error)" }.joined(separator: "; ")
            return "no sentinel of '\(name)' answered (\(each)). Check that the sentinels run and listen on these "
                + "addresses (`redis-server <file> --sentinel`, port 26379 by default)"
        case .sentinelAuthenticationFailed(let endpoint, let error):
            return "the sentinel at \(endpoint) refused the sentinel credentials (\(error)): sentinels have their own "
                + "`requirepass`/ACL users, separate from the data nodes'; set the sentinel username and password "
                + "(sentinel_username/sentinel_password in a redis+sentinel:// URL)"
        case .primaryNameUnknown(let name, let sentinels):
            return "the sentinels (\(sentinels.map(\.description).joined(separator: ", "))) monitor no primary named '\(name)': "
                + "use the name of their `sentinel monitor <name> <host> <port> <quorum>` line (SENTINEL MASTERS lists them)"
        case .notAPrimary(let name, let endpoint, let role):
            return "the sentinels name \(endpoint) as the primary of '\(name)', and it says it is a \(role): "
                + "their view lags a failover, or they disagree. Retry in a moment; if it lasts, check `SENTINEL MASTER \(name)` on each"
        case .primaryUnreachable(let name, let endpoint, let reason):
            return "the sentinels name \(endpoint) as the primary of '\(name)', and it cannot be reached (\(reason)): "
                + "a failover is probably under way (Sentinel promotes a replica once down-after-milliseconds has passed "
                + "and a quorum agrees)"
        case .noReplicaAvailable(let name):
            return "reads of '\(name)' were to go to its replicas, and the sentinels list none that is up: "
                + "start a replica (`replicaof`), or read from the primary (readFrom: .preferReplicas falls back to it)"
        case .replicationNotAcknowledged(let wanted, let acknowledged, let timeout):
            return "the write was acknowledged by \(acknowledged) of the \(wanted) replicas asked for within \(timeout) "
                + "(WAIT): the primary has it, and a failover now could lose it. Check the replicas' link "
                + "(INFO replication), or ask WAIT for fewer replicas or a longer timeout"
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

// MARK: Sentinel

/// One sentinel that did not answer, and why: what ``RedisError/sentinelFailures`` lists.
public struct RedisSentinelFailure: Sendable, CustomStringConvertible {
    /// The sentinel's address.
    public let endpoint: RedisEndpoint
    /// What connecting to it, or asking it, failed with.
    public let error: RedisError

    /// The failure of the sentinel at `endpoint` with `error`.
    public init(endpoint: RedisEndpoint, error: RedisError) {
        self.endpoint = endpoint
        self.error = error
    }

    /// `endpoint: error`.
    public var description: String { "\(endpoint): \(error)" }
}
