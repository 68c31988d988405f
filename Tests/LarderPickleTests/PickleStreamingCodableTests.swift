import Foundation
import LarderPickle
import NIOCore
import XCTest

/// The direct paths of `PickleEncoder` (opcodes written as `encode(to:)` runs) and `PickleDecoder`
/// (decoding from the reader's nodes) against the tree paths they stand for: the same bytes, the
/// same values, the same errors — including for the shapes the direct paths hand to the tree.
final class PickleStreamingCodableTests: XCTestCase {
    /// The bytes through a `PickleValue`: what the encoder wrote before it wrote directly.
    private func treeBytes(_ value: some Encodable, protocol version: Int) throws -> [UInt8] {
        try Pickle.encode(PickleEncoder().encodeValue(value), protocol: version)
    }

    private func assertSameBytes(_ value: some Encodable, file: StaticString = #filePath, line: UInt = #line) throws {
        for version in 2...5 {
            let direct = try PickleEncoder().encode(value, protocol: version)
            XCTAssertEqual(direct, try treeBytes(value, protocol: version), "protocol \(version)", file: file, line: line)
            var buffer = ByteBuffer(bytes: [7, 7])
            try PickleEncoder().encode(value, protocol: version, into: &buffer)
            XCTAssertEqual(Array(buffer.readableBytesView), [7, 7] + direct, "protocol \(version) into a buffer", file: file, line: line)
        }
    }

    struct Everything: Codable, Equatable {
        var text = "é and ascii"
        var int = -70_000
        var small: Int8 = -3
        var unsigned: UInt64 = .max
        var double = 2.5
        var float: Float = 0.25
        var flag = true
        var none: String? = nil
        var present: Int? = 4
        var date = Date(timeIntervalSince1970: 1_714_979_289.5)
        var data = Data([0, 255])
        var decimal = Decimal(string: "19.99")!
        var uuid = UUID(uuidString: "12345678-1234-5678-1234-567812345678")!
        var pickle: PickleValue = .tuple([1, "x"])
        var empty: [Int] = []
        var one = ["only"]
        var emptyObject: [String: Int] = [:]
        var oneEntry = ["k": 1]
        var nested = [["a": [1, 2]], ["b": []]]

        enum CodingKeys: CodingKey {
            case text, int, small, unsigned, double, float, flag, none, present, date, data, decimal, uuid, pickle, empty, one, emptyObject, oneEntry, nested
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(text, forKey: .text)
            try container.encode(int, forKey: .int)
            try container.encode(small, forKey: .small)
            try container.encode(unsigned, forKey: .unsigned)
            try container.encode(double, forKey: .double)
            try container.encode(float, forKey: .float)
            try container.encode(flag, forKey: .flag)
            try container.encode(none, forKey: .none)  // encode, not encodeIfPresent: None
            try container.encodeIfPresent(present, forKey: .present)
            try container.encode(date, forKey: .date)
            try container.encode(data, forKey: .data)
            try container.encode(decimal, forKey: .decimal)
            try container.encode(uuid, forKey: .uuid)
            try container.encode(pickle, forKey: .pickle)
            try container.encode(empty, forKey: .empty)
            try container.encode(one, forKey: .one)
            try container.encode(emptyObject, forKey: .emptyObject)
            try container.encode(oneEntry, forKey: .oneEntry)
            try container.encode(nested, forKey: .nested)
        }
    }

    func testEveryKindOfValueWritesTheTreeBytes() throws {
        try assertSameBytes(Everything())
        try assertSameBytes([Everything(), Everything()])
        try assertSameBytes(Optional<Int>.none)
        try assertSameBytes("top")
        try assertSameBytes(UInt64.max)
        try assertSameBytes(["url": URL(string: "https://example.com/a?b=c")!])  // as a str; it does not decode back
    }

