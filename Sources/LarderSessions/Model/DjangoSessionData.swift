import LarderCache
import Foundation
import NIOCore

/// What a session holds: Django's session dictionary, string keys to JSON values, with typed
/// accessors for any `Codable` value.
///
/// ```swift
/// var data = DjangoSessionData()
/// try data.set("count", 1)
/// try data.set("cart", Cart(items: ["book"]))           // any Encodable
/// let count = try data.get("count", as: Int.self)      // 1
/// let cart = try data.get("cart", as: Cart.self)       // Cart(items: ["book"])
/// ```
///
/// Stored as one JSON object: through the cache serializer by the cache engines, signed by
/// ``SessionSigner`` in the SQL table and the standalone Redis store.
public struct DjangoSessionData: Sendable, Hashable {
    /// The values by key.
    public var values: [String: SessionValue]

    /// An empty session, or one holding `values`.
    public init(_ values: [String: SessionValue] = [:]) {
        self.values = values
    }

    /// Whether the session holds nothing.
    public var isEmpty: Bool { values.isEmpty }

    /// The raw value under `key`, or `nil`.
    public subscript(_ key: String) -> SessionValue? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// The value under `key` read as `type`, or `nil` when the session has no such key.
    ///
    /// - Throws: ``SessionError/undecodable(key:expected:reason:)`` when the stored value is
    ///   not a `type` (never a silent `nil`).
    public func get<Value: Decodable>(_ key: String, as type: Value.Type = Value.self) throws(SessionError) -> Value? {
        guard let value = values[key] else { return nil }
        // The common session values skip the coder.
        switch value {
        case .int(let number) where type == Int.self: return number as? Value
        case .string(let text) where type == String.self: return text as? Value
        case .bool(let flag) where type == Bool.self: return flag as? Value
        case .double(let number) where type == Double.self: return number as? Value
        case .int(let number) where type == Double.self: return Double(number) as? Value
        default: break
        }
        if type == SessionValue.self { return value as? Value }
        var json: [UInt8] = []
        SessionJSON.write(value, into: &json)
        do {
            return try FastJSONCacheSerializer().decode(type, from: Data(json))
        } catch {
            throw .undecodable(key: key, expected: "\(type)", reason: "\(error)")
        }
    }

    /// Stores `value` under `key`, encoded as JSON.
    ///
    /// - Throws: ``SessionError/unencodable(key:reason:)`` when `value` has no JSON form.
    public mutating func set<Value: Encodable>(_ key: String, _ value: Value) throws(SessionError) {
        values[key] = try Self.sessionValue(value, key: key)
    }

    /// Removes `key`; returns the value it held.
    @discardableResult
    public mutating func remove(_ key: String) -> SessionValue? {
        values.removeValue(forKey: key)
    }

    /// `value` as a ``SessionValue``.
    static func sessionValue<Value: Encodable>(_ value: Value, key: String) throws(SessionError) -> SessionValue {
        switch value {
        case let number as Int: return .int(number)
        case let text as String: return .string(text)
        case let flag as Bool: return .bool(flag)
        case let number as Double: return .double(number)
        case let raw as SessionValue: return raw
        default:
            do {
                let serializer = FastJSONCacheSerializer()
                return try serializer.decode(SessionValue.self, from: try serializer.encode(value))
            } catch {
                throw .unencodable(key: key, reason: "\(error)")
            }
        }
    }

    /// The session as Django's JSON serializer writes it: `{"count":2}`.
    public var json: [UInt8] {
        var output: [UInt8] = []
        SessionJSON.writeObject(values, into: &output)
        return output
    }

    /// The session read from JSON text (an object), or `nil` when `json` is not one.
    public init?(json: some Collection<UInt8>) {
        guard let object = SessionJSONParser.parseObject(Array(json)) else { return nil }
        self.values = object
    }
}

extension DjangoSessionData: Codable {
    /// Decodes the JSON object (the cache engines store the bare dictionary, as Django does).
    public init(from decoder: any Decoder) throws {
        values = try [String: SessionValue](from: decoder)
    }

    /// Encodes the dictionary with its keys in sorted order, so that equal sessions are equal
    /// bytes in any format (a pickle keeps the order it is given).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: Key(stringValue: key))
        }
    }

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension DjangoSessionData: CacheBytesRepresentable {
    /// Writes the session's JSON (`{"count":2}`), the bytes the cache's default JSON
    /// serializer would write, with keys in sorted order. The cache engines store sessions
    /// this way whatever JSON serializer the cache is configured with, so that every engine and
    /// `redis-cli` see the same JSON; a serializer that takes every value
    /// (`CacheSerializer.ownsEveryValue`: Django's pickle) stores them its own way instead.
    public func writeCacheBytes(to buffer: inout ByteBuffer) {
        buffer.writeBytes(json)
    }

    /// The session read back from its JSON.
    ///
    /// - Throws: ``SessionError/undecodable(key:expected:reason:)`` when the bytes are not a
    ///   JSON object (the stores then read the key as holding no session).
    public init(cacheBytes: ByteBuffer) throws {
        guard let data = DjangoSessionData(json: cacheBytes.readableBytesView) else {
            throw SessionError.undecodable(key: "", expected: "a session (a JSON object)", reason: "not a JSON object")
        }
        self = data
    }
}
