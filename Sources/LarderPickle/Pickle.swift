import NIOCore

/// Python's `pickle` for the values Django keeps in a cache or a session: read (protocols 2 to 5)
/// and write (protocol 2 to 5, 5 by default as Django's `RedisCache` does).
///
/// ```swift
/// let value = try Pickle.decode(bytes)                     // what Django's cache.set stored
/// let stored = try Pickle.encode(.dict([.init("count", .int(2))]))  // what cache.get reads
/// ```
///
/// Reading is safe on hostile input: only an allow-list of types is built (datetime's, Decimal,
/// UUID, set, frozenset, bytearray), nothing is ever called, and every length, depth and count
/// is bounded (``PickleLimits``); anything else is a ``PickleError``.
public enum Pickle {
    /// Django's `RedisCache` and django-redis-cache write `pickle.HIGHEST_PROTOCOL` (5 on Python 3.8+).
    public static let highestProtocol = 5
    /// django-redis writes `pickle.DEFAULT_PROTOCOL` (4 on Python 3.8 to 3.13).
    public static let defaultProtocol = 4

    /// The value pickled in `bytes`.
    ///
    /// - Throws: ``PickleError`` naming the opcode and byte offset at fault.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: PickleLimits = PickleLimits()) throws(PickleError) -> PickleValue {
        var reader = PickleReader(bytes: bytes, limits: limits)
        return try reader.run()
    }

    /// The value pickled in `bytes`.
    public static func decode(_ bytes: [UInt8], limits: PickleLimits = PickleLimits()) throws(PickleError) -> PickleValue {
        // `withUnsafeBytes` rethrows as `any Error`; a `Result` keeps the error typed.
        try bytes.withUnsafeBytes { raw in Result { () throws(PickleError) in try decode(raw, limits: limits) } }.get()
    }

    /// The value pickled in `buffer`'s readable bytes, read in place (no copy); the reader index does not move.
    public static func decode(_ buffer: ByteBuffer, limits: PickleLimits = PickleLimits()) throws(PickleError) -> PickleValue {
        try buffer.withUnsafeReadableBytes { raw in Result { () throws(PickleError) in try decode(raw, limits: limits) } }.get()
    }

    /// `value` pickled at `protocol` (2 to 5), as bytes `pickle.loads` reads back equal: the very
    /// bytes `pickle.dumps` writes for the same Python value, unless that value holds one list,
    /// dict or str object in two places (CPython then writes a memo reference) or a str or bytes
    /// of 64 KiB or more (which CPython writes outside its frames).
    ///
    /// - Throws: ``PickleError/Code/unencodable`` for a protocol outside 2...5 or a date or time field out of range.
    public static func encode(_ value: PickleValue, protocol version: Int = highestProtocol) throws(PickleError) -> [UInt8] {
        var buffer = ByteBuffer()
        try encode(value, protocol: version, into: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// `value` pickled at `protocol` (2 to 5), appended to `buffer` (which is left as it was if this throws).
    public static func encode(_ value: PickleValue, protocol version: Int = highestProtocol, into buffer: inout ByteBuffer) throws(PickleError) {
        let start = buffer.writerIndex
        var writer = try PickleWriter(protocol: version, buffer: buffer)
        buffer = ByteBuffer()  // hands the storage to the writer without a copy
        do {
            try writer.write(value)
        } catch {
            // Hand back what the buffer held, without the partial pickle.
            writer.buffer.moveWriterIndex(to: start)
            buffer = writer.buffer
            throw error
        }
        buffer = writer.finish()
    }
}
