import Foundation
import NIOCore
import NIOFoundationCompat
import Logging
import LarderRedis
/// Django's cache settings as one value, with Django's defaults
/// (<https://docs.djangoproject.com/en/stable/ref/settings/#caches>).
public struct CacheConfiguration: Sendable {
    /// Where Redis listens, and the database: the article's cache uses DB 1
    /// (`unix:///var/run/redis/redis.sock?db=1`), so that its keys stay apart from DB 0.
    /// Its timeouts are ``redisTimeout``: a configuration assigned here brings its own (30 s
    /// unless set), so set ``redisTimeout`` after it.
    public var redis: RedisConfiguration
    /// How long a cache call waits for Redis, to connect or for a reply, before it fails:
    /// an outage, thrown or (failing open) a miss. Default 250 ms
    /// (`RedisConfiguration.requestTimeout`): the cache answers web requests, and a stalled
    /// Redis (stopped with `SIGSTOP`, swapping, blocked by a slow `KEYS`) must cost a request
    /// a fraction of a second, not the 30 s a bare `RedisConfiguration` waits. After a timeout
    /// the cache's default client (a `RedisMultiplexer`) fails calls at once for a while, so
    /// most requests during such an outage do not wait at all. Raise it for slow commands by design (a `clear()` of a large
    /// database).
    ///
    /// It is ``redis``'s `commandTimeout`, read and set here together with its `connectTimeout`.
    /// A cache made with `RedisCache(client:configuration:)` uses the client's timeouts instead.
    public var redisTimeout: Duration {
        get { redis.commandTimeout }
        set { redis = redis.timingOut(after: newValue) }
    }
    /// The timeout of `set` and friends when none is given, in seconds; `nil` never expires.
    /// Default 300.
    public var defaultTimeout: Int?
    /// Prepended to every key (Django's `KEY_PREFIX`). Default `""`.
    public var keyPrefix: String
    /// The version used when none is given (Django's `VERSION`). Default 1.
    public var version: Int
    /// Makes the stored key from prefix, version and key. Default `prefix:version:key`, so the
    /// article's `cache.set("my_key", ...)` lands as `:1:my_key`.
    public var keyFunction: @Sendable (_ key: String, _ prefix: String, _ version: Int) -> String {
        get { customKeyFunction ?? Self.djangoKey }
        set { customKeyFunction = newValue }
    }
    /// The key function given instead of Django's, if any: with none, keys are made without a
    /// closure call or string interpolation (see ``CacheKeyMaker``).
    var customKeyFunction: (@Sendable (_ key: String, _ prefix: String, _ version: Int) -> String)?
    /// Encodes values. Default ``FastJSONCacheSerializer`` (JSON, about 5x faster than
    /// Foundation's coders, per `bench serializer`); ``JSONCacheSerializer`` writes the same JSON
    /// with Foundation.
    public var serializer: any CacheSerializer
    /// Compresses what the serializer writes (django-redis's `COMPRESSOR`), or `nil` to store it
    /// as it is. Default `nil`. ``ZlibCacheCompressor`` is django-redis's `ZlibCompressor`, so a
    /// Django app configured with it and this cache read each other's values. Integers (what
    /// `incr` counts) are never compressed, as django-redis never compresses an `int`, and
    /// neither are values with bytes of their own (``CacheBytesRepresentable``: sessions).
    public var compressor: (any CacheCompressor)?
    /// What a cache does when Redis cannot be reached. Default ``FailureMode/failClosed``.
    public var failureMode: FailureMode
    /// Where warnings go (odd keys, outages).
    public var logger: Logger

    /// What to do when the backend fails.
    public enum FailureMode: Sendable, Hashable {
        /// Throw ``CacheError/backend(_:)`` (Django's behaviour).
        case failClosed
        /// Reads miss and writes are dropped while Redis is unreachable, cannot serve for now
        /// (`LOADING`, `BUSY`) or refuses writes (`OOM`, `READONLY`); one warning when that
        /// starts, one notice when it ends. Any other error reply is still thrown, and `incr`
        /// (which has no value to fail open with) always throws.
        case failOpen
    }

