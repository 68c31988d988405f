import LarderRedis
/// A Redis connection that can only send ``ReadOnlyCommand``s: the inspector holds one of these,
/// never a plain ``RedisConnection``, so a write cannot slip in.
///
/// It is opened on one database (the `SELECT` happens in the handshake, from the
/// configuration) and never switches: to look at another database, open another one.
public struct ReadOnlyConnection: Sendable {
    private let connection: RedisConnection

    /// The database this connection reads.
    public var database: Int { connection.configuration.database }

    /// Opens a connection with `configuration`, runs `body` with it, and closes it.
    ///
    /// - Throws: ``KeyspaceError/redis(_:)`` when the connection cannot be opened (the error
    ///   names the fix), or what `body` throws.
    public static func with<Result>(
        _ configuration: RedisConfiguration, _ body: (ReadOnlyConnection) async throws -> Result
    ) async throws -> Result {
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(configuration: configuration)
        } catch {
            throw KeyspaceError.redis(error)
        }
        do {
            let result = try await body(ReadOnlyConnection(connection: connection))
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Sends one read and returns its typed reply.
    public func send<Command: ReadOnlyCommand>(_ command: Command) async throws(KeyspaceError) -> Command.Response {
        do {
            return try await connection.send(command)
        } catch {
            throw .redis(error)
        }
    }

    /// Sends reads of one type in one write; each reply, or its own error, in order.
    public func execute<Command: ReadOnlyCommand>(_ commands: [Command]) async -> [Result<Command.Response, RedisError>] {
        guard !commands.isEmpty else { return [] }
        return await connection.execute(commands)
    }
}
