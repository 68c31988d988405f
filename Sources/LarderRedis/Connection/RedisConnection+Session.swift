import Logging
import NIOCore
import LarderRESP
import Synchronization

/// What a command may change on a connection used by others, and how a lent connection is put
/// back as it was lent before its next caller gets it.
extension RedisConnection {
    /// Refuses a typed command this connection must not send (see ``CommandPolicy``), and on a
    /// lent connection notes what it changes for the commands after it.
    @usableFromInline
    func admit(_ name: String) throws(RedisError) {
        let sharing = self.sharing
        let name = CommandPolicy.canonical(name)
        if let refusal = CommandPolicy.refusal(forName: name, sharing: sharing) { throw refusal }
        if sharing == .lent, let effect = SessionState.effects[name] { session.withLock { $0.apply(effect) } }
    }

    /// The same for a raw command whose first words are `words`.
    func admit(words: [String]) throws(RedisError) {
        let sharing = self.sharing
        if let refusal = CommandPolicy.refusal(forWords: words, sharing: sharing) { throw refusal }
        guard sharing == .lent, let name = words.first.map(CommandPolicy.canonical) else { return }
        if let effect = SessionState.effect(name: name, subcommand: words.count > 1 ? CommandPolicy.canonical(words[1]) : nil) {
            session.withLock { $0.apply(effect) }
        }
    }

    /// The same for a pipeline of typed commands: the first refusal (nothing of the pipeline is
    /// sent then), or `nil` once every command's effect is noted, in order.
    @usableFromInline
    func admit(names: [String]) -> RedisError? {
        let sharing = self.sharing
        // A pipeline of one command type repeats one name: check each name once.
        var checked: String?
        for name in names where name != checked {
            if let refusal = CommandPolicy.refusal(forName: CommandPolicy.canonical(name), sharing: sharing) { return refusal }
            checked = name
        }
        guard sharing == .lent else { return nil }
        let effects = names.compactMap { SessionState.effects[CommandPolicy.canonical($0)] }
        if !effects.isEmpty { session.withLock { state in effects.forEach { state.apply($0) } } }
        return nil
    }

    /// Whether the connection is in the state it was lent in (no transaction, watch or client
    /// state left behind).
    var isAsLent: Bool { session.withLock { $0.restoration == .nothing } }

    /// Undoes what the caller of a lent connection left changed: `DISCARD` for a transaction
    /// left open (it also ends every `WATCH`), `UNWATCH` for a watch left active.
    ///
    /// - Returns: `true` when the connection is as it was lent; `false` when it must not be
    ///   lent again (client state no command undoes, the undoing command failed, or a call was
    ///   cancelled and its reply may still be due), so the pool closes it.
    func restoreForNextLease() async -> Bool {
        // A cancelled command's reply may still be due, behind which the next caller would wait.
        if hadCancelledCall.load(ordering: .relaxed) { return false }
        let restoration = session.withLock { state in
            defer { state = SessionState() }
            return state.restoration
        }
        switch restoration {
        case .nothing:
            return true
        case .replace:
            return false
        case .send(let command):
            do {
                let reply = try await roundTrip(name: command, timeout: configuration.commandTimeout) { $0.encodeCommand(command) }
                guard case .simpleString(let text) = reply.value, String(buffer: text) == "OK" else {
                    logger.debug("could not undo a lease's state", metadata: ["command": "\(command)", "reply": "\(reply.shortDescription)"])
                    return false
                }
                return true
            } catch {
                return false
            }
        }
    }
}
