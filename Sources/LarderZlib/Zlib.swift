import CompressNIO
import NIOCore

/// Python's `zlib.compress` and `zlib.decompress`: zlib streams (RFC 1950, first byte `0x78` at
/// the default window), the format django-redis's `ZlibCompressor` stores and Django's
/// `signing.dumps(..., compress=True)` signs.
///
/// The same input at the same level gives the same bytes as Python (both call the system's zlib
/// with a 32 KiB window, memory level 8 and the default strategy), so a value compressed here is
/// byte for byte what Django would have written.
///
/// ```swift
/// let packed = try Zlib.compress(ByteBuffer(string: json))
/// let json = try Zlib.decompress(packed, maximumSize: 1 << 20)
/// ```
public enum Zlib {
    /// zlib's default level (`Z_DEFAULT_COMPRESSION`, which zlib takes as 6), Python's default.
    public static let defaultLevel = -1

    /// The decompressed size allowed when none is given: 64 MiB. Django has no limit; this one
    /// keeps a small compressed value (a zip bomb) from taking all the memory there is.
    public static let defaultMaximumSize = 64 << 20

    /// The readable bytes of `input` as one zlib stream, as Python's `zlib.compress(data, level)`.
    ///
    /// - Parameter level: `0` (stored) to `9` (smallest), or `-1` (zlib's default, 6). Default `-1`.
    /// - Throws: ``ZlibError`` with code ``ZlibError/Code/invalidLevel`` for a level outside
    ///   `-1...9`, ``ZlibError/Code/failed`` if zlib fails (out of memory).
    public static func compress(_ input: ByteBuffer, level: Int = defaultLevel) throws(ZlibError) -> ByteBuffer {
        guard (-1...9).contains(level) else { throw ZlibError(.invalidLevel, "level \(level) is not in -1...9") }
        var input = input
        do {
            let compressor = try ZlibCompressor(
                algorithm: .zlib,
                configuration: ZlibConfiguration(windowSize: 15, compressionLevel: Int32(level), memoryLevel: 8, strategy: .default)
            )
            // deflateBound: room for the whole stream, so one call with Z_FINISH completes it.
            var output = ByteBufferAllocator().buffer(capacity: compressor.maxSize(from: input))
            try compressor.deflate(from: &input, to: &output, flush: .finish)
            return output
        } catch {
            throw ZlibError(.failed, "compression failed (\(error))")
        }
    }

    /// The bytes `bytes` as one zlib stream, as Python's `zlib.compress(data, level)`.
    ///
    /// - Throws: as ``compress(_:level:)-(ByteBuffer,_)``.
    public static func compress(_ bytes: some Sequence<UInt8>, level: Int = defaultLevel) throws(ZlibError) -> [UInt8] {
        let output = try compress(ByteBuffer(bytes: bytes), level: level)
        return Array(output.readableBytesView)
    }

    /// The zlib stream in the readable bytes of `input`, decompressed, as Python's
    /// `zlib.decompress(data)`: bytes after the end of the stream are ignored, as Python does.
    ///
    /// Decompression stops as soon as the output passes `maximumSize`, so a small value that
    /// would inflate to gigabytes costs at most `maximumSize` bytes of memory.
    ///
    /// - Parameter maximumSize: the largest decompressed size accepted, in bytes. Default
    ///   ``defaultMaximumSize`` (64 MiB).
    /// - Throws: ``ZlibError`` with code ``ZlibError/Code/tooLarge`` past `maximumSize`,
    ///   ``ZlibError/Code/corrupt`` for data that is not a zlib stream or fails its checksum,
    ///   ``ZlibError/Code/truncated`` for a stream that does not end, ``ZlibError/Code/failed``
    ///   if zlib fails (out of memory).
    public static func decompress(_ input: ByteBuffer, maximumSize: Int = defaultMaximumSize) throws(ZlibError) -> ByteBuffer {
        guard input.readableBytes > 0 else { throw ZlibError(.truncated, "incomplete or truncated stream (no bytes)") }
        let limit = max(0, maximumSize)
        var input = input
        let decompressor: ZlibDecompressor
        do {
            decompressor = try ZlibDecompressor(algorithm: .zlib, windowSize: 15)
        } catch {
            throw ZlibError(.failed, "cannot start decompressing (\(error))")
        }
        // Room for one byte past the limit: filling it proves the output is too large, and a
        // stream of exactly `limit` bytes still ends inside the buffer.
        var output = ByteBufferAllocator().buffer(capacity: min(limit + 1, max(256, input.readableBytes * 4)))
        while true {
            do {
                try decompressor.inflate(from: &input, to: &output)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                // The output is full and zlib has more: grow it, up to one byte past the limit.
                guard output.readableBytes <= limit else { throw tooLarge(limit) }
                let room = min(limit + 1 - output.readableBytes, max(256, output.capacity))
                output.reserveCapacity(minimumWritableBytes: room)
                continue
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                throw ZlibError(.truncated, "incomplete or truncated stream")
            } catch let error as CompressNIOError where error == .corruptData {
                throw ZlibError(.corrupt, "invalid data (not a zlib stream, or its checksum does not match)")
            } catch {
                throw ZlibError(.failed, "decompression failed (\(error))")
            }
            guard output.readableBytes <= limit else { throw tooLarge(limit) }
            // No error: either the stream ended (bytes may follow it, which Python ignores), or
            // zlib used all the input with room to spare and wants more. Only the first leaves
            // input unread; for the second, one more call with no input tells: an ended stream
            // says so again, a truncated one asks for input.
            if input.readableBytes > 0 { return output }
            if output.writableBytes == 0 { output.reserveCapacity(minimumWritableBytes: 1) }
            do {
                try decompressor.inflate(from: &input, to: &output)
                return output
            } catch {
                throw ZlibError(.truncated, "incomplete or truncated stream")
            }
        }
    }

    /// The bytes `bytes` decompressed as ``decompress(_:maximumSize:)-(ByteBuffer,_)``.
    ///
    /// - Throws: as ``decompress(_:maximumSize:)-(ByteBuffer,_)``.
    public static func decompress(_ bytes: some Sequence<UInt8>, maximumSize: Int = defaultMaximumSize) throws(ZlibError) -> [UInt8] {
        let output = try decompress(ByteBuffer(bytes: bytes), maximumSize: maximumSize)
        return Array(output.readableBytesView)
    }

    private static func tooLarge(_ limit: Int) -> ZlibError {
        ZlibError(.tooLarge, "the data decompresses to more than \(limit) bytes")
    }
}
