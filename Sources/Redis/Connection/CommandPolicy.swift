import NIOCore
import RESP

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

    /// Commands that change state a pool's next user would inherit.
    static let changePooledState: Set<String> = ["SELECT", "AUTH"]

    /// The error for a typed command named `name` (upper case, as every ``RedisCommand`` here
    /// spells it), or `nil`. Two set look-ups, no allocation: it runs for every command.
    @usableFromInline
    static func refusal(forName name: String, pooled: Bool) -> RedisError? {
        if breakReplyMatching.contains(name) { return .unsupportedCommand(name) }
        if pooled && changePooledState.contains(name) {
            return name == "SELECT" ? .selectOnPooledConnection : .unsupportedCommand(name)
        }
        return nil
    }

    /// The error for sending `words` (the command's name, and its subcommand if any), or `nil`.
    static func refusal(for words: String, pooled: Bool) -> RedisError? {
        let upper = words.uppercased()
        let name = upper.split(separator: " ").first.map(String.init) ?? upper
        if breakReplyMatching.contains(name) || breakReplyMatching.contains(upper) {
            return .unsupportedCommand(upper)
        }
        if pooled && changePooledState.contains(name) {
            return name == "SELECT" ? .selectOnPooledConnection : .unsupportedCommand(upper)
        }
        return nil
    }

    /// The first two words of a raw command, whatever type carries them.
    static func words<each Argument: RESPRenderable>(_ arguments: repeat each Argument) -> String {
        var words: [String] = []
        for argument in repeat each arguments {
            guard words.count < 2 else { break }
            switch argument {
            case let word as String: words.append(word)
            case let word as Substring: words.append(String(word))
            case let key as RedisKey: words.append(key.description)
            case let bytes as ByteBuffer: words.append(String(buffer: bytes))
            case let bytes as RESPBytes: words.append(String(decoding: bytes.bytes, as: UTF8.self))
            default: return words.joined(separator: " ")  // a number or a value: past the name
            }
        }
        return words.joined(separator: " ")
    }
}
