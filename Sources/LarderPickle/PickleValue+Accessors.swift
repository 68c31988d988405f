import Foundation

/// Reading a value without a `switch`: each accessor is nil when the value is another type.
extension PickleValue {
    /// True for `None`.
    public var isNone: Bool { self == .none }

    /// The `str`, or nil.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The `int` if it fits 64 bits, or nil (a `bool` is not taken for an int here).
    public var intValue: Int? {
        switch self {
        case .int(let number): return number
        case .bigInt(let number): return number.intValue
        default: return nil
        }
    }

    /// The `float`, or an `int` as a double (as Python's `float(n)`), or nil.
    public var doubleValue: Double? {
        switch self {
        case .float(let number): return number
        case .int(let number): return Double(number)
        default: return nil
        }
    }

    /// The `bool`, or nil.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The `bytes`, or nil.
    public var bytesValue: [UInt8]? {
        if case .bytes(let bytes) = self { return bytes }
        return nil
    }

    /// The elements of a `list` or `tuple`, or nil.
    public var arrayValue: [PickleValue]? {
        switch self {
        case .list(let items), .tuple(let items): return items
        default: return nil
        }
    }

    /// The elements of a `set` or `frozenset`, or nil.
    public var setElements: [PickleValue]? {
        switch self {
        case .set(let items), .frozenset(let items): return items
        default: return nil
        }
    }

    /// The pairs of a `dict` in insertion order, or nil.
    public var dictPairs: [Pair]? {
        if case .dict(let pairs) = self { return pairs }
        return nil
    }

    /// A `dict` whose keys are all strs, as a Swift dictionary (a repeated key keeps its last
    /// value, as Python's `dict` does); nil for another type or a non-str key.
    public var stringKeyedDictionary: [String: PickleValue]? {
        guard case .dict(let pairs) = self else { return nil }
        var dictionary: [String: PickleValue] = [:]
        dictionary.reserveCapacity(pairs.count)
        for pair in pairs {
            guard case .string(let key) = pair.key else { return nil }
            dictionary[key] = pair.value
        }
        return dictionary
    }

    /// The value at the str key `key` of a `dict` (the last, if repeated), or nil.
    public subscript(key: String) -> PickleValue? {
        guard case .dict(let pairs) = self else { return nil }
        return pairs.last { $0.key == .string(key) }?.value
    }

    /// The element at `index` of a `list` or `tuple`, or nil if out of range.
    public subscript(index: Int) -> PickleValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }
}

extension PickleValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// A `str` literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An `int` literal.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A `float` literal.
    public init(floatLiteral value: Double) { self = .float(value) }
    /// `True` or `False`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `None`.
    public init(nilLiteral: ()) { self = .none }
    /// A `list` literal.
    public init(arrayLiteral elements: PickleValue...) { self = .list(elements) }
    /// A `dict` literal, its pairs in the order written: `["count": 2, "name": "x"]`.
    public init(dictionaryLiteral elements: (PickleValue, PickleValue)...) {
        self = .dict(elements.map { Pair($0.0, $0.1) })
    }
}
