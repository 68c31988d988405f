/// An error reply from the server (`-ERR ...`, `-WRONGTYPE ...`, `!` bulk errors in RESP3).
///
/// The first word of the reply is its code; ``kind`` classifies the codes a caller may want to
/// handle (wrong type, authentication, a read-only replica, a cluster redirection).
public struct RedisServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The classes of error reply a client reacts to differently.
    public enum Kind: Hashable, Sendable {
        /// `ERR`: a generic error (unknown command, syntax, wrong number of arguments...).
        case generic
        /// `WRONGTYPE`: the key holds another type than the command works on.
        case wrongType
        /// `NOAUTH`: the server requires a password and none was given.
        case noAuth
        /// `WRONGPASS`: the user name or password is wrong, or the user is disabled.
        case wrongPass
        /// `NOPERM`: the user's ACL forbids the command or key.
        case noPermission
        /// `DENIED`: protected mode refused a non-local client.
        case denied
        /// `LOADING`: the server is loading its dataset; retry later.
        case loading
        /// `READONLY`: a write was sent to a read-only replica.
        case readOnly
        /// `MOVED`: in a cluster, the key's slot lives on another node.
        case moved
        /// `ASK`: in a cluster, the slot is migrating; ask the other node once.
        case ask
        /// `NOPROTO`: the requested protocol version is not supported.
        case noProtocol
        /// Any other code, as sent.
        case other(String)
    }

    /// The error's code, the first word of the reply (`ERR`, `WRONGTYPE`...).
    public let code: String
    /// The rest of the reply after the code.
    public let message: String

    /// Parses a reply line such as `WRONGTYPE Operation against a key holding the wrong kind of value`.
    public init(reply: String) {
        if let space = reply.firstIndex(of: " "), reply[..<space].allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) {
            code = String(reply[..<space])
            message = String(reply[reply.index(after: space)...])
        } else if reply.allSatisfy({ $0.isUppercase }) && !reply.isEmpty {
            code = reply
            message = ""
        } else {
            code = "ERR"
            message = reply
        }
    }

    /// The class of this error.
    public var kind: Kind {
        switch code {
        case "ERR": .generic
        case "WRONGTYPE": .wrongType
        case "NOAUTH": .noAuth
        case "WRONGPASS": .wrongPass
        case "NOPERM": .noPermission
        case "DENIED": .denied
        case "LOADING": .loading
        case "READONLY": .readOnly
        case "MOVED": .moved
        case "ASK": .ask
        case "NOPROTO": .noProtocol
        default: .other(code)
        }
    }

    /// Whether the server answered but cannot serve commands for now, and the same command will
    /// succeed later: loading its dataset (`LOADING`), busy in a long script (`BUSY`), a
    /// replica cut off from its master (`MASTERDOWN`), a cluster slot or the cluster itself in
    /// motion (`TRYAGAIN`, `CLUSTERDOWN`). A cache may treat these as an outage.
    public var isTemporaryUnavailability: Bool {
        switch code {
        case "LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN": true
        default: false
        }
    }

    /// Whether the server refused a write it would take in other conditions, while still
    /// answering reads: full under `noeviction` (`OOM`), a read-only replica (`READONLY`), a
    /// failed snapshot with `stop-writes-on-bgsave-error` (`MISCONF`), too few replicas
    /// (`NOREPLICAS`).
    public var refusesWrites: Bool {
        switch code {
        case "OOM", "READONLY", "MISCONF", "NOREPLICAS": true
        default: false
        }
    }

    /// The reply as the server sent it, e.g. `ERR unknown command 'FOO'`.
    public var description: String { message.isEmpty ? code : "\(code) \(message)" }
}
