/// What can go wrong with a session, each error saying what to do.
///
/// ``code`` says which problem it is and the accessors (``store``, ``key``, ``reason``...)
/// return what the error carries. A struct rather than an enum so that new codes can be added
/// without breaking a caller's `switch` (Hummingbird's `HTTPError`, valkey-swift's
/// `ValkeyClientError`): compare `error.code == .storeUnavailable`.
public struct SessionError: Error, Sendable, CustomStringConvertible {
    /// Which problem a ``SessionError`` is. New codes may be added in any release: compare with
    /// `==`, and give a `switch` over codes a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        // Internal, not public: outside the module a code is only its static members, so one
        // can be added without breaking anyone; inside, a `switch` over `base` stays exhaustive
        // and the compiler points at every place a new code must be handled.
        enum Base: String, Hashable, Sendable {
            case storeUnavailable, interrupted, noFreeKey, undecodable, unencodable, invalidConfiguration, database
        }

        let base: Base

        /// The store cannot be reached (Redis down, socket gone). Requests that use the session
        /// answer 503 until it is back; the store reconnects by itself.
        public static var storeUnavailable: Self { Self(base: .storeUnavailable) }
        /// The session was deleted (by a logout in a concurrent request, say) while this request
        /// ran, so it cannot be saved (Django's `SessionInterrupted`, answered with 400).
        public static var interrupted: Self { Self(base: .interrupted) }
        /// No free key was found in many attempts: the store is full of keys, or broken.
        public static var noFreeKey: Self { Self(base: .noFreeKey) }
        /// A session value could not be decoded as the type asked for.
        public static var undecodable: Self { Self(base: .undecodable) }
        /// A value has no JSON form.
        public static var unencodable: Self { Self(base: .unencodable) }
        /// The session configuration cannot work; ``SessionError/reason`` says why. Raised at start-up.
        public static var invalidConfiguration: Self { Self(base: .invalidConfiguration) }
        /// The SQL database failed.
        public static var database: Self { Self(base: .database) }

        /// The code's name, e.g. `storeUnavailable`.
        public var description: String { base.rawValue }
    }

    /// What the error carries, kept typed; the public accessors read it.
    private enum Payload: Sendable {
        case storeUnavailable(store: String, reason: String)
        case interrupted(key: String)
        case noFreeKey(attempts: Int)
        case undecodable(key: String, expected: String, reason: String)
        case unencodable(key: String, reason: String)
        case invalidConfiguration(String)
        case database(String)
    }

    private let payload: Payload

    private init(_ payload: Payload) { self.payload = payload }

    // MARK: Creating errors (the names the enum this type replaced had)

    /// The session store named `store` cannot be reached, for `reason`.
    public static func storeUnavailable(store: String, reason: String) -> Self {
        Self(.storeUnavailable(store: store, reason: reason))
    }
    /// The session `key` was deleted while this request ran, so it cannot be saved.
    public static func interrupted(key: String) -> Self { Self(.interrupted(key: key)) }
    /// No free session key was found in `attempts` attempts.
    public static func noFreeKey(attempts: Int) -> Self { Self(.noFreeKey(attempts: attempts)) }
    /// The session value under `key` could not be decoded as `expected`, for `reason`.
    public static func undecodable(key: String, expected: String, reason: String) -> Self {
        Self(.undecodable(key: key, expected: expected, reason: reason))
    }
    /// The value for session key `key` has no JSON form, for `reason`.
    public static func unencodable(key: String, reason: String) -> Self { Self(.unencodable(key: key, reason: reason)) }
    /// The session configuration cannot work; `text` says why.
    public static func invalidConfiguration(_ text: String) -> Self { Self(.invalidConfiguration(text)) }
    /// The SQL database failed; `text` is its error.
    public static func database(_ text: String) -> Self { Self(.database(text)) }

    // MARK: What the error carries

    /// Which problem this is.
    public var code: Code {
        switch payload {
        case .storeUnavailable: .storeUnavailable
        case .interrupted: .interrupted
        case .noFreeKey: .noFreeKey
        case .undecodable: .undecodable
        case .unencodable: .unencodable
        case .invalidConfiguration: .invalidConfiguration
        case .database: .database
        }
    }

    /// The store that is unavailable, e.g. `standalone Redis store` (``Code/storeUnavailable``);
    /// `nil` for other codes.
    public var store: String? {
        if case .storeUnavailable(let store, _) = payload { store } else { nil }
    }

    /// The key the error is about: the session's (``Code/interrupted``) or the value's within
    /// the session (``Code/undecodable``, ``Code/unencodable``); `nil` for other codes.
    public var key: String? {
        switch payload {
        case .interrupted(let key), .undecodable(let key, _, _), .unencodable(let key, _): key
        default: nil
        }
    }

    /// How many keys were tried (``Code/noFreeKey``); `nil` for other codes.
    public var attempts: Int? {
        if case .noFreeKey(let attempts) = payload { attempts } else { nil }
    }

    /// The type the value was asked as (``Code/undecodable``); `nil` for other codes.
    public var expected: String? {
        if case .undecodable(_, let expected, _) = payload { expected } else { nil }
    }

    /// Why: the store's or the database's error (``Code/storeUnavailable``, ``Code/database``),
    /// the coder's reason (``Code/undecodable``, ``Code/unencodable``), or what is wrong with the
    /// configuration (``Code/invalidConfiguration``); `nil` for other codes.
    public var reason: String? {
        switch payload {
        case .storeUnavailable(_, let reason), .undecodable(_, _, let reason), .unencodable(_, let reason),
            .invalidConfiguration(let reason), .database(let reason):
            reason
        case .interrupted, .noFreeKey: nil
        }
    }

    /// A sentence naming the problem and what to do.
    public var description: String {
        switch payload {
        case .storeUnavailable(let store, let reason):
            return "the session store (\(store)) is unavailable: \(reason)"
        case .interrupted:
            return "the session was deleted before the request completed (a logout in a concurrent request?)"
        case .noFreeKey(let attempts):
            return "no free session key after \(attempts) attempts: is the session store answering correctly?"
        case .undecodable(let key, let expected, let reason):
            return "the session value '\(key)' cannot be read as \(expected): \(reason)"
        case .unencodable(let key, let reason):
            return "the value for session key '\(key)' cannot be stored as JSON: \(reason)"
        case .invalidConfiguration(let text):
            return "invalid session configuration: \(text)"
        case .database(let text):
            return "the session database failed: \(text)"
        }
    }
}
