import NIOCore

/// A value the cache stores as bytes of its own making rather than through the configured
/// serializer, unless that serializer asks for every value (``CacheSerializer/ownsEveryValue``,
/// as ``DjangoPickleSerializer`` does, so that Django can read them). The page cache stores a response this way, as
/// HTTP/1.1 text (`HTTP/1.1 200 OK`, its headers, its body) that `redis-cli get` shows as is.
///
/// A conforming type is still `Codable` (the cache's operations ask for it); ``RedisCache``
/// and ``MemoryCache`` use these two members instead.
public protocol CacheBytesRepresentable: Codable, Sendable {
    /// Appends the stored form to `buffer`.
    func writeCacheBytes(to buffer: inout ByteBuffer)
    /// The value read back from its stored form.
    init(cacheBytes: ByteBuffer) throws
}
