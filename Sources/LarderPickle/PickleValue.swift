import Foundation

/// A Python value as `pickle` stores it: the types Django's caches and sessions put there.
///
/// Containers keep Python's order: a ``dict(_:)`` is its key/value pairs in insertion order
/// (keys need not be strings), a ``set(_:)`` its elements in the order the pickle lists them.
/// `==` and hashing compare that structure exactly, order included, as a comparison of two
/// pickles would; read a dictionary by key with ``subscript(_:)-(String)``.
///
/// ```swift
/// let session = try Pickle.decode(bytes)          // {'_auth_user_id': '42', 'cart': [3, 5]}
/// let user = session["_auth_user_id"]?.stringValue // "42"
/// ```
public enum PickleValue: Sendable, Hashable {
    /// `None`.
    case none
    /// `True` or `False`.
    case bool(Bool)
    /// An `int` that fits 64 bits.
    case int(Int)
    /// An `int` beyond 64 bits (Python's ints have no bound).
    case bigInt(PickleBigInt)
    /// A `float` (an IEEE double, as in CPython).
    case float(Double)
    /// A `str`.
    case string(String)
    /// `bytes` (a `bytearray` reads as bytes too).
    case bytes([UInt8])
    /// A `list`.
    case list([PickleValue])
    /// A `tuple`.
    case tuple([PickleValue])
    /// A `dict`: its pairs in insertion order.
    case dict([Pair])
    /// A `set`, its elements in the pickle's order.
    case set([PickleValue])
    /// A `frozenset`, its elements in the pickle's order.
    case frozenset([PickleValue])
    /// A `datetime.datetime`, naive or with a fixed offset (`datetime.timezone.utc`, `timezone(timedelta(...))`).
    indirect case datetime(PickleDateTime)
    /// A `datetime.date`.
    indirect case date(PickleDate)
    /// A `datetime.time`, naive or with a fixed offset.
    indirect case time(PickleTime)
    /// A `datetime.timedelta`.
    indirect case timedelta(PickleTimeDelta)
    /// A `decimal.Decimal`, as the string it pickles as (`Decimal('1.10')` is `"1.10"`; also `"NaN"`, `"-Infinity"`).
    case decimal(String)
    /// A `uuid.UUID`.
    case uuid(UUID)

    /// One key/value pair of a ``PickleValue/dict(_:)``.
    public struct Pair: Sendable, Hashable {
        /// The key (a `str` in Django's dicts, but any hashable Python value may be one).
        public var key: PickleValue
        /// The value.
        public var value: PickleValue

        /// A pair of `key` and `value`.
        public init(_ key: PickleValue, _ value: PickleValue) {
            self.key = key
            self.value = value
        }
    }
}