    /// Django's defaults, on the article's socket and DB 1. A `keyFunction` of `nil` is
    /// Django's ``djangoKey``. `redisTimeout` replaces the timeouts of `redis` (see
    /// ``redisTimeout``).
    public init(
        redis: RedisConfiguration = RedisConfiguration(database: 1),
        redisTimeout: Duration = RedisConfiguration.requestTimeout,
        defaultTimeout: Int? = 300,
        keyPrefix: String = "",
        version: Int = 1,
        keyFunction: (@Sendable (String, String, Int) -> String)? = nil,
        serializer: any CacheSerializer = FastJSONCacheSerializer(),
        compressor: (any CacheCompressor)? = nil,
        failureMode: FailureMode = .failClosed,
        logger: Logger = Logger(label: "cache")
    ) {
        self.redis = redis.timingOut(after: redisTimeout)
        self.defaultTimeout = defaultTimeout
        self.keyPrefix = keyPrefix
        self.version = version
        self.customKeyFunction = keyFunction
        self.serializer = serializer
        self.compressor = compressor
        self.failureMode = failureMode
        self.logger = logger
    }

    /// Django's `default_key_func`: `"\(prefix):\(version):\(key)"`.
    public static let djangoKey: @Sendable (String, String, Int) -> String = { key, prefix, version in
        "\(prefix):\(version):\(key)"
    }

    /// The configuration with the Redis location read from a URL (`unix:///...?db=1`,
    /// `redis://host:6379/1`, or the article's bare socket path). A location that names no
    /// database (no `?db=`, no `/N` after a `redis://` host) means DB 1, as the article's
    /// backend used it.
    ///
    /// - Throws: ``CacheError/invalidConfiguration(_:)`` saying what is wrong with the location.
    public init(location: String) throws(CacheError) {
        try self.init(location: location, defaultDatabase: 1)
    }

    /// The configuration with the Redis location read from `location`, in `defaultDatabase`
    /// when it names none (the Django presets' rule differs by backend).
    init(location: String, defaultDatabase: Int) throws(CacheError) {
        self.init()
        do {
            redis = try RedisConfiguration(url: location, defaultDatabase: defaultDatabase).timingOut(after: redisTimeout)
        } catch {
            // The text alone: the description would say "invalid ... configuration" twice.
            guard error.code == .invalidConfiguration, let text = error.detail else { throw .invalidConfiguration("\(error)") }
            throw .invalidConfiguration(text)
        }
    }
}