    func testBatchesOf1000AndSingleElementsWriteTheTreeBytes() throws {
        for count in [0, 1, 2, 999, 1000, 1001, 2000, 2001] {
            try assertSameBytes(Array(0..<count))
            try assertSameBytes(Dictionary(uniqueKeysWithValues: (0..<count).map { ("k\($0)", $0) }))
            try assertSameBytes([Array(0..<count)])  // one element that is itself a container
            let dictionary = Dictionary(uniqueKeysWithValues: (0..<count).map { ("k\($0)", [Double($0)]) })
            try assertSameBytes(dictionary)
            XCTAssertEqual(try PickleDecoder().decode([Int].self, from: PickleEncoder().encode(Array(0..<count))), Array(0..<count))
            XCTAssertEqual(try PickleDecoder().decode([String: [Double]].self, from: PickleEncoder().encode(dictionary)), dictionary)
        }
        try assertSameBytes([[[[1]]]])
        try assertSameBytes(["a": ["b": ["c": 1]]])
    }

    func testAPickleOver64KiBWritesTheTreeFrames() throws {
        try assertSameBytes(Array(repeating: "a string of some length", count: 5000))
        try assertSameBytes(Array(repeating: ["x": Array(0..<30)], count: 500))
        try assertSameBytes(String(repeating: "z", count: 70_000))
    }

    /// A custom `encode(to:)` in the shapes a stream cannot follow: the tree encodes them.
    struct Unusual: Encodable {
        enum Key: String, CodingKey { case a, b, c }
        var shape: Int

        func encode(to encoder: any Encoder) throws {
            switch shape {
            case 0:  // a nested container, written after a sibling
                var container = encoder.container(keyedBy: Key.self)
                var nested = container.nestedContainer(keyedBy: Key.self, forKey: .a)
                try container.encode(1, forKey: .b)
                try nested.encode(2, forKey: .c)
            case 1:  // a key encoded twice: a Python dict keeps its first position, the last value
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(1, forKey: .a)
                try container.encode(2, forKey: .b)
                try container.encode(3, forKey: .a)
            case 2:  // a super encoder never used: None
                var container = encoder.container(keyedBy: Key.self)
                _ = container.superEncoder()
                try container.encode(1, forKey: .a)
            case 3:  // the same keyed container asked for twice continues one dict
                var first = encoder.container(keyedBy: Key.self)
                try first.encode(1, forKey: .a)
                var second = encoder.container(keyedBy: Key.self)
                try second.encode(2, forKey: .b)
            case 4:  // an empty nested unkeyed container
                var container = encoder.unkeyedContainer()
                _ = container.nestedUnkeyedContainer()
                try container.encode("after")
            default:  // a single value replaced
                var single = encoder.singleValueContainer()
                try single.encode(1)
                try single.encode("two")
            }
        }
    }

    func testShapesAStreamCannotFollowWriteTheTreeBytes() throws {
        for shape in 0...5 {
            try assertSameBytes(Unusual(shape: shape))
            try assertSameBytes(["wrapped": [Unusual(shape: shape)]])
        }
        XCTAssertEqual(try Pickle.decode(PickleEncoder().encode(Unusual(shape: 1))), ["a": 3, "b": 2])
    }

    struct Nothing: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    func testAValueEncodingNothingIsStillAnError() {
        XCTAssertThrowsError(try PickleEncoder().encode(Nothing()))
        XCTAssertThrowsError(try PickleEncoder().encode(["a": [Nothing()]])) { error in
            guard case EncodingError.invalidValue(_, let context) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(context.codingPath.map(\.stringValue), ["a", "Index 0"])
        }
        var buffer = ByteBuffer(bytes: [1])
        XCTAssertThrowsError(try PickleEncoder().encode(["a": [Nothing()]], into: &buffer))
        XCTAssertEqual(buffer, ByteBuffer(bytes: [1]))
    }

    // MARK: Decoding from the nodes

    func testEveryKindOfValueDecodesAsFromTheTree() throws {
        for version in 2...5 {
            let bytes = try PickleEncoder().encode(Everything(), protocol: version)
            let direct = try PickleDecoder().decode(Everything.self, from: bytes)
            XCTAssertEqual(direct, Everything())
            XCTAssertEqual(direct, try PickleDecoder().decode(Everything.self, from: Pickle.decode(bytes)))
        }
    }

