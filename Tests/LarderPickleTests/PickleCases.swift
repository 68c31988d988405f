import Foundation
import LarderPickle

/// One value both ways: a Python expression and the ``PickleValue`` it must read as, and the
/// protocols at which our writer must produce CPython's exact bytes.
struct PickleCase {
    var python: String
    var value: PickleValue
    /// Where `Pickle.encode` is byte-identical to `pickle.dumps` (the writer's docs list these).
    var identical: ClosedRange<Int>?

    init(_ python: String, _ value: PickleValue, identical: ClosedRange<Int>? = 2...5) {
        self.python = python
        self.value = value
        self.identical = identical
    }
}

enum PickleCases {
    static let utc = PickleTimeDelta()

    /// The table: Django's value types, the size boundaries of each opcode, and the container
    /// shapes (batches of 1000, shared references, non-str keys).
    static let all: [PickleCase] = [
        PickleCase("None", .none),
        PickleCase("True", true),
        PickleCase("[True, False]", [true, false]),
        PickleCase("0", 0),
        PickleCase("[255, 256, 65535, 65536, -1, 2**31 - 1, -2**31, 2**31, -2**31 - 1]", [255, 256, 65535, 65536, -1, 2_147_483_647, -2_147_483_648, 2_147_483_648, -2_147_483_649]),
        PickleCase("[2**63 - 1, -2**63]", [.int(.max), .int(.min)]),
        PickleCase("2**63", .bigInt(PickleBigInt("9223372036854775808")!)),
        PickleCase("-2**64", .bigInt(PickleBigInt("-18446744073709551616")!)),
        PickleCase("2**70", .bigInt(PickleBigInt("1180591620717411303424")!)),
        PickleCase("7**400", .bigInt(PickleBigInt(sevenToThe400)!)),
        // 263 bytes: LONG4.
        PickleCase("2**2100", .bigInt(PickleBigInt(twosComplementLittleEndian: [UInt8](repeating: 0, count: 262) + [0x10]))),
        PickleCase("[3.5, -0.0, float('inf'), 1e-300, 0.1]", [3.5, -0.0, .float(.infinity), 1e-300, 0.1]),
        PickleCase("''", ""),
        PickleCase("'hello'", "hello"),
        PickleCase("'é€😀 \\'quoted\\''", "é€😀 'quoted'"),
        PickleCase("'x' * 300", .string(String(repeating: "x", count: 300))),
        PickleCase("b''", .bytes([])),
        PickleCase("b'\\x00\\xffab'", .bytes([0, 0xFF, 0x61, 0x62])),
        PickleCase("b'y' * 300", .bytes([UInt8](repeating: 0x79, count: 300))),
        PickleCase("[]", []),
        PickleCase("[1, 'a', None, [2.5]]", [1, "a", nil, [2.5]]),
        PickleCase("list(range(2500))", .list((0..<2500).map { .int($0) })),
        PickleCase("()", .tuple([])),
        PickleCase("(1,)", .tuple([1])),
        PickleCase("(1, 2)", .tuple([1, 2])),
        PickleCase("(1, 2, 3)", .tuple([1, 2, 3])),
        PickleCase("(1, 2, 3, 4)", .tuple([1, 2, 3, 4])),
        PickleCase("([1], (2, [3]))", .tuple([[1], .tuple([2, [3]])])),
        PickleCase("{}", [:]),
        PickleCase("{'count': 2}", ["count": 2]),
        PickleCase("{'count': 2, 'name': 'x'}", ["count": 2, "name": "x"]),
        PickleCase("{1: 'one', (1, 2): None, None: 2.5}", [1: "one", .tuple([1, 2]): nil, nil: 2.5]),
        PickleCase("{'k%d' % i: i for i in range(1001)}", .dict((0..<1001).map { .init(.string("k\($0)"), .int($0)) })),
        PickleCase("set()", .set([])),
        PickleCase("{1, 2, 3}", .set([1, 2, 3])),
        PickleCase("frozenset()", .frozenset([])),
        PickleCase("frozenset({1})", .frozenset([1])),
        PickleCase("datetime.datetime(2024, 1, 2, 3, 4, 5, 678901)", .datetime(.init(year: 2024, month: 1, day: 2, hour: 3, minute: 4, second: 5, microsecond: 678_901))),
        PickleCase("datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)", .datetime(.init(year: 2024, month: 1, day: 2, hour: 3, minute: 4, second: 5, utcOffset: utc))),
        PickleCase(
            "datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone(datetime.timedelta(hours=-5, minutes=-30)))",
            .datetime(.init(year: 2024, month: 1, day: 2, utcOffset: PickleTimeDelta(seconds: -19_800)))
        ),
        PickleCase("datetime.date(2024, 1, 2)", .date(.init(year: 2024, month: 1, day: 2))),
        PickleCase("datetime.time(3, 4, 5, 6)", .time(.init(hour: 3, minute: 4, second: 5, microsecond: 6))),
        PickleCase("datetime.time(3, 4, tzinfo=datetime.timezone.utc)", .time(.init(hour: 3, minute: 4, utcOffset: utc))),
        PickleCase("datetime.timedelta(days=-1, seconds=2, microseconds=3)", .timedelta(.init(days: -1, seconds: 2, microseconds: 3))),
        PickleCase("decimal.Decimal('1.10')", .decimal("1.10")),
        PickleCase("decimal.Decimal('-Infinity')", .decimal("-Infinity")),
        PickleCase("uuid.UUID('12345678-1234-5678-1234-567812345678')", .uuid(UUID(uuidString: "12345678-1234-5678-1234-567812345678")!)),
        PickleCase("uuid.UUID('ffffffff-ffff-ffff-ffff-ffffffffffff')", .uuid(UUID(uuidString: "ffffffff-ffff-ffff-ffff-ffffffffffff")!)),
        PickleCase("uuid.UUID(int=5)", .uuid(UUID(uuidString: "00000000-0000-0000-0000-000000000005")!)),
        // The same list object twice: CPython writes it once and a memo reference after.
        PickleCase("(lambda x: [x, x, {'k': x}])([1, 'a'])", [[1, "a"], [1, "a"], ["k": [1, "a"]]], identical: nil),
        PickleCase(
            "[datetime.datetime(2024, 5, 6, tzinfo=datetime.timezone.utc), datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)]",
            [.datetime(.init(year: 2024, month: 5, day: 6, utcOffset: utc)), .datetime(.init(year: 2025, month: 1, day: 1, utcOffset: utc))],
        ),
        // A Django session as the cache session engine stores it.
        PickleCase(
            "{'_auth_user_id': '42', '_auth_user_backend': 'django.contrib.auth.backends.ModelBackend', '_auth_user_hash': 'f' * 64, 'cart': [3, 5], 'last_seen': datetime.datetime(2024, 5, 6, 7, 8, 9, 10, tzinfo=datetime.timezone.utc)}",
            [
                "_auth_user_id": "42", "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                "_auth_user_hash": .string(String(repeating: "f", count: 64)), "cart": [3, 5],
                "last_seen": .datetime(.init(year: 2024, month: 5, day: 6, hour: 7, minute: 8, second: 9, microsecond: 10, utcOffset: utc)),
            ],
        ),
    ]

    /// `7**400` in decimal (141 bytes as an int: a long `LONG1`).
    static let sevenToThe400 =
        "109450060433611308542425445648666217529975487335970618633541940751543906316349209002147856846968715280739995373528253861552495710170702637728891720852868384710440066743972862761169960663579079291058878933088274875698178024977088223396398265555596916473536792437134632739719389969690630523317113111727683195819839003492006097994729312240001"
}
