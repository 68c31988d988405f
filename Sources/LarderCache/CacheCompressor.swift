import LarderZlib
import NIOCore

/// Compresses a cache value's serialized bytes before they go to Redis, and undoes it on the way
/// back (django-redis's `COMPRESSOR` option). Set one on ``CacheConfiguration/compressor``.
///
/// It sees only what the serializer wrote, and never an integer: integers are stored as their
/// digits (what `incr` counts), as django-redis never compresses an `int`. A value with bytes of
/// its own (``CacheBytesRepresentable``) is stored as it is too.
public protocol CacheCompressor: Sendable {
    /// The bytes to store for `value` (the serializer's output): compressed, or `value` itself
    /// when compressing is not worth it (django-redis's `min_length`).
    ///
    /// - Throws: when the value cannot be compressed; the cache reports it as
    ///   ``CacheError/Code/unencodable``.
    func compress(_ value: ByteBuffer) throws -> ByteBuffer

    /// The serializer's bytes from a stored `value`; `nil` when `value` is not something this
    /// compressor wrote, so that the cache reads it as it is (django-redis catches
    /// `CompressorError` and does the same: a value stored uncompressed, because it was short or
    /// written without a compressor, stays readable).
    ///
    /// - Throws: when `value` is compressed but must not be read (it decompresses to more than
    ///   allowed); the cache reports it as ``CacheError/Code/undecodable``.
    func decompress(_ value: ByteBuffer) throws -> ByteBuffer?
}

/// django-redis's `ZlibCompressor` (`"COMPRESSOR": "django_redis.compressors.zlib.ZlibCompressor"`):
/// a serialized value longer than ``minimumLength`` bytes is stored as Python's
/// `zlib.compress(value, 6)` writes it; shorter ones as they are. On read a value that is not a
/// zlib stream is taken as stored uncompressed.
///
/// ```swift
/// var configuration = CacheConfiguration()
/// configuration.compressor = ZlibCacheCompressor()
/// ```
///
/// Decompression is bounded by ``maximumSize``: a small stored value that would inflate to
/// gigabytes is ``CacheError/Code/undecodable`` rather than exhausted memory.
public struct ZlibCacheCompressor: CacheCompressor {
    /// Values of at most this many bytes are stored uncompressed (django-redis's `min_length`:
    /// it compresses when `len(value) > 15`). Default 15.
    public var minimumLength: Int
    /// zlib's level, `-1` (zlib's default, 6) or `0...9`. Default 6, django-redis's `preset`.
    public var level: Int
    /// The largest decompressed value accepted, in bytes. Default ``Zlib/defaultMaximumSize``
    /// (64 MiB).
    public var maximumSize: Int

    /// django-redis's `ZlibCompressor`, unless told otherwise.
    public init(minimumLength: Int = 15, level: Int = 6, maximumSize: Int = Zlib.defaultMaximumSize) {
        self.minimumLength = minimumLength
        self.level = level
        self.maximumSize = maximumSize
    }

    /// `value` compressed when longer than ``minimumLength``, else `value`.
    ///
    /// - Throws: ``ZlibError`` (``ZlibError/Code/invalidLevel`` for a ``level`` outside `-1...9`).
    public func compress(_ value: ByteBuffer) throws -> ByteBuffer {
        guard value.readableBytes > minimumLength else { return value }
        return try Zlib.compress(value, level: level)
    }

    /// `value` decompressed, or `nil` when it is not a zlib stream (stored uncompressed).
    ///
    /// - Throws: ``ZlibError`` with code ``ZlibError/Code/tooLarge`` past ``maximumSize``.
    public func decompress(_ value: ByteBuffer) throws -> ByteBuffer? {
        do {
            return try Zlib.decompress(value, maximumSize: maximumSize)
        } catch where error.code == .tooLarge {
            throw error
        } catch {
            // django-redis: `with suppress(CompressorError)` around `zlib.decompress`.
            return nil
        }
    }
}
