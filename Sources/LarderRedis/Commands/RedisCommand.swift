import NIOCore
import LarderRESP
/// One Redis command as a small value: its arguments, the keys it touches, its reply type.
///
/// Knowing the keys lets a cluster-aware client route the command to the node owning their
/// slot; knowing the reply type lets `send` hand back `Int`, `String?` or a parsed value.
public protocol RedisCommand: Sendable {
    /// The Swift type the reply is read as.
    associatedtype Response: RESPTokenDecodable & Sendable = RESPToken

    /// The command's name, e.g. `"GET"` or `"CONFIG GET"`, for errors and logs.
    ///
    /// Give the real name, with its subcommand: a pool and a multiplexer decide by it what the
    /// command may change on a shared connection (`SELECT`, `MULTI`, `CLIENT SETNAME`...), and
    /// errors decide by it whether the server's reply may quote a secret (`AUTH`, `ACL SETUSER`...).
    var name: String { get }
    /// The keys the command reads or writes (empty for server commands).
    var keys: [RedisKey] { get }
    /// Writes the whole command, name included, as one RESP array.
    func encode(into encoder: inout RESPCommandEncoder)
}

extension RedisCommand {
    /// Server commands touch no key.
    public var keys: [RedisKey] { [] }
}
