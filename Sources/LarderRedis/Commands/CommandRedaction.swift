import NIOCore
import LarderRESP
/// A command as errors, logs and descriptions may show it: every argument that is a secret (a
/// password, a password hash) written `<redacted>`, and the server's error replies to it
/// stripped of what they quote from it.
///
/// The commands whose arguments are secrets: `AUTH`, `HELLO ... AUTH user pass`,
/// `MIGRATE ... AUTH pass` / `AUTH2 user pass`, `CONFIG SET requirepass|masterauth ...`,
/// `ACL SETUSER` rules `>pass`, `<pass`, `#hash`, `!hash`, and `SENTINEL SET ... auth-pass`.
/// The server quotes arguments back in some errors (`ACL SETUSER` quotes a failing rule whole,
/// password and all), so an error reply to one of these commands is redacted when the error is
/// made: no error value ever holds the secret.
enum CommandRedaction {
    /// What a secret is written as.
    static let placeholder = "<redacted>"

    /// First words of the commands that may carry a secret.
    private static let families: Set<String> = ["AUTH", "HELLO", "MIGRATE", "CONFIG", "ACL", "SENTINEL"]
    /// `CONFIG SET` and `SENTINEL SET` parameters whose value is a secret.
    private static let secretParameters: Set<String> = [
        "REQUIREPASS", "MASTERAUTH", "AUTH-PASS", "SENTINEL-PASS", "TLS-KEY-FILE-PASS", "TLS-CLIENT-KEY-FILE-PASS",
    ]

    /// The positions in `words` (the whole command, its name first) that hold a secret.
    static func secretPositions(in words: [String]) -> [Int] {
        let upper = words.map { $0.uppercased() }
        guard let first = upper.first, families.contains(first) else { return [] }
        let second = upper.count > 1 ? upper[1] : ""
        switch first {
        case "AUTH":
            return Array(words.indices.dropFirst())
        case "HELLO", "MIGRATE":
            // Everything after the AUTH (or AUTH2) keyword: the user, the password, and what a
            // misplaced argument may have pushed after them.
            guard let auth = upper.indices.dropFirst().first(where: { upper[$0] == "AUTH" || upper[$0] == "AUTH2" }) else { return [] }
            return Array(words.indices[(auth + 1)...])
        case "CONFIG" where second == "SET", "SENTINEL" where second == "SET" || second == "CONFIG":
            return words.indices.dropFirst(2).filter { $0 > 0 && secretParameters.contains(upper[$0 - 1]) }
        case "ACL" where second == "SETUSER":
            return words.indices.dropFirst(3).filter { words[$0].contains(where: { "><#!".contains($0) }) }
        default:
            return []
        }
    }

    /// `words` joined as a person would type them, each secret written `<redacted>`.
    static func describe(_ words: [String]) -> String {
        let secret = Set(secretPositions(in: words))
        return words.indices.map { secret.contains($0) ? placeholder : words[$0] }.joined(separator: " ")
    }

    /// The server's error `reply` to the command `words`, fit to keep in an error: each secret
    /// argument written `<redacted>` wherever it appears, and, for a command that may carry
    /// secrets, every argument the reply quotes (`'...'`) too, except the command's own name
    /// (`wrong number of arguments for 'auth' command`): a secret is not always where the
    /// command's syntax says (`ACL SETUSER app bad>pass`), and the server may quote part of one.
    static func redact(reply: String, of words: [String]) -> String {
        guard let first = words.first, families.contains(first.uppercased()) else { return reply }
        var secrets = Set<String>()
        for position in secretPositions(in: words) where !words[position].isEmpty {
            secrets.insert(words[position])
            let withoutPrefix = String(words[position].drop { "><#!".contains($0) })
            if !withoutPrefix.isEmpty { secrets.insert(withoutPrefix) }
        }
        let text = replacing(secrets, in: reply)
        let ownNames: Set<String> = [
            first.lowercased(), words.prefix(2).joined(separator: "|").lowercased(), words.prefix(2).joined(separator: " ").lowercased(),
        ]
        return redactQuotes(in: text, keeping: ownNames)
    }