extension CacheConfiguration {
    /// The configuration with its location from `CACHE_URL`, else `REDIS_URL` (read by
    /// ``init(location:)``), else the default socket and DB 1.
    ///
    /// - Throws: ``CacheError/invalidConfiguration(_:)`` when the variable is set but invalid.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(CacheError) -> CacheConfiguration {
        guard let (name, url) = [("CACHE_URL", environment["CACHE_URL"]), ("REDIS_URL", environment["REDIS_URL"])]
            .compactMap({ name, url in url.flatMap { $0.isEmpty ? nil : (name, $0) } }).first
        else {
            return CacheConfiguration()
        }
        do {
            return try CacheConfiguration(location: url)
        } catch {
            guard error.code == .invalidConfiguration, let text = error.reason else { throw error }
            throw .invalidConfiguration("\(name): \(text)")
        }
    }

    /// `value` encoded by the configured serializer, or ``CacheError/unencodable(key:type:reason:)``.
    func encode<Value: Encodable>(_ value: Value, key: String) throws(CacheError) -> Data {
        if !serializer.ownsEveryValue, let raw = value as? any CacheBytesRepresentable {
            var buffer = ByteBuffer()
            raw.writeCacheBytes(to: &buffer)
            return Data(buffer.readableBytesView)
        }
        do {
            let encoded = try serializer.encode(value)
            guard let compressor, !Self.isStoredAsDigits(value) else { return encoded }
            return Data(try compressor.compress(ByteBuffer(data: encoded)).readableBytesView)
        } catch {
            throw .unencodable(key: key, type: "\(Value.self)", reason: "\(error)")
        }
    }

    /// `bytes` decoded as `type`, or ``CacheError/undecodable(key:expected:reason:)`` saying why.
    func decode<Value: Decodable>(_ type: Value.Type, from bytes: Data, key: String) throws(CacheError) -> Value {
        if type is any CacheBytesRepresentable.Type {
            return try decode(type, from: ByteBuffer(bytes: bytes), key: key)
        }
        if compressor != nil {
            return try decode(type, from: ByteBuffer(data: bytes), key: key)
        }
        do {
            return try serializer.decode(type, from: bytes)
        } catch {
            throw .undecodable(key: key, expected: "\(Value.self)", reason: Self.reason(error))
        }
    }

    /// `value` appended to a new buffer by the serializer, or ``CacheError/unencodable(key:type:reason:)``.
    func encodeBuffer<Value: Encodable>(_ value: Value, key: String) throws(CacheError) -> ByteBuffer {
        var buffer = ByteBuffer()
        // The metatype first: casting the value itself costs a copy into an existential box
        // on every call, for the rare value that has bytes of its own.
        if Value.self is any CacheBytesRepresentable.Type, !serializer.ownsEveryValue, let raw = value as? any CacheBytesRepresentable {
            raw.writeCacheBytes(to: &buffer)
            return buffer
        }
        do {
            try serializer.encode(value, into: &buffer)
            guard let compressor, !Self.isStoredAsDigits(value) else { return buffer }
            return try compressor.compress(buffer)
        } catch {
            throw .unencodable(key: key, type: "\(Value.self)", reason: "\(error)")
        }
    }

    /// `buffer` decoded in place as `type`, or ``CacheError/undecodable(key:expected:reason:)``.
    func decode<Value: Decodable>(_ type: Value.Type, from buffer: ByteBuffer, key: String) throws(CacheError) -> Value {
        do {
            if let raw = type as? any CacheBytesRepresentable.Type, !serializer.ownsEveryValue {
                // The force cast cannot fail: `raw` is `type`.
                return try raw.init(cacheBytes: buffer) as! Value
            }
        } catch {
            throw .undecodable(key: key, expected: "\(Value.self)", reason: Self.reason(error))
        }
        guard let compressor else {
            do {
                return try serializer.decode(type, from: buffer)
            } catch {
                throw .undecodable(key: key, expected: "\(Value.self)", reason: Self.reason(error))
            }
        }
        let decompressed: ByteBuffer?
        do {
            decompressed = try compressor.decompress(buffer)
        } catch {
            throw .undecodable(key: key, expected: "\(Value.self)", reason: "\(error)")
        }
        do {
            // Not compressed (short, or written without a compressor): read as it is, as django-redis does.
            return try serializer.decode(type, from: decompressed ?? buffer)
        } catch {
            let note = decompressed == nil ? " (read as stored uncompressed: not a value \(Swift.type(of: compressor)) compressed)" : ""
            throw .undecodable(key: key, expected: "\(Value.self)", reason: Self.reason(error) + note)
        }
    }

    /// Whether `value` is an integer (a Swift one, or a Python `int` as a `PickleValue`), which
    /// django-redis stores as its digits and never compresses (so that `INCRBY` can count it,
    /// whatever its length, and a reader's `int(value)` comes first).
    static func isStoredAsDigits<Value>(_ value: Value) -> Bool {
        Value.self is any BinaryInteger.Type || DjangoPickleSerializer.isInteger(value)
    }

    /// A decoding error in one sentence.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .typeMismatch(let type, let context): return "found another type than \(type) (\(context.debugDescription))"
        case .dataCorrupted(let context): return context.debugDescription
        case .keyNotFound(let key, _): return "no field '\(key.stringValue)'"
        case .valueNotFound(let type, _): return "a null where a \(type) was expected"
        @unknown default: return "\(error)"
        }
    }
}
