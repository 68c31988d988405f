import Logging
import NIOCore
import NIOPosix
import RESP

/// One connection to a Redis server over a Unix socket or TCP.
///
/// `connect` opens it and performs the handshake: `HELLO 3` (authenticating and naming the
/// connection in the same round trip), falling back to RESP2 with `AUTH` on servers that do not
/// speak RESP3, then `SELECT` of the configured database. Commands may be sent from any task,
/// concurrently: they are written in call order and their replies matched in that order.
///
/// ```swift
/// try await RedisConnection.withConnection(configuration: try .init(url: "unix:///var/run/redis/redis.sock?db=1")) { redis in
///     let pong = try await redis.send(PING())          // "PONG"
///     let port = try await redis.send(CONFIG_GET(["port"]))["port"]
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
    let logger: Logger

    private init(channel: any Channel, configuration: RedisConfiguration, protocolVersion: Int, serverVersion: String?, logger: Logger) {
        self.channel = channel
        self.configuration = configuration
        self.protocolVersion = protocolVersion
        self.serverVersion = serverVersion
        self.logger = logger
    }

    /// The default logger: silent. Every failure is also thrown to the caller, so a library
    /// printing it too would only duplicate it; pass your own logger to see connection events.
    public static let silentLogger = Logger(label: "redis", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Opens a connection and performs the handshake.
    ///
    /// - Throws: ``RedisError`` naming the problem and its fix: ``RedisError/socketNotFound(path:)``,
    ///   ``RedisError/permissionDenied(path:status:user:)``, ``RedisError/connectionRefused(_:)``,
    ///   ``RedisError/connectTimeout(_:_:)``, ``RedisError/notARedisServer(_:detail:)``,
    ///   ``RedisError/authenticationFailed(_:_:)``, ``RedisError/invalidConfiguration(_:)``.
    public static func connect(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = RedisConnection.silentLogger
    ) async throws(RedisError) -> RedisConnection {
        let endpoint = configuration.endpoint
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        RedisChannelHandler(endpoint: endpoint, limits: configuration.limits, logger: logger))
                }
            }
        let channel: any Channel
        do {
            switch endpoint {
            case .unixSocket(let path):
                channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            case .tcp(let host, let port):
                channel = try await bootstrap.channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .connect(host: host, port: port).get()
            }
        } catch {
            throw ConnectErrorMapping.map(error, endpoint: endpoint, timeout: configuration.connectTimeout)
        }
        do {
            let handshake = try await Handshake.perform(on: channel, configuration: configuration)
            logger.debug(
                "connected",
                metadata: ["endpoint": "\(endpoint)", "resp": "\(handshake.protocolVersion)", "db": "\(configuration.database)"])
            return RedisConnection(
                channel: channel, configuration: configuration, protocolVersion: handshake.protocolVersion,
                serverVersion: handshake.serverVersion, logger: logger)
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
    ///   when the reply has another shape, or a connection error.
    public func send<Command: RedisCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        var encoder = RESPCommandEncoder(buffer: channel.allocator.buffer(capacity: 64))
        command.encode(into: &encoder)
        let token = try await Self.roundTrip(
            on: channel, endpoint: configuration.endpoint, bytes: encoder.buffer, name: command.name,
            timeout: configuration.commandTimeout)
        return try Self.response(Command.Response.self, from: token, command: command.name)
    }

    /// Sends any command given as its words and returns the raw reply.
    ///
    /// ```swift
    /// let reply = try await redis.send("OBJECT", "ENCODING", ":1:int_key")
    /// ```
    /// - Throws: ``RedisError/server(_:)`` for an error reply, or a connection error.
    public func send<each Argument: RESPRenderable>(_ arguments: repeat each Argument) async throws(RedisError) -> RESPToken {
        var encoder = RESPCommandEncoder(buffer: channel.allocator.buffer(capacity: 64))
        encoder.encodeCommand(repeat each arguments)
        let name = Self.commandName(encoder.buffer)
        let token = try await Self.roundTrip(
            on: channel, endpoint: configuration.endpoint, bytes: encoder.buffer, name: name,
            timeout: configuration.commandTimeout)
        return try Self.response(RESPToken.self, from: token, command: name)
    }

    /// Whether the connection is still open. A closed connection fails every command at once.
    public var isOpen: Bool { channel.isActive }

    /// Closes the connection; commands still waiting fail with ``RedisError/connectionClosed(_:)``.
    public func close() async {
        try? await channel.close()
    }

    // MARK: Round trips

    /// Writes `bytes` and waits for one reply, failing it (and closing the channel) after `timeout`.
    static func roundTrip(
        on channel: any Channel, endpoint: RedisEndpoint, bytes: ByteBuffer, name: String, timeout: Duration
    ) async throws(RedisError) -> RESPToken {
        let reply = channel.eventLoop.makePromise(of: RESPToken.self)
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            reply.fail(RedisError.commandTimeout(command: name, timeout))
            channel.close(promise: nil)
        }
        // A write on a channel that already closed never reaches the handler: fail the reply here.
        channel.writeAndFlush(RedisRequest(bytes: bytes, replies: .one(reply))).whenFailure { error in
            reply.fail(error as? RedisError ?? RedisError.connectionClosed(endpoint))
        }
        defer { timer.cancel() }
        do {
            return try await reply.futureResult.get()
        } catch let error as RedisError {
            switch error {
            case .commandTimeout, .protocolError:
                // A late reply could not be matched; a refused frame leaves the stream out of
                // step. Either way the connection is closing: the caller gets the error once it
                // is closed, never while it still looks usable.
                try? await channel.closeFuture.get()
            default:
                break
            }
            throw error
        } catch {
            throw .connectionClosed(endpoint)
        }
    }

    /// Turns error replies into ``RedisError/server(_:)`` and converts the rest.
    static func response<Response: RESPTokenDecodable>(_ type: Response.Type, from token: RESPToken, command: String) throws(RedisError) -> Response {
        switch token.value {
        case .simpleError(let text), .bulkError(let text):
            throw .server(RedisServerError(reply: String(buffer: text)))
        default:
            do {
                return try Response(fromRESP: token)
            } catch {
                throw .unexpectedReply(command: command, error)
            }
        }
    }

    /// The first word of an encoded command, for error messages.
    static func commandName(_ bytes: ByteBuffer) -> String {
        guard let token = try? RESPToken(validating: bytes), case .array(let words) = token.value,
            let first = words.first(where: { _ in true }), let name = try? String(fromRESP: first)
        else { return "command" }
        return name.uppercased()
    }
}
