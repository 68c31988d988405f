import NIOCore
import LarderRESP
/// `EVAL script numkeys key [key ...] arg [arg ...]`: runs a Lua script on the server as one
/// atomic step, no other command in between.
///
/// The script must name every key it touches in `keys` (as `KEYS[1]`...), never build one
/// from an argument: that is what lets a cluster client route it to the node that owns them.
/// Redis caches a script by its SHA1 after the first run, so sending the text each time
/// costs its bytes on the wire, not a new compilation.
///
/// ```swift
/// let script = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end return false"
/// let value = try await redis.send(EVAL<Int?, Int>(script, keys: [":1:hits"], arguments: [1]))
/// ```
public struct EVAL<Response: RESPTokenDecodable & Sendable, Argument: RESPRenderable & Sendable>: RedisCommand {
    /// The Lua source.
    public var script: String
    /// The keys the script reads or writes, `KEYS[1]`... in the script.
    public var keys: [RedisKey]
    /// The other arguments, `ARGV[1]`... in the script.
    public var arguments: [Argument]

    /// Runs `script` with `keys` and `arguments`; the reply is read as `Response`.
    public init(_ script: String, keys: [RedisKey], arguments: [Argument]) {
        self.script = script
        self.keys = keys
        self.arguments = arguments
    }

    public static var name: RedisCommandName { "EVAL" }
    public var keysAffected: [RedisKey] { keys }
    public func encode(into encoder: inout RESPCommandEncoder) {
        encoder.encodeCommand(Self.name, script, keys.count, keys, arguments)
    }
}
