/// An error reply from the server (`-ERR ...`, `-WRONGTYPE ...`, `!` bulk errors in RESP3).
///
/// The first word of the reply is its code; ``kind`` classifies the codes a caller may want to
/// handle (wrong type, authentication, a read-only replica, a cluster redirection).
public struct RedisServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of an error reply, named by its first word (``RedisServerError/code``).
    ///
    /// Open: every code the server may send is representable, `Kind(rawValue: "BUSYGROUP")`
    /// as well as the known ones below, and a new static member for a code added in a later
    /// release breaks no caller's `switch` (give it a `default`).
    ///
    /// ```swift
    /// switch reply.kind {
    /// case .wrongType: return nil
    /// case .moved, .ask: try await redirect(reply)
    /// default: throw error
    /// }
    /// ```
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code as the server sends it, e.g. `WRONGTYPE`.
        public let rawValue: String

        /// The kind of replies whose first word is `rawValue`.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// `ERR`: a generic error (unknown command, syntax, wrong number of arguments...).
        public static var generic: Self { Self(rawValue: "ERR") }
        /// `WRONGTYPE`: the key holds another type than the command works on.
        public static var wrongType: Self { Self(rawValue: "WRONGTYPE") }
        /// `NOAUTH`: the server requires a password and none was given.
        public static var noAuth: Self { Self(rawValue: "NOAUTH") }
        /// `WRONGPASS`: the user name or password is wrong, or the user is disabled.
        public static var wrongPass: Self { Self(rawValue: "WRONGPASS") }
        /// `NOPERM`: the user's ACL forbids the command or key.
        public static var noPermission: Self { Self(rawValue: "NOPERM") }
        /// `DENIED`: protected mode refused a non-local client.
        public static var denied: Self { Self(rawValue: "DENIED") }
        /// `LOADING`: the server is loading its dataset; retry later.
        public static var loading: Self { Self(rawValue: "LOADING") }
        /// `BUSY`: a script or function has run longer than `busy-reply-threshold`; retry later.
        public static var busy: Self { Self(rawValue: "BUSY") }
        /// `MASTERDOWN`: a replica lost its link to the master and `replica-serve-stale-data` is off.
        public static var masterDown: Self { Self(rawValue: "MASTERDOWN") }
        /// `READONLY`: a write was sent to a read-only replica.
        public static var readOnly: Self { Self(rawValue: "READONLY") }
        /// `OOM`: the server reached `maxmemory` under the `noeviction` policy and refuses writes.
        public static var outOfMemory: Self { Self(rawValue: "OOM") }
        /// `MISCONF`: a snapshot failed and `stop-writes-on-bgsave-error` makes the server refuse writes.
        public static var misconfigured: Self { Self(rawValue: "MISCONF") }
        /// `NOREPLICAS`: fewer replicas than `min-replicas-to-write` are connected.
        public static var noReplicas: Self { Self(rawValue: "NOREPLICAS") }
        /// `MOVED`: in a cluster, the key's slot lives on another node.
        public static var moved: Self { Self(rawValue: "MOVED") }
        /// `ASK`: in a cluster, the slot is migrating; ask the other node once.
        public static var ask: Self { Self(rawValue: "ASK") }
        /// `TRYAGAIN`: in a cluster, the keys of a multi-key command are being moved; retry later.
        public static var tryAgain: Self { Self(rawValue: "TRYAGAIN") }
        /// `CLUSTERDOWN`: the cluster cannot serve the slot (or any) for now.
        public static var clusterDown: Self { Self(rawValue: "CLUSTERDOWN") }
        /// `NOPROTO`: the requested protocol version is not supported.
        public static var noProtocol: Self { Self(rawValue: "NOPROTO") }

        /// The code as the server sends it.
        public var description: String { rawValue }
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

    /// The class of this error: the kind named by ``code``.
    public var kind: Kind { Kind(rawValue: code) }

    /// Whether the server answered but cannot serve commands for now, and the same command will
    /// succeed later: loading its dataset (`LOADING`), busy in a long script (`BUSY`), a
    /// replica cut off from its master (`MASTERDOWN`), a cluster slot or the cluster itself in
    /// motion (`TRYAGAIN`, `CLUSTERDOWN`). A cache may treat these as an outage.
    public var isTemporaryUnavailability: Bool {
        switch kind {
        case .loading, .busy, .masterDown, .tryAgain, .clusterDown: true
        default: false
        }
    }

    /// Whether the server refused a write it would take in other conditions, while still
    /// answering reads: full under `noeviction` (`OOM`), a read-only replica (`READONLY`), a
    /// failed snapshot with `stop-writes-on-bgsave-error` (`MISCONF`), too few replicas
    /// (`NOREPLICAS`).
    public var refusesWrites: Bool {
        switch kind {
        case .outOfMemory, .readOnly, .misconfigured, .noReplicas: true
        default: false
        }
    }

    /// The reply as the server sent it, e.g. `ERR unknown command 'FOO'`.
    public var description: String { message.isEmpty ? code : "\(code) \(message)" }
}
