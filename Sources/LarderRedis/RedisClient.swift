import LarderRESP
/// Anything that runs Redis commands: one connection, a pool of them, and later a cluster
/// client that routes each command by its keys. The cache and session stores are written
/// against this protocol, not against a single server.
public protocol RedisClient: Sendable {
    /// Sends a command and reads its reply as the command's response type.
    func send<Command: RedisCommand>(_ command: Command) async throws(RedisError) -> Command.Response
    /// Sends commands of one type together and returns every reply, in order; an error reply
    /// fails only its own command.
    func execute<Command: RedisCommand>(_ commands: [Command]) async -> [Result<Command.Response, RedisError>]
    /// Sends two commands of different types together and returns both replies.
    func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, _ second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>)
}

extension RedisConnection: RedisClient {}
