/// A JSON coder for `Codable` values that writes and reads the bytes itself: the cache's
/// default serializer (`FastJSONCacheSerializer`) is built on it.
///
/// The format is Foundation's `JSONEncoder`/`JSONDecoder` with `.sortedKeys`, and either reads
/// what the other wrote: an `Int` is its digits, object keys are sorted by their UTF-8 bytes so
/// equal values are equal bytes, `Data` is a base64 string, `Date` is seconds since 2001-01-01,
/// `URL` is its absolute string, `Decimal` is a number. Of a key repeated in an object, the first
/// value is read.
///
/// ```swift
/// let bytes = try FastJSON.encode(["b": 2, "a": 1])          // {"a":1,"b":2}
/// let back = try bytes.withUnsafeBytes { try FastJSON.decode([String: Int].self, from: $0) }
/// ```
///
/// Why a second JSON coder beside Foundation's: a cache reads and writes a value on every
/// request, and this one is several times faster for the same bytes
/// (`swift run -c release bench serializer`). Django's session payload, which must match
/// Python's `json.dumps` byte for byte (`\uXXXX` escapes, Python's float text), is written by the
/// session module's own codec, not by this one: its rules are Django's wire format, not JSON's.
public enum FastJSON {
    /// How deeply arrays and objects may nest in input before decoding fails (instead of
    /// running out of stack).
    public static let maximumDepth = 512

    /// The JSON text of `value`.
    ///
    /// - Throws: `EncodingError` for a non-finite `Double`, `Decimal.nan`, or a value that
    ///   encodes nothing.
    public static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let encoder = FastJSONEncoder()
        let node = try encoder.encodeTopLevel(value)
        var writer = FastJSONWriter()
        writer.write(node)
        return writer.bytes
    }

    /// The value of type `type` read from the JSON text in `raw`.
    ///
    /// - Throws: `DecodingError`; for malformed input (bytes that are not UTF-8 included), its
    ///   underlying error is a ``FastJSONSyntaxError`` with the byte offset.
    public static func decode<Value: Decodable>(_ type: Value.Type, from raw: UnsafeRawBufferPointer) throws -> Value {
        let bytes = raw.bindMemory(to: UInt8.self)
        let tape: [FastJSONTapeEntry]
        do {
            var parser = FastJSONParser(bytes: bytes, maximumDepth: maximumDepth)
            tape = try parser.parse()
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: [], debugDescription: "The given data was not valid JSON: \(error)", underlyingError: error)
            )
        }
        let decoder = FastJSONDecoder(bytes: bytes, tape: tape)
        return try decoder.unbox(type, at: 0)
    }
}
