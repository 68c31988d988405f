import NIOCore
import RESP

/// A key, held as the bytes Redis stores. Create one from a string literal or any `String`.
public struct RedisKey: Hashable, Sendable, RESPRenderable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The key's bytes.
    public var bytes: ByteBuffer

    /// A key from its UTF-8 text.
    public init(_ string: String) { bytes = ByteBuffer(string: string) }
    /// A key from raw bytes.
    public init(_ bytes: ByteBuffer) { self.bytes = bytes }
    /// A key from a string literal: `GET(":1:my_key")`.
    public init(stringLiteral value: String) { self.init(value) }

    public var respEntries: Int { 1 }
    public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeBulkString(bytes) }
    public var description: String { String(buffer: bytes) }
}
