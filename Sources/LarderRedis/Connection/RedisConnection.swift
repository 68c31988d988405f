import Logging
import NIOCore
import NIOPosix
import NIOSSL
import LarderRESP
import Synchronization

/// One connection to a Redis server over a Unix socket or TCP.
///
/// `connect` opens it and performs the handshake: `HELLO 3` (authenticating and naming the
/// connection in the same round trip), falling back to RESP2 with `AUTH` on servers that do not
/// speak RESP3, then `SELECT` of the configured database. Commands may be sent from any task,
/// concurrently: they are written in call order and their replies matched in that order.
///
/// A call whose task is cancelled returns at once with ``RedisError/cancelled``, without
/// waiting for the reply or the command timeout. A command not yet written is then not sent;
/// one already written may still run on the server, and its reply is read and dropped when it
/// comes, so the connection stays open and every other caller still gets its own reply.
///
/// ```swift
/// try await RedisConnection.withConnection(configuration: try .init(url: "unix:///var/run/redis/redis.sock?db=1")) { redis in
///     let pong = try await redis.send(PING())          // "PONG"
///     let port = try await redis.send(CONFIG.GET(["port"]))["port"]
/// }
/// ```
public final class RedisConnection: Sendable {
    /// The configuration the connection was opened with.
    public let configuration: RedisConfiguration
    /// The RESP version negotiated: 3 after a successful `HELLO 3`, otherwise 2.
    public let protocolVersion: Int
    /// The server's version as reported by `HELLO` (`nil` on RESP2 servers).
    public let serverVersion: String?

    let channel: any Channel
    let handler: NIOLoopBound<RedisChannelHandler>
    let logger: Logger
    /// Who uses the connection (a ``ConnectionSharing`` raw value): what its commands may change.
    private let sharingValue = Atomic<UInt8>(ConnectionSharing.own.rawValue)
    /// Set when a call returned in a cancelled task: its reply may still be due (a blocking
    /// `BLPOP` can hold the connection for as long as it likes), so a pool does not lend the
    /// connection again (see ``restoreForNextLease()``).
    let hadCancelledCall = Atomic<Bool>(false)
    /// What the caller of a lent connection changed on it; see ``restoreForNextLease()``.
    let session = Mutex(SessionState())
    /// The number of the next call (a command, or a pipeline): what its cancellation names.
    let nextCall: Atomic<UInt64>

    @usableFromInline var sharing: ConnectionSharing { ConnectionSharing(rawValue: sharingValue.load(ordering: .relaxed)) ?? .shared }

    /// Set by a pool on the connections it lends, one caller at a time: they refuse `SELECT`
    /// and `AUTH`, and follow the transactions, watches and client state their callers change.
    func markLent() { sharingValue.store(ConnectionSharing.lent.rawValue, ordering: .relaxed) }

    /// Set on connections that concurrent callers use at once (a multiplexer's): they refuse
    /// `SELECT`, `AUTH`, and every command that changes the connection for the commands after it.
    func markShared() { sharingValue.store(ConnectionSharing.shared.rawValue, ordering: .relaxed) }

    init(
        channel: any Channel, handler: NIOLoopBound<RedisChannelHandler>, configuration: RedisConfiguration,
        protocolVersion: Int, serverVersion: String?, logger: Logger, firstCall: UInt64 = 0
    ) {
        self.nextCall = Atomic(firstCall)
        self.channel = channel
        self.handler = handler
        self.configuration = configuration
        self.protocolVersion = protocolVersion
        self.serverVersion = serverVersion
        self.logger = logger
        self.taskExecutor = EventLoopTaskExecutor(channel.eventLoop)
    }

