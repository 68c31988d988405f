import NIOCore
import NIOSSL

/// What `RedisConnection.connect` needs to run TLS on a TCP connection, and its steps: wait for
/// the TLS handshake before the Redis one, and tell a failure as what it is.
struct TLSSetup: Sendable {
    let configuration: RedisTLSConfiguration
    let endpoint: RedisEndpoint
    /// Built once per configuration and kept (``TLSContextCache``).
    let context: NIOSSLContext
    /// The name sent in SNI, or `nil` when the name to check is an address (SNI cannot carry
    /// one; the certificate's IP names are then checked against the address connected to).
    let sniName: String?

    /// The setup for `configuration`, or `nil` when it has no ``RedisConfiguration/tls``.
    ///
    /// - Throws: ``RedisError/invalidConfiguration(_:)`` for TLS on a Unix socket (Redis serves
    ///   TLS on its `tls-port` only, and a local socket needs none), and what
    ///   ``TLSContextCache/context(for:)`` throws for its files.
    init?(_ configuration: RedisConfiguration) throws(RedisError) {
        guard let tls = configuration.tls else { return nil }
        guard case .tcp(let host, _) = configuration.endpoint else {
            throw .invalidConfiguration(
                "TLS is set for the Unix socket \(configuration.endpoint): Redis speaks TLS only on a TCP port (`tls-port`), "
                    + "and a local socket needs none (its file permissions decide who connects). Connect with unix:// "
                    + "without TLS, or to rediss://host:port")
        }
        self.configuration = tls
        self.endpoint = configuration.endpoint
        self.context = try TLSContextCache.context(for: tls)
        let name = tls.serverName ?? host
        self.sniName = (try? SocketAddress(ipAddress: name, port: 0)) == nil ? name : nil
    }

    /// Waits for the TLS handshake on `channel` (for what is left of the connect's `deadline`),
    /// and closes the channel and throws the ``RedisError`` for its failure.
    func awaitHandshake(
        on channel: any Channel, observer: NIOLoopBoundBox<TLSHandshakeObserver?>, by deadline: ContinuousClock.Instant,
        timeout: Duration
    ) async throws(RedisError) {
        let eventLoop = channel.eventLoop
        let remaining = max(deadline - .now, .zero)
        let setup = self
        let outcome: EventLoopFuture<RedisError?> = eventLoop.flatSubmit {
            guard let handshake = observer.value?.handshake else {
                return eventLoop.makeSucceededFuture(RedisError.tlsHandshakeFailed(setup.endpoint, reason: "the TLS handler was not set up"))
            }
            let timer = eventLoop.scheduleTask(in: TimeAmount(remaining)) { observer.value?.finish(HandshakeTimedOut()) }
            return handshake.futureResult.map { _ -> RedisError? in
                timer.cancel()
                return nil
            }.recover { error -> RedisError? in
                timer.cancel()
                if error is HandshakeTimedOut {
                    return .tlsHandshakeFailed(
                        setup.endpoint,
                        reason: "no answer to the TLS handshake within \(timeout): the server is overloaded, "
                            + "or speaks plain text on this port (then use redis:// for it)")
                }
                return TLSFailure.map(error, certificate: observer.value?.peerCertificate, endpoint: setup.endpoint, tls: setup.configuration)
            }
        }
        let failure: RedisError?
        do {
            failure = try await outcome.get()
        } catch {
            // The future failed despite its `recover`: the event loop is shutting down.
            failure = .tlsHandshakeFailed(endpoint, reason: "the connection's event loop shut down")
        }
        guard let failure else { return }
        try? await channel.close()
        // A Redis spoken to in TLS on its plain port reads the ClientHello as an inline command
        // and waits for a newline that may never come: the handshake times out rather than
        // fails. Ask in plain text (no credentials: nothing secret leaves in clear) to tell.
        if failure.code == .tlsHandshakeFailed, failure.detail?.hasPrefix("no answer to the TLS handshake") == true,
            await Self.answersInPlainText(endpoint, eventLoopGroup: channel.eventLoop)
        {
            throw .tlsPlainTextServer(endpoint)
        }
        throw failure
    }

    /// Whether a Redis server answers in plain text at `endpoint`: `HELLO` without credentials
    /// gets a reply (its greeting, or NOAUTH) within a second.
    static func answersInPlainText(_ endpoint: RedisEndpoint, eventLoopGroup: any EventLoopGroup) async -> Bool {
        let probe = RedisConfiguration(endpoint: endpoint, connectTimeout: .seconds(1), commandTimeout: .seconds(1))
        do {
            let connection = try await RedisConnection.connect(configuration: probe, eventLoopGroup: eventLoopGroup)
            await connection.close()
            return true
        } catch {
            return error.code == .authenticationFailed || error.code == .server
        }
    }

    /// The ``RedisError`` for the first TLS error the connection saw, if it saw one.
    func failure(on channel: any Channel, observer: NIOLoopBoundBox<TLSHandshakeObserver?>) async -> RedisError? {
        let setup = self
        return try? await channel.eventLoop.submit { () -> RedisError? in
            guard let observer = observer.value, let error = observer.firstError else { return nil }
            return TLSFailure.map(error, certificate: observer.peerCertificate, endpoint: setup.endpoint, tls: setup.configuration)
        }.get()
    }

    /// Takes the observer out of the pipeline once the connection is set up: replies no longer
    /// pass through it.
    func removeObserver(from channel: any Channel, observer: NIOLoopBoundBox<TLSHandshakeObserver?>) async {
        try? await channel.eventLoop.submit {
            let context = try channel.pipeline.syncOperations.context(handlerType: TLSHandshakeObserver.self)
            channel.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            observer.value = nil
        }.get()
    }

    /// Fails a handshake that outlived the connect timeout.
    private struct HandshakeTimedOut: Error {}
}
