/// What the outcome of a call says about the server, which is what a ``RedisMultiplexer``
/// backoff waits to learn: only a timeout says it is stalled, and only a reply (or a connect
/// refused, which fails at once anyway) says it is not. Anything else tells nothing, and a
/// probe that ends so must not end the backoff (found in review: a probe failed with
/// `connectionClosed` because an older command on its connection timed out, or refused before
/// it was sent, ended the backoff of a server that never answered).
@usableFromInline
enum ProbeVerdict: Sendable {
    /// The server did not answer in time: a backoff starts, or doubles when this was its probe.
    case timedOut(RedisError)
    /// The server answered (a reply, an error reply, a handshake reply), or refused the
    /// connection (gone, not stalled: calls fail at once without a backoff).
    case reached
    /// Nothing was learnt: the call was refused before it was sent, or its connection closed
    /// before a reply came. A probe ending so leaves the backoff as it is for the next probe.
    case inconclusive

    /// The verdict of a call that ended with `error`, or succeeded when it is `nil`.
    @usableFromInline
    init(_ error: RedisError?) {
        guard let error else {
            self = .reached
            return
        }
        // Over `base`, exhaustively: a new code must be classified here.
        switch error.code.base {
        case .commandTimeout, .connectTimeout:
            self = .timedOut(error)
        case .server, .unexpectedReply, .protocolError, .notARedisServer, .authenticationFailed,
            .connectionRefused, .socketNotFound, .permissionDenied, .connectFailed,
            .tlsUntrustedCertificate, .tlsHostnameMismatch, .tlsCertificateExpired, .tlsClientCertificateRequired,
            .tlsPlainTextServer, .tlsHandshakeFailed, .closedBeforeReply:
            self = .reached
        case .connectionClosed, .unresponsive, .cancelled, .poolClosed, .poolExhausted, .invalidConfiguration,
            .unsupportedCommand, .selectOnPooledConnection, .requiresLease, .tlsFileUnreadable:
            self = .inconclusive
        // MARK: Sentinel
        // Raised by the Sentinel client about the sentinels, never by a call to one server.
        case .sentinelsUnreachable, .sentinelAuthenticationFailed, .primaryNameUnknown, .notAPrimary, .primaryUnreachable,
            .noReplicaAvailable, .replicationNotAcknowledged:
            self = .inconclusive
        // Cluster: made by the cluster client above its nodes' multiplexers, never by one server.
        case .crossSlot, .perNodeCommand, .clusterRetriesExhausted, .clusterTopologyUnavailable:
            self = .inconclusive
        }
    }

    /// The verdict of commands sent together, whose outcomes are `errors` (`nil` for a
    /// success): a timeout if any timed out, else reached if the server answered any of them.
    @usableFromInline
    init(outcomes errors: some Sequence<RedisError?>) {
        var verdict = ProbeVerdict.inconclusive
        for error in errors {
            switch ProbeVerdict(error) {
            case .timedOut(let timeout):
                self = .timedOut(timeout)
                return
            case .reached: verdict = .reached
            case .inconclusive: break
            }
        }
        self = verdict
    }
}
