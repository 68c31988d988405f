import Foundation
import LarderFastJSON
import NIOCore

/// A JSON serializer that writes and reads the bytes itself: for the article's `my-key` struct,
/// about 5x faster to encode and 6x faster to decode than ``JSONCacheSerializer`` (Foundation's
/// `JSONEncoder`/`JSONDecoder`; `swift run -c release bench serializer`), with output either can
/// read.
///
/// Same format as ``JSONCacheSerializer``: an `Int` is its digits (`42`, so Redis can `INCRBY`
/// it), object keys are sorted so equal values are stored as equal bytes, `Data` is a base64
/// string, `Date` is seconds since 2001-01-01 (Foundation's defaults), `URL` is its absolute
/// string. Keys are sorted by their UTF-8 bytes, where `.sortedKeys` sorts numerically and
/// ignoring case: the two agree for the usual lowercase ASCII keys, and each reads the other's.
/// Of a key repeated in an object, both read the first value, into a struct or a dictionary.
///
/// ```swift
/// var configuration = CacheConfiguration()
/// configuration.serializer = FastJSONCacheSerializer()
/// ```
///
/// Encoding throws `EncodingError` (a non-finite `Double`, `Decimal.nan`, a value that encodes
/// nothing; Foundation writes `Decimal.nan` as `NaN`, which no JSON reader takes back);
/// decoding throws `DecodingError`, with the byte offset of malformed input (bytes that are
/// not UTF-8 included, as with Foundation) in ``FastJSONSyntaxError``, its underlying error.
public struct FastJSONCacheSerializer: CacheSerializer {
    /// A serializer with sorted keys, nesting limited to ``maximumDepth`` when reading.
    public init() {}

    /// How deeply arrays and objects may nest in input before decoding fails (instead of
    /// running out of stack).
    public static let maximumDepth = FastJSON.maximumDepth

    public func encode<Value: Encodable>(_ value: Value) throws -> Data {
        Data(try Self.bytes(of: value))
    }

    public func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        try data.withUnsafeBytes { raw in try Self.decode(type, from: raw) }
    }

    /// Writes the JSON straight after `buffer`'s bytes, without a `Data` in between.
    public func encode<Value: Encodable>(_ value: Value, into buffer: inout ByteBuffer) throws {
        buffer.writeBytes(try Self.bytes(of: value))
    }

    /// Reads the JSON in place in `buffer`, without copying it into a `Data`.
    public func decode<Value: Decodable>(_ type: Value.Type, from buffer: ByteBuffer) throws -> Value {
        try buffer.withUnsafeReadableBytes { raw in try Self.decode(type, from: raw) }
    }

    static func bytes<Value: Encodable>(of value: Value) throws -> [UInt8] {
        try FastJSON.encode(value)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from raw: UnsafeRawBufferPointer) throws -> Value {
        try FastJSON.decode(type, from: raw)
    }
}
