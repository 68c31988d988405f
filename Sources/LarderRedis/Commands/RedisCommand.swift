import NIOCore
import LarderRESP
/// One Redis command as a small value: its arguments, the keys it touches, its reply type.
///
/// Each command is declared once, in one type: its name (``name``), its keys
/// (``keysAffected``), whether Redis flags it `readonly` (``isReadOnly``) or `blocking`
/// (``isBlocking``), and how it is written (``encode(into:)``). Knowing the keys lets a
/// cluster-aware client route the command to the node owning their slot; knowing the reply type
/// lets `send` hand back `Int`, `String?` or a parsed value.
///
/// The rule that keeps a declaration single: `encode(into:)` writes the name through
/// `Self.name`, never as a string of its own, so the words on the wire are the name that the
/// policies (what a shared connection may send, what an error may quote) read:
///
/// ```swift
/// public struct GET: ReadOnlyCommand {
///     public typealias Response = ByteBuffer?
///     public static var name: RedisCommandName { "GET" }
///     public var key: RedisKey
///     public var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(key) }
///     public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, key) }
/// }
/// ```
///
/// A subcommand is a type nested in its container's namespace (`CONFIG.GET`, `OBJECT.ENCODING`)
/// whose name has both parts (`RedisCommandName("CONFIG", subcommand: "GET")`): they go on the
/// wire as two bulk strings. A test asks a real server (`COMMAND GETKEYS`, `COMMAND INFO`)
/// whether every command's keys and flags are what it declares.
public protocol RedisCommand: Sendable {
    /// The Swift type the reply is read as.
    associatedtype Response: RESPTokenDecodable & Sendable = RESPToken
    /// The keys as a collection that does not allocate: `CollectionOfOne` for a one-key
    /// command, `EmptyCollection` (the default) for a command without keys, the stored array
    /// of a multi-key command.
    associatedtype Keys: Collection<RedisKey> = EmptyCollection<RedisKey>

    /// The command's name as Redis documents it, e.g. `GET` or `CONFIG GET`.
    ///
    /// A pool and a multiplexer decide by it what the command may change on a shared connection
    /// (`SELECT`, `MULTI`, `CLIENT SETNAME`...); errors and logs name the command by it.
    static var name: RedisCommandName { get }
    /// The keys the command reads or writes, in the order it sends them (empty for server
    /// commands).
    var keysAffected: Keys { get }
    /// Whether Redis flags the command `readonly`: it reads keys and writes none, so a cluster
    /// client may send it to a replica. `false` unless declared (see ``ReadOnlyCommand``).
    static var isReadOnly: Bool { get }
    /// Whether Redis flags the command `blocking`: it may hold its connection until another
    /// client acts (`BLPOP`). `false` unless declared.
    static var isBlocking: Bool { get }
    /// Writes the whole command, name included (through `Self.name`), as one RESP array.
    func encode(into encoder: inout RESPCommandEncoder)
}

extension RedisCommand where Keys == EmptyCollection<RedisKey> {
    /// Server and connection commands touch no key.
    @inlinable public var keysAffected: EmptyCollection<RedisKey> { EmptyCollection() }
}

extension RedisCommand {
    /// Not `readonly` unless declared.
    @inlinable public static var isReadOnly: Bool { false }
    /// Not `blocking` unless declared.
    @inlinable public static var isBlocking: Bool { false }
}

/// A command that changes nothing on the server: it writes no key and changes no
/// configuration and no connection state. A read-only connection (the keyspace inspector's)
/// accepts only these, so a write does not compile there.
///
/// Conforming declares ``RedisCommand/isReadOnly`` `true`, Redis's `readonly` flag. A few
/// commands change nothing yet read no key, and Redis does not flag them `readonly` (`PING`,
/// `INFO`, `CONFIG GET`): they say `isReadOnly` is `false` themselves. Conform a command here
/// only if Redis does not flag it `write` and it changes no state; the command-table test checks
/// the first against the server.
public protocol ReadOnlyCommand: RedisCommand {}

extension ReadOnlyCommand {
    /// `readonly`, unless the command says otherwise.
    @inlinable public static var isReadOnly: Bool { true }
}

/// A command's name as Redis documents it: one word (`GET`), or a container command and its
/// subcommand (`CONFIG GET`), which go on the wire as two bulk strings.
///
/// Write a one-word name as a string literal (`"GET"`); a subcommand's as
/// `RedisCommandName("CONFIG", subcommand: "GET")`. Names are declared in capitals, as Redis
/// documents them: the policies compare them without changing case.
public struct RedisCommandName: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral, RESPRenderable {
    /// The command, or the container of a subcommand: `GET`, `CONFIG`.
    public let command: String
    /// The subcommand (`GET` of `CONFIG GET`), or `nil`.
    public let subcommand: String?

    /// The name `command`, or `command subcommand`.
    @inlinable
    public init(_ command: String, subcommand: String? = nil) {
        self.command = command
        self.subcommand = subcommand
    }

    /// A one-word name, e.g. `"GET"`.
    @inlinable
    public init(stringLiteral command: String) {
        self.init(command)
    }

    /// The name as a person types it: `GET`, `CONFIG GET`.
    @inlinable
    public var description: String {
        guard let subcommand else { return command }
        return command + " " + subcommand
    }

    /// One bulk string, two for a subcommand.
    @inlinable public var respEntries: Int { subcommand == nil ? 1 : 2 }

    /// Writes the command and, for a subcommand, the subcommand, as bulk strings.
    @inlinable
    public func encode(into encoder: inout RESPCommandEncoder) {
        encoder.encodeBulkString(command)
        if let subcommand { encoder.encodeBulkString(subcommand) }
    }
}
