import NIOCore

/// Cuts complete RESP2/RESP3 frames off the front of a buffer, validating each whole.
///
/// Input may arrive split at any byte: `decode(buffer:)` returns `nil` and consumes nothing
/// until a frame is complete, then consumes exactly that frame and returns it as a
/// ``RESPToken``, a slice of the received bytes (no copy, no value tree). Limits are checked as
/// soon as a header arrives, so an oversized bulk string is refused before it is buffered.
///
/// ```swift
/// var decoder = RESPDecoder()
/// var buffer = ByteBuffer(string: "+PONG\r\n")
/// let token = try decoder.decode(buffer: &buffer)  // .simpleString("PONG")
/// ```
public struct RESPDecoder: Sendable {
    /// The bounds enforced on every frame.
    public var limits: RESPLimits

    /// Creates a decoder enforcing `limits`.
    public init(limits: RESPLimits = RESPLimits()) {
        self.limits = limits
    }

    /// Returns the next complete frame and consumes its bytes, or returns `nil` (consuming
    /// nothing) if the buffer holds only part of a frame.
    ///
    /// - Throws: ``RESPDecodeError`` when the bytes are not RESP or exceed ``limits``. The
    ///   buffer is left untouched; the stream cannot be resumed after an error.
    public mutating func decode(buffer: inout ByteBuffer) throws(RESPDecodeError) -> RESPToken? {
        let limits = self.limits
        let scanned: Result<Int?, RESPDecodeError> = buffer.withUnsafeReadableBytes { bytes in
            do throws(RESPDecodeError) {
                return .success(try RESPScanner(bytes: bytes, limits: limits).frameEnd(from: 0))
            } catch {
                return .failure(error)
            }
        }
        guard let length = try scanned.get() else { return nil }
        return RESPToken(validated: buffer.readSlice(length: length)!)
    }
}