    func testSharedReferencesAndRepeatedKeysDecodeAsFromTheTree() throws {
        // `x` twice through the memo, a dict with a repeated key (the last wins), tuples, sets.
        let script = """
            import pickle, sys
            x = [1, 2]
            print(pickle.dumps({'a': x, 'b': x, 'c': (x, 3), 's': {4}, 'f': frozenset([5])}, 5).hex())
            """
        let bytes = try XCTUnwrap([UInt8](hex: Substring(try Python.run(script, input: "").trimmingCharacters(in: .whitespacesAndNewlines))))
        struct Shared: Decodable, Equatable {
            var a: [Int], b: [Int], c: [[Int]]? = nil, s: [Int], f: [Int]
            enum CodingKeys: CodingKey { case a, b, s, f }
        }
        XCTAssertEqual(try PickleDecoder().decode(Shared.self, from: bytes), Shared(a: [1, 2], b: [1, 2], s: [4], f: [5]))
        XCTAssertEqual(try PickleDecoder().decode([String: PickleValue].self, from: bytes)["c"], .tuple([[1, 2], 3]))
        let repeated: [UInt8] = [0x80, 0x02, 0x7D, 0x28, 0x58, 0x01, 0, 0, 0, 0x61, 0x4B, 1, 0x58, 0x01, 0, 0, 0, 0x61, 0x4B, 2, 0x75, 0x2E]
        XCTAssertEqual(try PickleDecoder().decode([String: Int].self, from: repeated), ["a": 2])
        XCTAssertEqual(try Pickle.decode(repeated)["a"], 2)
    }

    func testDecodingErrorsAreTheTreesWithTheirPaths() throws {
        let bytes = try PickleEncoder().encode(["outer": [["inner": "not an int"]]])
        XCTAssertThrowsError(try PickleDecoder().decode([String: [[String: Int]]].self, from: bytes)) { error in
            guard case DecodingError.typeMismatch(_, let context) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(context.codingPath.map(\.stringValue), ["outer", "Index 0", "inner"])
            XCTAssertTrue(context.debugDescription.contains("found str"), context.debugDescription)
        }
        XCTAssertThrowsError(try PickleDecoder().decode(Everything.self, from: try PickleEncoder().encode(["text": "only"]))) { error in
            guard case DecodingError.keyNotFound(let key, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(key.stringValue, "int")
        }
    }

    func testStructuralErrorsAreTheReadersEvenWhereTheTypeDoesNotLook() throws {
        // A list that contains itself, under a key the type never reads: the reader's check refuses it.
        let script = """
            import pickle
            x = []
            x.append(x)
            print(pickle.dumps({'a': 1, 'loop': x}, 5).hex())
            """
        let bytes = try XCTUnwrap([UInt8](hex: Substring(try Python.run(script, input: "").trimmingCharacters(in: .whitespacesAndNewlines))))
        struct OnlyA: Decodable { var a: Int }
        XCTAssertThrowsError(try PickleDecoder().decode(OnlyA.self, from: bytes)) { error in
            XCTAssertEqual((error as? PickleError)?.code, .cycle)
        }
        XCTAssertThrowsError(try PickleDecoder(limits: PickleLimits(maxTotalValues: 3)).decode([Int].self, from: try PickleEncoder().encode([1, 2, 3, 4]))) { error in
            XCTAssertEqual((error as? PickleError)?.code, .limitExceeded)
        }
        XCTAssertThrowsError(try PickleDecoder(limits: PickleLimits(maxDepth: 3)).decode([[[[Int]]]].self, from: try PickleEncoder().encode([[[[1]]]]))) { error in
            XCTAssertEqual((error as? PickleError)?.code, .tooDeep)
        }
        XCTAssertEqual(try PickleDecoder(limits: PickleLimits(maxDepth: 4)).decode([[[[Int]]]].self, from: try PickleEncoder().encode([[[[1]]]])), [[[[1]]]])
    }
}
