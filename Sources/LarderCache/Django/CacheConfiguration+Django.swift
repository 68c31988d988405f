import LarderPickle
import LarderRedis

/// Presets that configure a cache exactly as a Django backend would be with the same settings, so
/// that a Swift service and a Django app sharing one Redis use the same database, the same keys
/// (`KEY_PREFIX:VERSION:key`) and the same bytes: each reads what the other writes.
///
/// | preset | Django's `BACKEND` | `LOCATION` without a database | values |
/// |---|---|---|---|
/// | ``django(location:keyPrefix:version:)`` | `django.core.cache.backends.redis.RedisCache` (Django ≥ 4.0, a new project's) | DB 0 | pickle 5, integers as digits |
/// | ``djangoRedis(location:keyPrefix:version:serializer:compressor:)`` | `django_redis.cache.RedisCache` | DB 0 | pickle 4 (or JSON), optionally zlib |
/// | ``djangoRedisCache(location:keyPrefix:version:)`` | `redis_cache.RedisCache` (django-redis-cache, the article's) | DB 1 | pickle 5, integers as digits |
///
/// Django's page cache stores pickled `HttpResponse` objects, which this library does not read:
/// give the two sides' page caches different key prefixes (see `PageCacheKeys`).
extension CacheConfiguration {
    /// How django-redis serializes values (`OPTIONS["SERIALIZER"]`).
    public struct DjangoRedisSerializer: Sendable, Hashable {
        let isJSON: Bool
        let pickleProtocol: Int
        /// `django_redis.serializers.pickle.PickleSerializer`, the default: protocol 4, or
        /// `OPTIONS["PICKLE_VERSION"]`.
        public static func pickle(protocol version: Int = Pickle.defaultProtocol) -> DjangoRedisSerializer {
            DjangoRedisSerializer(isJSON: false, pickleProtocol: version)
        }
        /// `django_redis.serializers.pickle.PickleSerializer` at protocol 4.
        public static let pickle = pickle()
        /// `django_redis.serializers.json.JSONSerializer`: JSON both sides read (Django writes a
        /// `datetime` as an ISO-8601 string, which a Swift `Date` does not decode from; use
        /// `String` for such fields).
        public static let json = DjangoRedisSerializer(isJSON: true, pickleProtocol: Pickle.defaultProtocol)
    }

    /// Django's built-in `RedisCache` (`django.core.cache.backends.redis.RedisCache`), as a
    /// project made by `startproject` today configures it:
    ///
    /// ```python
    /// CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
    ///                       "LOCATION": "unix:///var/run/redis/redis.sock?db=0"}}
    /// ```
    ///
    /// - Parameter location: a `unix://`, `redis://` or `rediss://` URL, as redis-py's
    ///   `from_url` reads it: DB 0 unless the URL names one. (Django's backend refuses a bare
    ///   socket path; so does this preset.)
    /// - Throws: ``CacheError/invalidConfiguration(_:)`` naming what is wrong with `location`.
    public static func django(location: String, keyPrefix: String = "", version: Int = 1) throws(CacheError) -> CacheConfiguration {
        try requireURL(location, backend: "Django's RedisCache")
        return try preset(location: location, defaultDatabase: 0, keyPrefix: keyPrefix, version: version, serializer: DjangoPickleSerializer(pickleProtocol: Pickle.highestProtocol))
    }

    /// django-redis (`django_redis.cache.RedisCache`) with its default client:
    ///
    /// ```python
    /// CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache",
    ///                       "LOCATION": "unix:///var/run/redis/redis.sock?db=0",
    ///                       "OPTIONS": {"COMPRESSOR": "django_redis.compressors.zlib.ZlibCompressor"}}}
    /// ```
    ///
    /// - Parameters:
    ///   - location: a `unix://`, `redis://` or `rediss://` URL; DB 0 unless it names one.
    ///   - serializer: `OPTIONS["SERIALIZER"]`: ``DjangoRedisSerializer/pickle`` (the default) or ``DjangoRedisSerializer/json``.
    ///   - compressor: `OPTIONS["COMPRESSOR"]`: `nil` (identity, the default) or ``ZlibCacheCompressor``.
    /// - Throws: ``CacheError/invalidConfiguration(_:)`` naming what is wrong with `location`.
    public static func djangoRedis(
        location: String, keyPrefix: String = "", version: Int = 1,
        serializer: DjangoRedisSerializer = .pickle, compressor: (any CacheCompressor)? = nil
    ) throws(CacheError) -> CacheConfiguration {
        try requireURL(location, backend: "django-redis")
        let values: any CacheSerializer = serializer.isJSON ? FastJSONCacheSerializer() : DjangoPickleSerializer(pickleProtocol: serializer.pickleProtocol)
        var configuration = try preset(location: location, defaultDatabase: 0, keyPrefix: keyPrefix, version: version, serializer: values)
        configuration.compressor = compressor
        return configuration
    }

    /// django-redis-cache (`redis_cache.RedisCache`), the article's backend:
    ///
    /// ```python
    /// CACHES = {"default": {"BACKEND": "redis_cache.RedisCache",
    ///                       "LOCATION": "/var/run/redis/redis.sock"}}
    /// ```
    ///
    /// - Parameter location: a socket path, or a `unix://` or `redis://` URL; DB 1 unless it
    ///   names one (django-redis-cache's `OPTIONS["DB"]` default).
    /// - Throws: ``CacheError/invalidConfiguration(_:)`` naming what is wrong with `location`.
    public static func djangoRedisCache(location: String, keyPrefix: String = "", version: Int = 1) throws(CacheError) -> CacheConfiguration {
        try preset(location: location, defaultDatabase: 1, keyPrefix: keyPrefix, version: version, serializer: DjangoPickleSerializer(pickleProtocol: Pickle.highestProtocol))
    }

    private static func preset(
        location: String, defaultDatabase: Int, keyPrefix: String, version: Int, serializer: any CacheSerializer
    ) throws(CacheError) -> CacheConfiguration {
        var configuration = try CacheConfiguration(location: location, defaultDatabase: defaultDatabase)
        configuration.keyPrefix = keyPrefix
        configuration.version = version
        configuration.serializer = serializer
        return configuration
    }

    /// Refuses a bare socket path, as redis-py's `from_url` (behind Django's `RedisCache` and
    /// django-redis) does, saying the URL to write instead.
    private static func requireURL(_ location: String, backend: String) throws(CacheError) {
        guard !location.contains("://") else { return }
        let path = location.hasPrefix("/") ? location : "/path/to/redis.sock"
        throw .invalidConfiguration("'\(location)' is not a URL: \(backend) takes LOCATION as a URL (unix://\(path)?db=0, redis://host:6379/0)")
    }
}
