import LarderRedis
/// What can go wrong using a cache, each case naming the key and what to do.
public enum CacheError: Error, Sendable, CustomStringConvertible {
    /// `incr`/`decr`/`incrVersion` on a key that does not exist (Django: `ValueError: Key 'x' not found`).
    case keyNotFound(key: String)
    /// `incr`/`decr` on a value that is not an integer.
    case notAnInteger(key: String)
    /// `incr`/`decr`/`incrVersion` whose result does not fit a 64-bit integer; nothing changed.
    case overflow(key: String)
    /// A stored value could not be decoded as the type asked for.
    case undecodable(key: String, expected: String, reason: String)
    /// A value could not be encoded by the serializer.
    case unencodable(key: String, type: String, reason: String)
    /// The cache's configuration is invalid; the text says why.
    case invalidConfiguration(String)
    /// Redis failed (unreachable, timed out, refused the command).
    case backend(RedisError)

    public var description: String {
        switch self {
        case .keyNotFound(let key):
            return "Key '\(key)' not found: incr/decr only change existing keys; set it first"
        case .notAnInteger(let key):
            return "the value of '\(key)' is not an integer, so it cannot be incremented"
        case .overflow(let key):
            return "changing '\(key)' by that much would overflow a 64-bit integer: nothing was changed"
        case .undecodable(let key, let expected, let reason):
            return "the value of '\(key)' cannot be decoded as \(expected): \(reason). "
                + "Was it written with another type or serializer? Read it as that type, or delete it"
        case .unencodable(let key, let type, let reason):
            return "a \(type) cannot be stored under '\(key)': \(reason)"
        case .invalidConfiguration(let text):
            return "invalid cache configuration: \(text)"
        case .backend(let error):
            return "the cache's Redis failed: \(error)"
        }
    }
}
