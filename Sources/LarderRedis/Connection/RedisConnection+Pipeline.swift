import LarderRESP
extension RedisConnection {
    /// Sends commands of one type in one write and returns every reply, in order.
    ///
    /// An error reply fails only its own command: `[.success(...), .failure(.server(...)), ...]`.
    /// A connection failure fails every command still waiting; a cancelled task gets
    /// ``RedisError/cancelled`` at once for every reply not yet received (the commands not yet
    /// written are not sent; see ``RedisConnection``).
    ///
    /// ```swift
    /// let values = await redis.execute(keys.map { GET($0) })
    /// ```
    @inlinable
    public func execute<Command: RedisCommand>(_ commands: [Command]) async -> [Result<Command.Response, RedisError>] {
        let tokens = await pipeline(names: Array(repeating: Command.name.description, count: commands.count), timeout: configuration.commandTimeout) { encoder in
            for command in commands { command.encode(into: &encoder) }
        }
        return zip(commands, tokens).map { command, token in
            token.flatMap { token in
                Result { () throws(RedisError) in try Self.response(Command.Response.self, from: token, command: Command.name.description) { command.encode(into: &$0) } }
            }
        }
    }

    /// Sends commands of different types in one write and returns every reply, typed, in order.
    ///
    /// ```swift
    /// let (set, count) = await redis.execute(SET("k", "v"), INCRBY("n", 1))
    /// ```
    @inlinable
    public func execute<each Command: RedisCommand>(
        _ commands: repeat each Command
    ) async -> (repeat Result<(each Command).Response, RedisError>) {
        var names: [String] = []
        for command in repeat each commands { names.append(type(of: command).name.description) }
        let tokens = await pipeline(names: names, timeout: configuration.commandTimeout) { encoder in
            for command in repeat each commands { command.encode(into: &encoder) }
        }
        var index = 0
        func next<C: RedisCommand>(_ command: C) -> Result<C.Response, RedisError> {
            defer { index += 1 }
            return tokens[index].flatMap { token in
                Result { () throws(RedisError) in try Self.response(C.Response.self, from: token, command: C.name.description) { command.encode(into: &$0) } }
            }
        }
        return (repeat next(each commands))
    }

    /// Sends two commands of different types in one write; both replies, typed.
    @inlinable
    public func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, _ second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>) {
        let tokens = await pipeline(names: [First.name.description, Second.name.description], timeout: configuration.commandTimeout) { encoder in
            first.encode(into: &encoder)
            second.encode(into: &encoder)
        }
        return (
            tokens[0].flatMap { token in Result { () throws(RedisError) in try Self.response(First.Response.self, from: token, command: First.name.description) { first.encode(into: &$0) } } },
            tokens[1].flatMap { token in Result { () throws(RedisError) in try Self.response(Second.Response.self, from: token, command: Second.name.description) { second.encode(into: &$0) } } }
        )
    }
}