    /// The reply to a command the server does not know, without the arguments it quotes back
    /// (`ERR unknown command 'AUTHX', with args beginning with: 'pass'`): whatever the command
    /// was meant to be (a misspelt `AUTH`), its arguments may be secrets. Other replies as they are.
    static func redactingUnknownCommandArguments(in reply: String) -> String {
        guard reply.hasPrefix("ERR unknown command"), let list = reply.firstRange(of: "with args beginning with:") else { return reply }
        return String(reply[..<list.upperBound]) + " " + placeholder
    }

    /// `text` with every occurrence of a secret written `<redacted>`, in one pass (a secret is
    /// never looked for inside a placeholder already written), the longest secret first where
    /// several start at the same place (`<pass` before `pass`). An occurrence inside a word is
    /// left (a password `a` leaves `syntax` alone); the quoted fragments that hold such a
    /// word are redacted whole afterwards.
    private static func replacing(_ secrets: Set<String>, in text: String) -> String {
        guard !secrets.isEmpty else { return text }
        let longestFirst = secrets.sorted { $0.count > $1.count }
        func isWordCharacter(_ character: Character?) -> Bool { character.map { $0.isLetter || $0.isNumber } ?? false }
        var result = ""
        var index = text.startIndex
        scanning: while index < text.endIndex {
            let before = index == text.startIndex ? nil : text[text.index(before: index)]
            for secret in longestFirst where text[index...].hasPrefix(secret) {
                let end = text.index(index, offsetBy: secret.count)
                let after = end == text.endIndex ? nil : text[end]
                // Inside a word only if the secret itself would cut that word.
                if isWordCharacter(secret.first) && isWordCharacter(before) { continue }
                if isWordCharacter(secret.last) && isWordCharacter(after) { continue }
                result += placeholder
                index = end
                continue scanning
            }
            result.append(text[index])
            index = text.index(after: index)
        }
        return result
    }

    /// `text` with every single-quoted fragment but those in `keeping` written `'<redacted>'`; an
    /// unterminated quote hides the rest of the text.
    private static func redactQuotes(in text: String, keeping: Set<String>) -> String {
        var result = ""
        var rest = text[...]
        while let open = rest.firstIndex(of: "'") {
            result += rest[...open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "'") else {
                return result + placeholder
            }
            let quoted = rest[afterOpen..<close]
            result += keeping.contains(quoted.lowercased()) || quoted == placeholder ? String(quoted) : placeholder
            result += "'"
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// The words of the command `encode` writes, read back from its bytes: the same words
    /// whatever type carried them (typed command, raw words, a caller's own command).
    static func words(encodedBy encode: (inout RESPCommandEncoder) -> Void) -> [String] {
        var encoder = RESPCommandEncoder()
        encode(&encoder)
        var bytes = encoder.buffer
        var decoder = RESPDecoder()
        guard let frame = try? decoder.decode(buffer: &bytes), case .array(let elements) = frame.value else { return [] }
        return elements.map { element in
            if case .bulkString(let word) = element.value { return String(buffer: word) }
            return ""
        }
    }
}

extension RedisCommand {
    /// The command's words for errors and logs, secrets written `<redacted>`, e.g. `AUTH <redacted>`.
    public var redactedDescription: String {
        CommandRedaction.describe(CommandRedaction.words { encode(into: &$0) })
    }
}

// The library's commands that carry a password describe themselves redacted, however they are
// printed: `"\(command)"`, `String(reflecting:)`, `dump`, a debugger's mirror.

extension AUTH: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `AUTH <redacted>`.
    public var description: String { redactedDescription }
    public var debugDescription: String { redactedDescription }
    public var customMirror: Mirror { Mirror(self, children: ["command": redactedDescription]) }
}

extension HELLO: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `HELLO 3`, or `HELLO 3 AUTH <redacted> <redacted> ...` when it authenticates.
    public var description: String { redactedDescription }
    public var debugDescription: String { redactedDescription }
    public var customMirror: Mirror { Mirror(self, children: ["command": redactedDescription]) }
}
