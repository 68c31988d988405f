import Foundation
import LarderPickle

/// The values of `SAMPLES` in chapters/django/django_side.py, as ``PickleValue``s: what
/// Django writes for each must read as this, and this written here must read there as the
/// Python value.
enum DjangoSamples {
    static let values: [String: PickleValue] = [
        "none": .none,
        "true": .bool(true),
        "false": .bool(false),
        "int": .int(7),
        "int_negative": .int(-3),
        "int_zero": .int(0),
        "int_64": .int(Int.max),
        "int_big": .bigInt(PickleBigInt("18446744073709551617")!),
        "int_big_negative": .bigInt(PickleBigInt("-1180591620717411303424")!),
        "float": .float(3.25),
        "float_negative": .float(-0.5),
        "str": .string("h\u{e9}llo \u{2713}"),
        "str_empty": .string(""),
        "bytes": .bytes([0x00, 0xFF, 0x61, 0x62, 0x63]),
        "list": .list([.int(1), .string("a"), .none, .float(2.5)]),
        "tuple": .tuple([.int(1), .string("two")]),
        "dict": .dict([
            .init(.string("a"), .int(1)),
            .init(.string("b"), .list([.int(1), .int(2)])),
            .init(.string("c"), .dict([.init(.string("d"), .none)])),
        ]),
        "dict_int_keys": .dict([.init(.int(1), .string("one")), .init(.int(2), .string("two"))]),
        "set": .set([.int(1), .int(2), .int(3)]),
        "frozenset": .frozenset([.string("a"), .string("b")]),
        "datetime_naive": .datetime(PickleDateTime(year: 2026, month: 12, day: 6, hour: 22, minute: 30, second: 15, microsecond: 123_456)),
        "datetime_utc": .datetime(PickleDateTime(year: 2026, month: 12, day: 6, hour: 22, minute: 30, second: 15, utcOffset: PickleTimeDelta())),
        "date": .date(PickleDate(year: 2026, month: 12, day: 6)),
        "time": .time(PickleTime(hour: 13, minute: 45, second: 2, microsecond: 500)),
        "timedelta": .timedelta(PickleTimeDelta(days: 2, seconds: 5, microseconds: 7)),
        "decimal": .decimal("1.10"),
        "uuid": .uuid(UUID(uuidString: "12345678-1234-5678-1234-567812345678")!),
        "long_text": .string(String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 100)),
        "shared_reference": .list([.list([.int(1), .string("shared")]), .list([.int(1), .string("shared")])]),
        "article": article,
    ]

    static let article: PickleValue = .dict([
        .init(.string("name"), .string("derington")),
        .init(.string("site"), .string("craigderington.me")),
        .init(.string("visits"), .int(26)),
    ])

    /// The article's `my-key` value as a Swift type: Django's dict, decoded.
    struct Article: Codable, Equatable {
        var name: String
        var site: String
        var visits: Int
    }

    /// Values a set or frozenset holds in any order: Python does not keep the order of a set.
    static func equalAsPython(_ lhs: PickleValue, _ rhs: PickleValue) -> Bool {
        switch (lhs, rhs) {
        case (.set(let a), .set(let b)), (.frozenset(let a), .frozenset(let b)):
            return Set(a) == Set(b) && a.count == b.count
        default:
            return lhs == rhs
        }
    }
}
