import Foundation

/// A ``PickleValue`` is `Codable` so that it can go wherever a value can: through
/// ``PickleEncoder`` and ``PickleDecoder`` it is the Python value itself, unchanged (read a
/// Django cache entry as `PickleValue` to take whatever Python stored). Through another coder
/// (JSON) it takes the nearest JSON shape: `None` null, numbers and strings as they are, a big
/// int as its decimal string, `bytes` as an array of byte values, every sequence an array, a
/// `dict` an object (keys as their Python `repr` when not strings), and a `datetime`, `date`,
/// `time`, `timedelta`, `Decimal` or `UUID` its Python `repr`. Read back from JSON, that shape
/// is null, bool, int, float, str, list and dict only.
extension PickleValue: Codable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .list(let items), .tuple(let items), .set(let items), .frozenset(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .dict(let pairs):
            var container = encoder.container(keyedBy: DictKey.self)
            for pair in pairs {
                try container.encode(pair.value, forKey: DictKey(stringValue: pair.key.stringValue ?? pair.key.description))
            }
        case .bytes(let bytes):
            var container = encoder.unkeyedContainer()
            for byte in bytes { try container.encode(byte) }
        default:
            var container = encoder.singleValueContainer()
            switch self {
            case .none: try container.encodeNil()
            case .bool(let flag): try container.encode(flag)
            case .int(let number): try container.encode(number)
            case .bigInt(let number): try container.encode(number.description)
            case .float(let number): try container.encode(number)
            case .string(let text): try container.encode(text)
            default: try container.encode(description)
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: DictKey.self) {
            self = .dict(try container.allKeys.map { PickleValue.Pair(.string($0.stringValue), try container.decode(PickleValue.self, forKey: $0)) })
            return
        }
        if var container = try? decoder.unkeyedContainer() {
            var items: [PickleValue] = []
            while !container.isAtEnd { items.append(try container.decode(PickleValue.self)) }
            self = .list(items)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .none
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int.self) {
            self = .int(number)
        } else if let number = try? container.decode(Double.self) {
            self = .float(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }
}

/// A `dict` key as a coding key.
private struct DictKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
