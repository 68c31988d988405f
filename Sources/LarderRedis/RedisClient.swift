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
    /// Sends `second` right behind `first` on the connection that takes `first`, and returns
    /// both replies: for a command about what its connection did before it, such as the
    /// `WAIT` that must follow a write.
    ///
    /// A client of one server (or of a Sentinel group's primary) sends the two together
    /// anyway: the default is ``execute(_:_:)``. A client that routes by key sends both to the
    /// node `first`'s keys go to (``RedisClusterClient``), where ``execute(_:_:)`` would send a
    /// keyless `second` to a node of its own choosing.
    ///
    /// ```swift
    /// let (set, acknowledged) = await client.execute(SET("session:1", data), followedBy: WAIT(replicas: 1, timeout: .milliseconds(50)))
    /// ```
    func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, followedBy second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>)
}

extension RedisClient {
    /// ``execute(_:_:)``: one server, one connection for both.
    public func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, followedBy second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>) {
        await execute(first, second)
    }
}

extension RedisConnection: RedisClient {}
