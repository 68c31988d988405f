import LarderRedis
/// The client a ``RedisCache`` sends through, kept as a concrete type for the clients the
/// cache knows, so that every command is specialized for it (a call through `any RedisClient`
/// runs generic code with type metadata at run time: measurably slower per operation).
enum CacheRedisClient: RedisClient {
    case multiplexer(RedisMultiplexer)
    case pool(RedisConnectionPool)
    case connection(RedisConnection)
    case cluster(RedisClusterClient)
    case other(any RedisClient)

    init(_ client: some RedisClient) {
        switch client {
        case let multiplexer as RedisMultiplexer: self = .multiplexer(multiplexer)
        case let pool as RedisConnectionPool: self = .pool(pool)
        case let connection as RedisConnection: self = .connection(connection)
        case let cluster as RedisClusterClient: self = .cluster(cluster)
        default: self = .other(client)
        }
    }

    @inline(__always)
    func send<Command: RedisCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        switch self {
        case .multiplexer(let client): return try await client.send(command)
        case .pool(let client): return try await client.send(command)
        case .connection(let client): return try await client.send(command)
        case .cluster(let client): return try await client.send(command)
        case .other(let client): return try await client.send(command)
        }
    }

    @inline(__always)
    func execute<Command: RedisCommand>(_ commands: [Command]) async -> [Result<Command.Response, RedisError>] {
        switch self {
        case .multiplexer(let client): return await client.execute(commands)
        case .pool(let client): return await client.execute(commands)
        case .connection(let client): return await client.execute(commands)
        case .cluster(let client): return await client.execute(commands)
        case .other(let client): return await client.execute(commands)
        }
    }

    @inline(__always)
    func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, _ second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>) {
        switch self {
        case .multiplexer(let client): return await client.execute(first, second)
        case .pool(let client): return await client.execute(first, second)
        case .connection(let client): return await client.execute(first, second)
        case .cluster(let client): return await client.execute(first, second)
        case .other(let client): return await client.execute(first, second)
        }
    }

    @inline(__always)
    func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, followedBy second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>) {
        switch self {
        case .multiplexer(let client): return await client.execute(first, followedBy: second)
        case .pool(let client): return await client.execute(first, followedBy: second)
        case .connection(let client): return await client.execute(first, followedBy: second)
        case .cluster(let client): return await client.execute(first, followedBy: second)
        case .other(let client): return await client.execute(first, followedBy: second)
        }
    }
}

extension CacheRedisClient {
    /// The primaries of the cluster behind this client, or `nil` when it is one server.
    var sharded: (any RedisShardedClient)? {
        switch self {
        case .cluster(let client): client
        case .other(let client): client as? any RedisShardedClient
        case .multiplexer, .pool, .connection: nil
        }
    }
}
