/// What can go wrong with a session, each case saying what to do.
public enum SessionError: Error, Sendable, CustomStringConvertible {
    /// The store cannot be reached (Redis down, socket gone). Requests that use the session
    /// answer 503 until it is back; the store reconnects by itself.
    case storeUnavailable(store: String, reason: String)
    /// The session was deleted (by a logout in a concurrent request, say) while this request
    /// ran, so it cannot be saved (Django's `SessionInterrupted`, answered with 400).
    case interrupted(key: String)
    /// No free key was found in many attempts: the store is full of keys, or broken.
    case noFreeKey(attempts: Int)
    /// A session value could not be decoded as the type asked for.
    case undecodable(key: String, expected: String, reason: String)
    /// A value has no JSON form.
    case unencodable(key: String, reason: String)
    /// The session configuration cannot work; the text says why. Raised at start-up.
    case invalidConfiguration(String)
    /// The SQL database failed.
    case database(String)

    public var description: String {
        switch self {
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
