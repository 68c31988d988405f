/// Who uses a connection, which decides what its commands may change for the commands after them.
@usableFromInline
enum ConnectionSharing: UInt8, Sendable {
    /// Opened by its caller, who alone uses it: every command goes.
    case own = 0
    /// Lent by a pool to one caller at a time: a transaction or `WATCH` its caller leaves open is
    /// undone when the lease ends, and a connection whose client state changed is replaced.
    case lent = 1
    /// Used by concurrent callers at once (a multiplexer): a command that changes the connection
    /// for the commands after it would change it for every caller, and is refused.
    case shared = 2
}

/// What the caller of a lent connection changed on it that the next caller must not inherit,
/// followed command by command as commands are sent (found in review: a lease that sent `MULTI`
/// gave the connection back inside the transaction, and the next caller's `SET` was only queued).
///
/// `SELECT` and `AUTH` are not here: a pooled connection refuses them (see ``CommandPolicy``).
struct SessionState: Equatable, Sendable {
    /// What a command does to the state.
    enum Effect {
        case opensTransaction
        /// `EXEC` and `DISCARD` end the transaction and every `WATCH`; without a transaction
        /// open they are refused (`ERR EXEC without MULTI`) and every `WATCH` stays.
        case endsTransaction
        case watches
        case unwatches
        /// Client state no single command puts back as it was (a name, tracking, ...).
        case changesClient
    }

    /// The commands that change the state, by name (with their subcommand), in capitals.
    static let effects: [String: Effect] = [
        "MULTI": .opensTransaction, "EXEC": .endsTransaction, "DISCARD": .endsTransaction,
        "WATCH": .watches, "UNWATCH": .unwatches,
        "CLIENT SETNAME": .changesClient, "CLIENT SETINFO": .changesClient, "CLIENT TRACKING": .changesClient,
        "CLIENT CACHING": .changesClient, "CLIENT NO-EVICT": .changesClient, "CLIENT NO-TOUCH": .changesClient,
        "READONLY": .changesClient, "READWRITE": .changesClient,
    ]

    /// The effect of the command whose name is `name`, or of `name subcommand` (both in capitals).
    static func effect(name: String, subcommand: String?) -> Effect? {
        if let subcommand, let effect = effects[name + " " + subcommand] { return effect }
        return effects[name]
    }

    private(set) var transactionOpen = false
    private(set) var watching = false
    private(set) var clientChanged = false

    /// Follows the effect of one command sent. Counted when sent, whatever the reply: a reset
    /// sent for nothing costs a round trip, one missed would leak a transaction.
    mutating func apply(_ effect: Effect) {
        switch effect {
        case .opensTransaction: transactionOpen = true
        case .endsTransaction:
            // Found in review: a bare DISCARD after WATCH was taken for the end of the watch,
            // no UNWATCH was sent, and the next caller's transaction was aborted.
            guard transactionOpen else { break }
            transactionOpen = false
            watching = false
        case .watches: watching = true
        // Inside a transaction UNWATCH is only queued; DISCARD undoes the watches anyway.
        case .unwatches: if !transactionOpen { watching = false }
        case .changesClient: clientChanged = true
        }
    }

    /// How the connection gets back to the state it was lent in.
    enum Restoration: Equatable {
        /// Nothing changed.
        case nothing
        /// One command undoes it: `DISCARD` (which also unwatches) or `UNWATCH`.
        case send(String)
        /// Closing the connection and opening another is the only sure way.
        case replace
    }

    var restoration: Restoration {
        if clientChanged { return .replace }
        if transactionOpen { return .send("DISCARD") }
        if watching { return .send("UNWATCH") }
        return .nothing
    }
}
