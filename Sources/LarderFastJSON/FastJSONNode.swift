/// A value on its way to bytes: what the encoder builds, and the writer writes once the whole
/// value is known (so that object keys can be sorted).
///
/// Containers are boxes because `Encoder` hands out containers that are written after they
/// are returned; one box per array or object, none per scalar.
enum FastJSONNode {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    /// A finite `Double` (the encoder rejects the others).
    case double(Double)
    /// A finite `Float`, written as `Float` prints it (`0.1`, not `0.10000000149011612`).
    case float(Float)
    case string(String)
    /// Number text written as is: a `Decimal` other than NaN (the encoder rejects NaN).
    case number(String)
    case array(FastJSONArrayBox)
    case object(FastJSONObjectBox)
    /// What a `superEncoder()` encoded, known only when the writer runs.
    case deferred(FastJSONEncoder)
}

/// The elements of an array being encoded.
final class FastJSONArrayBox {
    // Exclusivity is checked at run time for class properties, a cost per element; every
    // access here is a short append or read by code in this module.
    @exclusivity(unchecked) var values: [FastJSONNode] = []

    init(capacity: Int = 8) {
        values.reserveCapacity(capacity)  // once, instead of growing 1, 2, 4, 8
    }
}

/// The members of an object being encoded, in the order encoded; sorted when written.
final class FastJSONObjectBox {
    @exclusivity(unchecked) var members: [(key: String, value: FastJSONNode)] = []

    init(capacity: Int = 8) {
        members.reserveCapacity(capacity)
    }
}
