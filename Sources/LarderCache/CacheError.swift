import LarderRedis
/// What can go wrong using a cache, each error naming the key and what to do.
///
/// ``code`` says which problem it is and the accessors (``key``, ``reason``, ``redisError``...)
/// return what the error carries. A struct rather than an enum so that new codes can be added
/// without breaking a caller's `switch` (Hummingbird's `HTTPError`, valkey-swift's
/// `ValkeyClientError`):
///
/// ```swift
/// do {
///     _ = try await cache.incr("hits")
/// } catch {
///     if error.code == .keyNotFound { try await cache.set("hits", 1) }
/// }
/// ```
public struct CacheError: Error, Sendable, CustomStringConvertible {
    /// Which problem a ``CacheError`` is. New codes may be added in any release: compare with
    /// `==`, and give a `switch` over codes a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        // Internal, not public: outside the module a code is only its static members, so one
        // can be added without breaking anyone; inside, a `switch` over `base` stays exhaustive
        // and the compiler points at every place a new code must be handled.
        enum Base: String, Hashable, Sendable {
            case keyNotFound, notAnInteger, overflow, undecodable, unencodable, invalidConfiguration, backend
        }

        let base: Base

        /// `incr`/`decr`/`incrVersion` on a key that does not exist (Django: `ValueError: Key 'x' not found`).
        public static var keyNotFound: Self { Self(base: .keyNotFound) }
        /// `incr`/`decr` on a value that is not an integer.
        public static var notAnInteger: Self { Self(base: .notAnInteger) }
        /// `incr`/`decr`/`incrVersion` whose result does not fit a 64-bit integer; nothing changed.
        public static var overflow: Self { Self(base: .overflow) }
        /// A stored value could not be decoded as the type asked for.
        public static var undecodable: Self { Self(base: .undecodable) }
        /// A value could not be encoded by the serializer.
        public static var unencodable: Self { Self(base: .unencodable) }
        /// The cache's configuration is invalid; ``CacheError/reason`` says why.
        public static var invalidConfiguration: Self { Self(base: .invalidConfiguration) }
        /// Redis failed (unreachable, timed out, refused the command): ``CacheError/redisError``.
        public static var backend: Self { Self(base: .backend) }

        /// The code's name, e.g. `keyNotFound`.
        public var description: String { base.rawValue }
    }

    /// What the error carries, kept typed; the public accessors read it.
    private enum Payload: Sendable {
        case keyNotFound(key: String)
        case notAnInteger(key: String)
        case overflow(key: String)
        case undecodable(key: String, expected: String, reason: String)
        case unencodable(key: String, type: String, reason: String)
        case invalidConfiguration(String)
        case backend(RedisError)
    }

    private let payload: Payload

    private init(_ payload: Payload) { self.payload = payload }

    // MARK: Creating errors (the names the enum this type replaced had)

    /// `incr`/`decr`/`incrVersion` on `key`, which does not exist.
    public static func keyNotFound(key: String) -> Self { Self(.keyNotFound(key: key)) }
    /// `incr`/`decr` on `key`, whose value is not an integer.
    public static func notAnInteger(key: String) -> Self { Self(.notAnInteger(key: key)) }
    /// `incr`/`decr`/`incrVersion` on `key` whose result does not fit a 64-bit integer.
    public static func overflow(key: String) -> Self { Self(.overflow(key: key)) }
    /// The value of `key` could not be decoded as `expected`, for `reason`.
    public static func undecodable(key: String, expected: String, reason: String) -> Self {
        Self(.undecodable(key: key, expected: expected, reason: reason))
    }
    /// A value of `type` could not be encoded for `key`, for `reason`.
    public static func unencodable(key: String, type: String, reason: String) -> Self {
        Self(.unencodable(key: key, type: type, reason: reason))
    }
    /// The cache's configuration is invalid; `text` says why.
    public static func invalidConfiguration(_ text: String) -> Self { Self(.invalidConfiguration(text)) }
    /// Redis failed with `error` (unreachable, timed out, refused the command).
    public static func backend(_ error: RedisError) -> Self { Self(.backend(error)) }

    // MARK: What the error carries

    /// Which problem this is.
    public var code: Code {
        switch payload {
        case .keyNotFound: .keyNotFound
        case .notAnInteger: .notAnInteger
        case .overflow: .overflow
        case .undecodable: .undecodable
        case .unencodable: .unencodable
        case .invalidConfiguration: .invalidConfiguration
        case .backend: .backend
        }
    }

    /// The cache key the error is about, as the caller wrote it; `nil` for
    /// ``Code/invalidConfiguration`` and ``Code/backend``.
    public var key: String? {
        switch payload {
        case .keyNotFound(let key), .notAnInteger(let key), .overflow(let key), .undecodable(let key, _, _),
            .unencodable(let key, _, _):
            key
        case .invalidConfiguration, .backend: nil
        }
    }

    /// The type the value was asked as (``Code/undecodable``); `nil` for other codes.
    public var expected: String? {
        if case .undecodable(_, let expected, _) = payload { expected } else { nil }
    }

    /// The type of the value that could not be stored (``Code/unencodable``); `nil` for other codes.
    public var valueType: String? {
        if case .unencodable(_, let type, _) = payload { type } else { nil }
    }

    /// Why: the serializer's reason (``Code/undecodable``, ``Code/unencodable``) or what is wrong
    /// with the configuration (``Code/invalidConfiguration``); `nil` for other codes.
    public var reason: String? {
        switch payload {
        case .undecodable(_, _, let reason), .unencodable(_, _, let reason), .invalidConfiguration(let reason): reason
        default: nil
        }
    }

    /// Redis's error (``Code/backend``), whose own ``RedisError/code`` says what failed; `nil` for other codes.
    public var redisError: RedisError? {
        if case .backend(let error) = payload { error } else { nil }
    }

    /// A sentence naming the key, the problem and what to do.
    public var description: String {
        switch payload {
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
