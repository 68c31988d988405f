import NIOCore
import LarderRESP
/// A key, held as the bytes Redis stores. Create one from a string literal or any `String`.
///
/// A key made from a `String` keeps the string and writes its UTF-8 straight into the command
/// (no buffer of its own: a key per cache call made two allocations that way); one made from
/// a `ByteBuffer` keeps the buffer. Either way, two keys are equal when their bytes are.
public struct RedisKey: Hashable, Sendable, RESPRenderable, ExpressibleByStringLiteral, CustomStringConvertible {
    private enum Storage: Sendable {
        case text(String)
        case bytes(ByteBuffer)
    }

    private var storage: Storage

    /// The key's bytes.
    public var bytes: ByteBuffer {
        get {
            switch storage {
            case .text(let text): ByteBuffer(string: text)
            case .bytes(let bytes): bytes
            }
        }
        set { storage = .bytes(newValue) }
    }

    /// A key from its UTF-8 text.
    public init(_ string: String) { storage = .text(string) }
    /// A key from raw bytes.
    public init(_ bytes: ByteBuffer) { storage = .bytes(bytes) }
    /// A key from a string literal: `GET(":1:my_key")`.
    public init(stringLiteral value: String) { self.init(value) }

    public var respEntries: Int { 1 }

    public func encode(into encoder: inout RESPCommandEncoder) {
        switch storage {
        case .text(let text): encoder.encodeBulkString(text)
        case .bytes(let bytes): encoder.encodeBulkString(bytes)
        }
    }

    public var description: String {
        switch storage {
        case .text(let text): text
        case .bytes(let bytes): String(buffer: bytes)
        }
    }

    /// The key's bytes, wherever they are held, for the length of `body`.
    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        switch storage {
        case .text(let text):
            // A native string's bytes in place, without the copy `withUTF8` needs a `var` for.
            if let result = try text.utf8.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) {
                return result
            }
            var copy = text
            return try copy.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
        case .bytes(let bytes):
            return try bytes.withUnsafeReadableBytes(body)
        }
    }

    public static func == (lhs: RedisKey, rhs: RedisKey) -> Bool {
        lhs.withBytes { left in rhs.withBytes { right in left.elementsEqual(right) } }
    }

    public func hash(into hasher: inout Hasher) {
        withBytes { hasher.combine(bytes: $0) }
    }
}
