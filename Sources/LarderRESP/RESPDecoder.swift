import NIOCore

/// Cuts complete RESP2/RESP3 frames off the front of a buffer, validating each whole.
///
/// Input may arrive split at any byte: `decode(buffer:)` returns `nil` and consumes nothing
/// until a frame is complete, then consumes exactly that frame and returns it as a
/// ``RESPToken``, a slice of the received bytes (no copy, no value tree). Limits are checked as
/// soon as a header arrives, so an oversized bulk string is refused before it is buffered.
///
/// After a `nil`, call again with the same bytes followed by more (as NIO's decoders do): the
/// decoder resumes a large aggregate where it stopped rather than validating it again.
///
/// ```swift
/// var decoder = RESPDecoder()
/// var buffer = ByteBuffer(string: "+PONG\r\n")
/// let token = try decoder.decode(buffer: &buffer)  // .simpleString("PONG")
/// ```
public struct RESPDecoder: Sendable {
    /// The bounds enforced on every frame.
    public var limits: RESPLimits
    /// Where the scan of an incomplete large frame stopped, so that the next call (with the
    /// same bytes and more) resumes there instead of validating the frame again from its start.
    private var checkpoint: RESPScanner.Checkpoint?

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
        // A checkpoint only describes bytes this decoder has seen: fewer bytes means another buffer.
        let resume = checkpoint.flatMap { $0.position <= buffer.readableBytes ? $0 : nil }
        let scanned: Result<RESPScanner.Outcome, RESPDecodeError> = buffer.withUnsafeReadableBytes { bytes in
            do throws(RESPDecodeError) {
                return .success(try RESPScanner(bytes: bytes, limits: limits).scanFrame(resuming: resume))
            } catch {
                return .failure(error)
            }
        }
        switch scanned {
        case .failure(let error):
            checkpoint = nil
            throw error
        case .success(.incomplete(let newCheckpoint)):
            checkpoint = newCheckpoint
            return nil
        case .success(.complete(let length)):
            checkpoint = nil
            return RESPToken(validated: buffer.readSlice(length: length)!)
        }
    }
}
