import NIOCore
import LarderRESP
/// Commands this client refuses to send, because they would put its reply matching out of
/// step (replies are matched to commands one for one, in order) or change a shared
/// connection for its next user.
///
/// Found in review: after `CLIENT REPLY SKIP`, every later caller received the reply meant for
/// the caller before it, one user's data handed to another.
@usableFromInline
enum CommandPolicy {
    /// Commands after which the server answers zero, several, or only out-of-band replies.
    static let breakReplyMatching: Set<String> = [
        "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE",
        "MONITOR", "QUIT", "RESET", "HELLO", "SYNC", "PSYNC", "CLIENT REPLY",
    ]

    /// Commands that change state a pool's next user would inherit, and that no lease may send:
    /// the database is the pool's, and so are the credentials.
    static let changePooledState: Set<String> = ["SELECT", "AUTH"]

    /// `name` in capitals. Names are declared in capitals (every ``RedisCommand`` here spells
    /// them so); only another spelling costs an allocation.
    @usableFromInline
    static func canonical(_ name: String) -> String {
        name.utf8.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) ? name.uppercased() : name
    }

    /// The error for a typed command named `name` (in capitals, with its subcommand, as
    /// ``RedisCommand/name`` spells it) on a connection used as `sharing` says, or `nil`.
    static func refusal(forName name: String, sharing: ConnectionSharing) -> RedisError? {
        if breakReplyMatching.contains(name) { return .unsupportedCommand(name) }
        guard sharing != .own else { return nil }
        if changePooledState.contains(name) {
            return name == "SELECT" ? .selectOnPooledConnection : .unsupportedCommand(name)
        }
        if sharing == .shared, SessionState.effects[name] != nil { return .requiresLease(command: name) }
        return nil
    }

    /// The error for sending the raw command whose first words are `words` (as given), or `nil`.
    /// The error names the command by its redacted words: `AUTH <redacted>`, never a password.
    static func refusal(forWords words: [String], sharing: ConnectionSharing) -> RedisError? {
        let upper = words.map(canonical)
        guard let name = upper.first else { return nil }
        let pair = upper.count > 1 ? name + " " + upper[1] : nil
        let described = { CommandRedaction.describe(upper) }
        if breakReplyMatching.contains(name) || pair.map({ breakReplyMatching.contains($0) }) == true {
            return .unsupportedCommand(described())
        }
        guard sharing != .own else { return nil }
        if changePooledState.contains(name) {
            return name == "SELECT" ? .selectOnPooledConnection : .unsupportedCommand(described())
        }
        if sharing == .shared, SessionState.effect(name: name, subcommand: upper.count > 1 ? upper[1] : nil) != nil {
            return .requiresLease(command: described())
        }
        return nil
    }

    /// The error for a command named `name` sent through a pool without a lease (`pool.send`,
    /// `pool.execute`), or `nil`: a transaction, a `WATCH` or client state set by one call would
    /// be undone before the next call, which may run on another connection anyway.
    static func refusalOutsideLease(forName name: String) -> RedisError? {
        let name = canonical(name)
        return SessionState.effects[name] != nil ? .requiresLease(command: name) : nil
    }

    /// The first two words of a raw command, whatever type carries them.
    ///
    /// Read from the arguments where they are words; where one is of another kind (an array, an
    /// optional, a caller's own type) the command is encoded and its first two words read back,
    /// so that `send(["MULTI"])` is no way around what `send("MULTI")` meets.
    static func words<each Argument: RESPRenderable>(_ arguments: repeat each Argument) -> [String] {
        var words: [String] = []
        var pastTheName = false
        var unreadable = false
        for argument in repeat each arguments {
            guard words.count < 2, !pastTheName, !unreadable else { break }
            switch argument {
            case let word as String: words.append(word)
            case let word as Substring: words.append(String(word))
            case let key as RedisKey: words.append(key.description)
            case let bytes as ByteBuffer: words.append(String(buffer: bytes))
            case let bytes as RESPBytes: words.append(String(decoding: bytes.bytes, as: UTF8.self))
            case is Int, is Int64, is Double: pastTheName = true  // a number: an argument, not a name
            default: unreadable = true
            }
        }
        guard unreadable else { return words }
        return Array(CommandRedaction.words { $0.encodeCommand(repeat each arguments) }.prefix(2))
    }
}