    /// The default logger: silent. Every failure is also thrown to the caller, so a library
    /// printing it too would only duplicate it; pass your own logger to see connection events.
    public static let silentLogger = Logger(label: "redis", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Opens a connection and performs the handshake.
    ///
    /// - Throws: ``RedisError`` naming the problem and its fix: ``RedisError/socketNotFound(path:)``,
    ///   ``RedisError/permissionDenied(path:status:user:)``, ``RedisError/connectionRefused(_:)``,
    ///   ``RedisError/connectTimeout(_:_:)``, ``RedisError/notARedisServer(_:detail:)``,
    ///   ``RedisError/authenticationFailed(_:_:)``, ``RedisError/invalidConfiguration(_:)``; with
    ///   ``RedisConfiguration/tls`` set, one of the TLS codes (``RedisError/Code/tlsUntrustedCertificate``,
    ///   ``RedisError/Code/tlsHostnameMismatch``, ``RedisError/Code/tlsCertificateExpired``,
    ///   ``RedisError/Code/tlsClientCertificateRequired``, ``RedisError/Code/tlsPlainTextServer``,
    ///   ``RedisError/Code/tlsHandshakeFailed``, ``RedisError/Code/tlsFileUnreadable``); without,
    ///   ``RedisError/closedBeforeReply(_:command:)`` from a TLS port.
    public static func connect(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = RedisConnection.silentLogger
    ) async throws(RedisError) -> RedisConnection {
        let endpoint = configuration.endpoint
        // The connect timeout bounds the socket's connect and the handshake together.
        let deadline = ContinuousClock.now + configuration.connectTimeout
        let eventLoop = eventLoopGroup.next()
        // Keep the handler itself: a peer that closes at once tears the pipeline down before
        // it could be looked up, and the handler then reports that closing.
        let handlerBox = NIOLoopBoundBox<RedisChannelHandler?>.makeEmptyBox(valueType: RedisChannelHandler.self, eventLoop: eventLoop)
        // TLS: the context of the configuration (built once, see TLSContextCache), the name for
        // SNI (an address cannot be one: the certificate's IP names are then checked against
        // the address connected to), and the observer that reports how the handshake went.
        let tls = try TLSSetup(configuration)
        let observerBox = NIOLoopBoundBox<TLSHandshakeObserver?>.makeEmptyBox(valueType: TLSHandshakeObserver.self, eventLoop: eventLoop)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        let observer = TLSHandshakeObserver(handshake: channel.eventLoop.makePromise())
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls.context, serverHostname: tls.sniName))
                        try channel.pipeline.syncOperations.addHandler(observer)
                        observerBox.value = observer
                    }
                    let handler = RedisChannelHandler(endpoint: endpoint, limits: configuration.limits, logger: logger)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    handlerBox.value = handler
                }
            }
        let channel: any Channel
        let handler: NIOLoopBound<RedisChannelHandler>
        do {
            switch endpoint {
            case .unixSocket(let path):
                channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            case .tcp(let host, let port):
                channel = try await bootstrap.channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .connect(host: host, port: port).get()
            }
            handler = try await eventLoop.submit { NIOLoopBound(handlerBox.value!, eventLoop: eventLoop) }.get()
        } catch {
            throw ConnectErrorMapping.map(error, endpoint: endpoint, timeout: configuration.connectTimeout)
        }
        if let tls {
            try await tls.awaitHandshake(on: channel, observer: observerBox, by: deadline, timeout: configuration.connectTimeout)
        }
        let unnegotiated = RedisConnection(
            channel: channel, handler: handler, configuration: configuration, protocolVersion: 2, serverVersion: nil, logger: logger)
        do throws(RedisError) {
            let handshake: Handshake.Outcome
            do {
                handshake = try await Handshake.perform(on: unnegotiated, by: deadline)
            } catch {
                // A TLS alert after the client's half of the handshake (a server that wants a
                // client certificate sends one) shows here as a connection closed: say why.
                guard let tls, let tlsError = await tls.failure(on: channel, observer: observerBox) else { throw error }
                throw tlsError
            }
            if let tls { await tls.removeObserver(from: channel, observer: observerBox) }
            logger.debug(
                "connected",
                metadata: ["endpoint": "\(endpoint)", "resp": "\(handshake.protocolVersion)", "db": "\(configuration.database)"])
            return RedisConnection(
                channel: channel, handler: handler, configuration: configuration,
                protocolVersion: handshake.protocolVersion, serverVersion: handshake.serverVersion, logger: logger,
                // The handshake's calls went through the same handler: numbers must not repeat.
                firstCall: unnegotiated.nextCall.load(ordering: .relaxed))
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// Opens a connection, runs `body` with it, and closes it however `body` ends.
    public static func withConnection<Result>(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = RedisConnection.silentLogger,
        _ body: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await connect(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Sends a command and reads its reply as the command's response type.
    ///
    /// - Throws: ``RedisError/server(_:)`` for an error reply, ``RedisError/unexpectedReply(command:_:)``
    ///   when the reply has another shape, ``RedisError/cancelled`` at once when the calling
    ///   task is cancelled (see ``RedisConnection``), or a connection error.
    @inlinable
    public func send<Command: RedisCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        // Before `admit`: a lent connection must not note the effect of a command never sent.
        guard !Task.isCancelled else { throw .cancelled }
        let name = Command.name.description
        try admit(name)
        let token = try await roundTrip(name: name, timeout: configuration.commandTimeout) { encoder in
            command.encode(into: &encoder)
        }
        return try Self.response(Command.Response.self, from: token, command: name) { command.encode(into: &$0) }
    }

    /// Sends any command given as its words and returns the raw reply.
    ///
    /// ```swift
    /// let reply = try await redis.send("OBJECT", "ENCODING", ":1:int_key")
    /// ```
    /// - Throws: ``RedisError/server(_:)`` for an error reply, ``RedisError/cancelled`` when the
    ///   calling task is cancelled, or a connection error.
    public func send<each Argument: RESPRenderable>(_ arguments: repeat each Argument) async throws(RedisError) -> RESPToken {
        guard !Task.isCancelled else { throw .cancelled }
        let words = CommandPolicy.words(repeat each arguments)
        try admit(words: words)
        let name = words.first.map(CommandPolicy.canonical) ?? "command"
        let token = try await roundTrip(name: name, timeout: configuration.commandTimeout) { encoder in
            encoder.encodeCommand(repeat each arguments)
        }
        return try Self.response(RESPToken.self, from: token, command: name) { $0.encodeCommand(repeat each arguments) }
    }

    /// Whether the connection is still open. A closed connection fails every command at once.
    public var isOpen: Bool { channel.isActive }

    /// The event loop the connection's I/O runs on. Code running there (see ``taskExecutor``)
    /// talks to the connection without any thread hop.
    public var eventLoop: any EventLoop { channel.eventLoop }

    /// A task executor that runs tasks on the connection's event loop:
    /// `withTaskExecutorPreference(connection.taskExecutor) { ... }` sends commands and resumes
    /// on their replies without crossing threads, the lowest latency this client offers.
    public let taskExecutor: EventLoopTaskExecutor

    /// Closes the connection; commands still waiting fail with ``RedisError/connectionClosed(_:)``.
    public func close() async {
        try? await channel.close()
    }

    /// Starts closing the connection and returns at once: for a connection nobody uses any
    /// more, from a place that cannot wait (under a lock, in a synchronous call).
    func closeWithoutWaiting() {
        channel.close(promise: nil)
    }

    /// How many replies the connection waits for: commands written and not yet answered,
    /// cancelled ones included. For tests that must know their commands are out.
    func repliesAwaited() async -> Int {
        let handler = self.handler
        return (try? await channel.eventLoop.submit { handler.value.awaitedCount }.get()) ?? 0
    }

    // MARK: Round trips

    /// Encodes one command with `encode`, writes it, and waits for its reply, for at most `timeout`.
    ///
    /// On the connection's event loop the command is encoded straight into the handler's
    /// reusable buffer; elsewhere it is encoded here and handed to the loop.
    ///
    /// A cancelled task gets ``RedisError/cancelled`` at once; its command is not written if
    /// it was not yet, and otherwise keeps its place for its reply (see ``RedisChannelHandler``).
    @usableFromInline
    func roundTrip(
        name: String, timeout: Duration, encode: (inout RESPCommandEncoder) -> Void
    ) async throws(RedisError) -> RESPToken {
        guard !Task.isCancelled else { throw .cancelled }
        let eventLoop = channel.eventLoop
        // By the loop's clock, which the handler's timer runs on (a test loop's is virtual).
        let deadline = eventLoop.now + TimeAmount(timeout)
        let handler = self.handler
        let call = nextCall.wrappingAdd(1, ordering: .relaxed).oldValue
        defer { forgetIfCancelled(call) }
        do {
            return try await withTaskCancellationHandler {
                if eventLoop.inEventLoop {
                    let handler = handler.value
                    return try await withUnsafeThrowingContinuation { continuation in
                        let reply = PendingReply(sink: .single(continuation), call: call, name: name, deadline: deadline, timeout: timeout)
                        handler.write(call: call, replies: CollectionOfOne(reply), encode: encode)
                    }
                }
                var encoder = RESPCommandEncoder(buffer: channel.allocator.buffer(capacity: 64))
                encode(&encoder)
                let bytes = encoder.buffer
                return try await withUnsafeThrowingContinuation { continuation in
                    let reply = PendingReply(sink: .single(continuation), call: call, name: name, deadline: deadline, timeout: timeout)
                    eventLoop.execute { handler.value.write(call: call, bytes: bytes, replies: CollectionOfOne(reply)) }
                }
            } onCancel: {
                eventLoop.execute { handler.value.cancel(call: call) }
            }
        } catch let error as RedisError {
            try await Self.waitForCloseAfter(error, channel: channel)
            throw error
        } catch {
            throw .connectionClosed(configuration.endpoint)
        }
    }

    /// Encodes `count` commands with `encode`, writes them in one go, and waits for every reply.
    /// A cancelled task gets ``RedisError/cancelled`` at once for every reply not yet received.
    @usableFromInline
    func pipeline(
        names: [String], timeout: Duration, encode: (inout RESPCommandEncoder) -> Void
    ) async -> [Result<RESPToken, RedisError>] {
        guard !Task.isCancelled else { return names.map { _ in .failure(.cancelled) } }
        // As in `send`: a pipeline is no way around the pool's fixed database. Nothing is
        // written, so no part of the pipeline runs in another database than its caller expects.
        if let refusal = admit(names: names) {
            return names.map { _ in .failure(refusal) }
        }
        let eventLoop = channel.eventLoop
        // By the loop's clock, which the handler's timer runs on (a test loop's is virtual).
        let deadline = eventLoop.now + TimeAmount(timeout)
        let handler = self.handler
        let call = nextCall.wrappingAdd(1, ordering: .relaxed).oldValue
        defer { forgetIfCancelled(call) }
        let results: [Result<RESPToken, RedisError>] = await withTaskCancellationHandler {
            if eventLoop.inEventLoop {
                let handler = handler.value
                return await withUnsafeContinuation { continuation in
                    let replies = PipelineReplies(count: names.count, continuation: continuation)
                    handler.write(
                        call: call,
                        replies: names.indices.lazy.map {
                            PendingReply(sink: .batch(replies, index: $0), call: call, name: names[$0], deadline: deadline, timeout: timeout)
                        },
                        encode: encode)
                }
            }
            var encoder = RESPCommandEncoder(buffer: channel.allocator.buffer(capacity: 64 * names.count))
            encode(&encoder)
            let bytes = encoder.buffer
            return await withUnsafeContinuation { continuation in
                let replies = PipelineReplies(count: names.count, continuation: continuation)
                eventLoop.execute {
                    handler.value.write(
                        call: call, bytes: bytes,
                        replies: names.indices.lazy.map {
                            PendingReply(sink: .batch(replies, index: $0), call: call, name: names[$0], deadline: deadline, timeout: timeout)
                        })
                }
            }
        } onCancel: {
            eventLoop.execute { handler.value.cancel(call: call) }
        }
        for case .failure(let error) in results {
            try? await Self.waitForCloseAfter(error, channel: channel)
            break
        }
        return results
    }

    /// After a call returns in a cancelled task, drops what its cancellation may have left in the
    /// handler: a cancellation that came after the reply found nothing queued and was kept for
    /// a write that will not come. Queued on the loop after that cancellation (the cancellation
    /// handler has run by the time `withTaskCancellationHandler` returns).
    func forgetIfCancelled(_ call: UInt64) {
        guard Task.isCancelled else { return }
        hadCancelledCall.store(true, ordering: .relaxed)
        let handler = self.handler
        channel.eventLoop.execute { handler.value.forget(call: call) }
    }

    /// After a timeout or a refused frame the connection is closing: the caller gets the error
    /// once it is closed, never while it still looks usable.
    static func waitForCloseAfter(_ error: RedisError, channel: any Channel) async throws(RedisError) {
        switch error.code {
        case .commandTimeout, .protocolError:
            try? await channel.closeFuture.get()
        default:
            break
        }
    }

    /// Turns error replies into ``RedisError/server(_:)`` and converts the rest. `encode` writes
    /// the command again, for an error reply that must be redacted (see ``CommandRedaction``).
    @inlinable
    static func response<Response: RESPTokenDecodable>(
        _ type: Response.Type, from token: RESPToken, command: String, encodedBy encode: (inout RESPCommandEncoder) -> Void
    ) throws(RedisError) -> Response {
        switch token.type {
        case .simpleError, .bulkError:
            throw serverError(token, command: command, encodedBy: encode)
        default:
            do {
                return try Response(fromRESP: token)
            } catch {
                throw .unexpectedReply(command: command, error)
            }
        }
    }

    /// The error reply in `token` to the command named `command` as a ``RedisError/server(_:)``;
    /// for a command whose words (as `encode` writes them) may carry a secret, redacted before
    /// it is kept. Error replies are rare enough for writing the command again to cost nothing.
    @usableFromInline
    static func serverError(_ token: RESPToken, command: String, encodedBy encode: (inout RESPCommandEncoder) -> Void) -> RedisError {
        switch token.value {
        case .simpleError(let text), .bulkError(let text):
            let reply = CommandRedaction.redactingUnknownCommandArguments(in: String(buffer: text))
            // By the words sent, not by `command`: a caller's own command type may be named
            // anything whatever it sends (found in review: one named `SETUSER` that sent
            // `ACL SETUSER` got the server's quote of its password rule back unredacted).
            return .server(RedisServerError(reply: CommandRedaction.redact(reply: reply, of: CommandRedaction.words(encodedBy: encode))))
        default:
            return .unexpectedReply(command: command, RESPConversionError(expected: "an error", token: token))
        }
    }
}
