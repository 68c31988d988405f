import NIOCore
import LarderRESP
/// The commands a new connection sends before it is handed out: protocol, credentials, name, DB.
enum Handshake {
    struct Outcome {
        var protocolVersion: Int
        var serverVersion: String?
    }

    /// Sends the handshake on `connection`, every command of it by `deadline` (the connect's:
    /// ``RedisConfiguration/connectTimeout`` bounds the connect as a whole, not each of its
    /// round trips, or a slow Redis could take several times it).
    static func perform(on connection: RedisConnection, by deadline: ContinuousClock.Instant) async throws(RedisError) -> Outcome {
        let configuration = connection.configuration
        let endpoint = configuration.endpoint
        var outcome = Outcome(protocolVersion: 2, serverVersion: nil)
        var needsRESP2Setup = true

        if configuration.preferRESP3 {
            let hello = HELLO(
                protocolVersion: 3, username: configuration.username, password: configuration.password,
                clientName: configuration.clientName)
            do {
                let reply = try await send(hello, on: connection, by: deadline)
                outcome.protocolVersion = 3
                outcome.serverVersion = (try? [String: RESPToken](fromRESP: reply))?["version"].flatMap { try? String(fromRESP: $0) }
                needsRESP2Setup = false
            } catch let error {
                guard error.code == .server, let serverError = error.serverError else { throw error }
                switch serverError.kind {
                case .noProtocol:
                    break  // The server speaks RESP2 only: fall back below.
                case .generic where serverError.message.lowercased().contains("unknown command"):
                    break  // Redis before 6 has no HELLO.
                case .wrongPass, .noAuth:
                    throw .authenticationFailed(endpoint, serverError)
                default:
                    throw error
                }
            }
        }

        if needsRESP2Setup {
            if let password = configuration.password {
                do {
                    _ = try await send(AUTH(username: configuration.username, password: password), on: connection, by: deadline)
                } catch {
                    if error.code == .server, let serverError = error.serverError { throw .authenticationFailed(endpoint, serverError) }
                    throw error
                }
            }
            if let clientName = configuration.clientName {
                _ = try await send(CLIENT.SETNAME(clientName: clientName), on: connection, by: deadline)
            } else if configuration.password == nil && configuration.database == 0 {
                // Nothing else would be sent before the connection is handed out: make sure the
                // peer is a Redis server that accepts us (no password required) now, not at the
                // first command.
                do {
                    _ = try await send(PING(), on: connection, by: deadline)
                } catch {
                    if error.code == .server, let serverError = error.serverError, serverError.kind == .noAuth {
                        throw .authenticationFailed(endpoint, serverError)
                    }
                    throw error
                }
            }
        }

        if configuration.database != 0 {
            do {
                _ = try await send(SELECT(database: configuration.database), on: connection, by: deadline)
            } catch {
                if error.code == .server, let serverError = error.serverError, serverError.message.contains("out of range") {
                    throw .invalidConfiguration(
                        "database \(configuration.database) does not exist on \(endpoint) "
                            + "(the server's `databases` setting is lower; Debian's default is 16, numbered 0–15)")
                }
                if error.code == .server, let serverError = error.serverError, serverError.kind == .noAuth {
                    throw .authenticationFailed(endpoint, serverError)
                }
                throw error
            }
        }
        return outcome
    }

    /// One handshake command, answered by `deadline`. A reply that is not RESP, or a
    /// connection closed without a reply, means the peer is not a (working) Redis server.
    private static func send<Command: RedisCommand>(
        _ command: Command, on connection: RedisConnection, by deadline: ContinuousClock.Instant
    ) async throws(RedisError) -> Command.Response {
        let configuration = connection.configuration
        let endpoint = configuration.endpoint
        let remaining = deadline - .now
        guard remaining > .zero else { throw .connectTimeout(endpoint, configuration.connectTimeout) }
        do {
            let token = try await connection.roundTrip(name: Command.name.description, timeout: remaining) { encoder in
                command.encode(into: &encoder)
            }
            return try RedisConnection.response(Command.Response.self, from: token, command: Command.name.description) { command.encode(into: &$0) }
        } catch {
            if error.code == .protocolError, let decodeError = error.decodeError {
                throw .notARedisServer(endpoint, detail: "its answer to \(Command.name) is not RESP (\(decodeError))")
            }
            switch error.code {
            case .connectionClosed:
                // A Redis `tls-port` spoken to in plain text reads no TLS record and hangs up.
                if case .tcp = endpoint, configuration.tls == nil {
                    throw .closedBeforeReply(endpoint, command: Command.name.description)
                }
                throw .notARedisServer(endpoint, detail: "it closed the connection without answering \(Command.name)")
            case .commandTimeout:
                throw .connectTimeout(endpoint, configuration.connectTimeout)
            default:
                throw error
            }
        }
    }
}
