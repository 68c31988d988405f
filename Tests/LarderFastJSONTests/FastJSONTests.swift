import Foundation
import LarderFastJSON
import XCTest

/// ``FastJSON``: byte-exact output, round trips of every supported type, compatibility with
/// Foundation's coders (sorted keys) both ways, and a `DecodingError` (never a crash) for bad input.
final class FastJSONTests: XCTestCase {
    private let fast = FastJSONCoder()
    private let foundation = FoundationJSONCoder()

    private func text<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try fast.encode(value), as: UTF8.self)
    }

    private func roundTrip<T: Codable & Equatable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws {
        let bytes = try fast.encode(value)
        XCTAssertEqual(try fast.decode(T.self, from: bytes), value, "ours -> ours", file: file, line: line)
        XCTAssertEqual(try foundation.decode(T.self, from: bytes), value, "ours -> Foundation", file: file, line: line)
        XCTAssertEqual(try fast.decode(T.self, from: try foundation.encode(value)), value, "Foundation -> ours", file: file, line: line)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try fast.decode(type, from: Data(json.utf8))
    }

    /// The DecodingError decoding `json` as `type` throws; fails the test if it does not throw one.
    private func decodingError<T: Decodable>(_ type: T.Type, _ json: String, file: StaticString = #filePath, line: UInt = #line) -> DecodingError? {
        decodingError(type, Array(json.utf8), file: file, line: line)
    }

    /// The DecodingError decoding `bytes` as `type` throws, for input that is not UTF-8.
    private func decodingError<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> DecodingError? {
        do {
            let value = try fast.decode(type, from: Data(bytes))
            XCTFail("decoded \(String(decoding: bytes, as: UTF8.self).debugDescription) as \(value)", file: file, line: line)
        } catch let error as DecodingError {
            return error
        } catch {
            XCTFail("not a DecodingError: \(error)", file: file, line: line)
        }
        return nil
    }

    // MARK: Bytes

    func testArticleValueIsTheExactBytesFoundationWrites() throws {
        let expected = #"{"aString":"this is a simple string","anInteger":123,"myDict":{"a":26,"b":25,"c":24},"oneList":[9,10,11,12,13],"thisTuple":[1,2,3,4]}"#
        XCTAssertEqual(try text(ArticleValue.sample), expected)
        XCTAssertEqual(try fast.encode(ArticleValue.sample), try foundation.encode(ArticleValue.sample))
        try roundTrip(ArticleValue.sample)
    }

    func testATopLevelIntIsItsPlainDigits() throws {
        XCTAssertEqual(try text(42), "42")
        XCTAssertEqual(try text(-7), "-7")
        XCTAssertEqual(try text(0), "0")
        XCTAssertEqual(try text(Int.min), "-9223372036854775808")
        XCTAssertEqual(try text(UInt64.max), "18446744073709551615")
        XCTAssertEqual(try decode(Int.self, " 42\n"), 42)
    }

    func testEqualDictionariesAreEqualBytesWithSortedKeys() throws {
        var first: [String: Int] = [:]
        var second: [String: Int] = [:]
        for index in 0..<50 { first["key\(index)"] = index }
        for index in (0..<50).reversed() { second["key\(index)"] = index }
        XCTAssertEqual(try fast.encode(first), try fast.encode(second))
        XCTAssertEqual(try text(["b": 1, "a": 2, "c": 3]), #"{"a":2,"b":1,"c":3}"#)
    }

    func testScalarsMatchFoundationByteForByte() throws {
        func same<T: Encodable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws {
            XCTAssertEqual(try text(value), String(decoding: try foundation.encode(value), as: UTF8.self), file: file, line: line)
        }
        for value in [0.0, -0.0, 1.0, -1.5, 3.25, 0.1, 1e-7, 123456789.125, 1e16, 1e300, -2.5e-300, .pi, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude] {
            try same(value)
        }
        for value: Float in [0, 1, 0.1, -3.5, 1e10, .pi] { try same(value) }
        try same(true)
        try same(false)
        try same(Int8.min)
        try same(UInt16.max)
        try same([Int32.min, Int32.max])
        try same(String?.none)
        try same([1, nil, 3] as [Int?])
    }

    // MARK: Round trips

    func testEveryIntegerTypeRoundTripsAtItsLimits() throws {
        try roundTrip([Int.min, Int.max, 0])
        try roundTrip([Int8.min, Int8.max])
        try roundTrip([Int16.min, Int16.max])
        try roundTrip([Int32.min, Int32.max])
        try roundTrip([Int64.min, Int64.max])
        try roundTrip([UInt.min, UInt.max])
        try roundTrip([UInt8.min, UInt8.max])
        try roundTrip([UInt16.min, UInt16.max])
        try roundTrip([UInt32.min, UInt32.max])
        try roundTrip([UInt64.min, UInt64.max])
        try roundTrip(Scalars.sample)
    }

    func testDoublesAndFloatsRoundTripExactly() throws {
        // Subnormals built from their bits: their decimal literals warn about lost precision.
        let subnormals = [Double(bitPattern: 2024), Double.leastNonzeroMagnitude]
        for value in [0.0, 1.0, -1.5, 0.1, 0.2 + 0.1, 1.7976931348623157e308, 123456.789e-10, 9007199254740993.0] + subnormals {
            try roundTrip(value)
        }
        for value: Float in [0, 0.1, 3.4028235e38, Float.leastNonzeroMagnitude, -7.25] { try roundTrip(value) }
        XCTAssertEqual(try decode(Double.self, "1E2"), 100)
        XCTAssertEqual(try decode(Double.self, "-0.0").sign, .minus)
        XCTAssertEqual(try decode(Double.self, "123456789012345678901234567890"), 1.2345678901234568e29)
    }

    func testBoolsStringsAndOptionalsRoundTrip() throws {
        try roundTrip(true)
        try roundTrip("")
        try roundTrip("plain")
        try roundTrip(String?.none)
        try roundTrip(Int?.some(5))
        try roundTrip(Optionals(present: 1, absent: nil, explicitNull: nil))
        XCTAssertEqual(try text(String?.none), "null")
        XCTAssertEqual(try text(Optionals(present: 1, absent: nil, explicitNull: nil)), #"{"explicitNull":null,"present":1}"#)
        XCTAssertNil(try decode(Int?.self, "null"))
    }

    func testDataIsBase64AsFoundationWritesIt() throws {
        let data = Data([0, 1, 2, 0xFB, 0xFF])
        XCTAssertEqual(try text(data), #""AAEC+/8=""#)
        XCTAssertEqual(try fast.encode(data), try foundation.encode(data))
        try roundTrip(data)
        try roundTrip(Data())
        try roundTrip(Data((0...255).map(UInt8.init)))
        XCTAssertNotNil(decodingError(Data.self, #""not base64!""#))
    }

    func testDateIsSecondsSinceTheReferenceDate() throws {
        let date = Date(timeIntervalSinceReferenceDate: 12.5)
        XCTAssertEqual(try text(date), "12.5")
        XCTAssertEqual(try fast.encode(date), try foundation.encode(date))
        try roundTrip(date)
        try roundTrip(Date(timeIntervalSinceReferenceDate: 786_000_000.25))
    }

    func testURLIsItsAbsoluteString() throws {
        let url = try XCTUnwrap(URL(string: "https://example.com/a/b?c=d#e"))
        XCTAssertEqual(try text(url), #""https://example.com/a/b?c=d#e""#)
        XCTAssertEqual(try fast.encode(url), try foundation.encode(url))
        try roundTrip(url)
    }

    func testDecimalIsANumber() throws {
        let value = try XCTUnwrap(Decimal(string: "12345.678"))
        XCTAssertEqual(try text(value), "12345.678")
        XCTAssertEqual(try fast.decode(Decimal.self, from: try fast.encode(value)), value)
        XCTAssertEqual(try foundation.decode(Decimal.self, from: try fast.encode(value)), value)
    }

    func testIntKeyedDictionariesHaveStringKeys() throws {
        let value = [1: "one", 2: "two", -3: "minus three"]
        XCTAssertEqual(try text(value), #"{"-3":"minus three","1":"one","2":"two"}"#)
        try roundTrip(value)
        try roundTrip(["x": [1: [true]]])
    }

    func testNestedStructsAndEnumsRoundTrip() throws {
        try roundTrip(Shelf.sample)
        try roundTrip([Shape.circle(radius: 1.5), .square(side: 2), .empty, .labelled("x", count: 3)])
        try roundTrip(Mood.happy)
        XCTAssertEqual(try text(Mood.happy), #""happy""#)
        XCTAssertEqual(try fast.encode(Shelf.sample), try foundation.encode(Shelf.sample))
    }

    func testEmptyContainersAndEmptyStructs() throws {
        XCTAssertEqual(try text([Int]()), "[]")
        XCTAssertEqual(try text([String: Int]()), "{}")
        XCTAssertEqual(try text(Empty()), "{}")
        try roundTrip(Empty())
        try roundTrip([[Int]]())
        try roundTrip([[Int]](repeating: [], count: 3))
    }

    func testSuperEncoderAndSuperDecoderRoundTrip() throws {
        let value = Derived(base: 1, own: "x")
        XCTAssertEqual(try text(value), #"{"own":"x","super":{"base":1}}"#)
        let decoded = try fast.decode(Derived.self, from: try fast.encode(value))
        XCTAssertEqual(decoded.base, 1)
        XCTAssertEqual(decoded.own, "x")
        let viaFoundation = try fast.decode(Derived.self, from: try foundation.encode(value))
        XCTAssertEqual(viaFoundation.base, 1)
    }

    func testALargeObjectFindsEveryKey() throws {
        var value: [String: [Int]] = [:]
        for index in 0..<300 { value["k\(index)"] = [index, index * 2] }
        try roundTrip(value)
        try roundTrip(Wide.sample)
    }

    // MARK: Strings

    func testEscapesMatchFoundation() throws {
        let controls = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })
        let value = "quote \" backslash \\ slash / \(controls) del \u{7F}"
        XCTAssertEqual(try text(value), String(decoding: try foundation.encode(value), as: UTF8.self))
        XCTAssertEqual(try text("a\"b\\c\n\u{1}"), #""a\"b\\c\n\u0001""#)
        try roundTrip(value)
        try roundTrip(["key \"with\" \n escapes": value])
    }

    func testUnicodePassesThroughUnescaped() throws {
        let value = "Grüße, 世界 🌍 e\u{301} \u{0}"
        XCTAssertEqual(try text(value), "\"Grüße, 世界 🌍 e\u{301} \\u0000\"")
        try roundTrip(value)
        try roundTrip(["ключ": "значение", "🔑": "🌍"])
    }

    func testDecodesEveryEscapeIncludingSurrogatePairs() throws {
        XCTAssertEqual(try decode(String.self, #""\"\\\/\b\f\n\r\t\u0041\u00e9\u4E16\ud83c\udf0d""#), "\"\\/\u{8}\u{C}\n\r\tAé世🌍")
        XCTAssertEqual(try decode([String: Int].self, #"{"\u0061":1}"#), ["a": 1])
        XCTAssertEqual(try decode(ArticleValue.self, #"{"\u0061String":"s","anInteger":1,"myDict":{},"oneList":[],"thisTuple":[]}"#).aString, "s")
    }

    // MARK: Errors

    func testMalformedInputIsDataCorruptedWithAnOffset() {
        let inputs: [(String, Int)] = [
            ("", 0), ("   ", 3), ("{", 1), ("[1,", 3), ("[1 2]", 3), (#"{"a" 1}"#, 5), ("tru", 0), ("nul", 0), ("01", 1),
            ("1.", 2), ("-", 1), ("1e", 2), ("+1", 0), (#""abc"#, 0), (#""\x""#, 1), (#""\u12""#, 1), ("\"\u{1}\"", 1),
            ("[1]x", 3), (#"{"a":1,}"#, 7), ("[,]", 1), ("NaN", 0), ("Infinity", 0), ("{1:2}", 1), ("[1]]", 3), ("\u{FEFF}1", 0),
        ]
        for (input, offset) in inputs {
            guard case .dataCorrupted(let context)? = decodingError([Int].self, input) else {
                XCTFail("\(input.debugDescription): not dataCorrupted")
                continue
            }
            let syntax = context.underlyingError as? FastJSONSyntaxError
            XCTAssertEqual(syntax?.offset, offset, "\(input.debugDescription): \(context.debugDescription)")
            XCTAssertTrue(context.debugDescription.contains("at byte \(offset)"), context.debugDescription)
        }
    }

    func testUnpairedSurrogatesAreDataCorrupted() {
        for input in [#""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud800x""#] {
            guard case .dataCorrupted(let context)? = decodingError(String.self, input) else { return XCTFail("\(input): not dataCorrupted") }
            XCTAssertEqual((context.underlyingError as? FastJSONSyntaxError)?.offset, 1)
        }
    }

    /// Bytes that are not UTF-8 are not JSON text (RFC 8259 section 8.1): Foundation rejects
    /// them, and so must we, rather than read them as U+FFFD.
    func testInvalidUTF8InAStringIsDataCorruptedWithItsOffset() {
        let quote = UInt8(ascii: "\""), a = UInt8(ascii: "a")
        let sequences: [[UInt8]] = [
            [0xFF, 0xFE],  // never in UTF-8
            [0x80], [0xBF],  // a continuation byte with no lead
            [0xC0, 0xAF], [0xC1, 0xBF],  // overlong two-byte
            [0xE0, 0x80, 0xAF], [0xE0, 0x9F, 0xBF],  // overlong three-byte
            [0xF0, 0x80, 0x80, 0xAF], [0xF0, 0x8F, 0xBF, 0xBF],  // overlong four-byte
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],  // UTF-16 surrogates encoded in UTF-8
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],  // above U+10FFFF
            [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x8C],  // truncated before the closing quote
            [0xE2, 0x41, 0x82], [0xF0, 0x9F, 0x41, 0x8D],  // a continuation byte replaced by ASCII
        ]
        for sequence in sequences {
            let string = [quote, a] + sequence + [a, quote]  // the bad sequence starts at byte 2
            let inputs: [(bytes: [UInt8], offset: Int)] = [
                (string, 2),
                ([UInt8(ascii: "[")] + string + [UInt8(ascii: "]")], 3),
                (Array(#"{"k":"#.utf8) + string + [UInt8(ascii: "}")], 7),
                // In a key, and in strings with escapes (the decoder's other path).
                ([UInt8(ascii: "{")] + string + Array(#":"v"}"#.utf8), 3),
                ([quote] + Array(#"\n"#.utf8) + string.dropFirst(), 4),
                ([UInt8(ascii: "{"), quote] + Array(#"\n"#.utf8) + string.dropFirst() + Array(#":"v"}"#.utf8), 5),
            ]
            for (bytes, offset) in inputs {
                let hex = bytes.map { String($0, radix: 16) }.joined(separator: " ")
                XCTAssertThrowsError(try foundation.decode(AnyJSON.self, from: Data(bytes)), "Foundation reads \(hex)")
                do {
                    let value = try fast.decode(AnyJSON.self, from: Data(bytes))
                    XCTFail("\(hex) decoded as \(value)")
                } catch let DecodingError.dataCorrupted(context) {
                    let syntax = context.underlyingError as? FastJSONSyntaxError
                    XCTAssertEqual(syntax?.offset, offset, "\(hex): \(context.debugDescription)")
                    XCTAssertTrue(syntax?.reason.contains("UTF-8") ?? false, "\(hex): \(context.debugDescription)")
                } catch {
                    XCTFail("\(hex): not dataCorrupted: \(error)")
                }
            }
        }
        // Cut off by the end of the input: an unterminated string, as Foundation also refuses.
        for bytes: [UInt8] in [[quote, 0xE2, 0x82], [quote, 0xF0, 0x9F, 0x8C], [quote, 0xC3]] {
            XCTAssertThrowsError(try foundation.decode(String.self, from: Data(bytes)))
            guard case .dataCorrupted(let context)? = decodingError(String.self, bytes) else { return XCTFail("not dataCorrupted") }
            XCTAssertEqual((context.underlyingError as? FastJSONSyntaxError)?.offset, 0, context.debugDescription)
        }
    }

    /// Outside strings only ASCII is JSON; non-ASCII whitespace or letters are errors too.
    func testNonASCIIBytesOutsideStringsAreDataCorrupted() {
        let inputs: [([UInt8], Int)] = [
            ([0xFF], 0), ([UInt8(ascii: "1"), 0xFF], 1), ([UInt8(ascii: "["), 0xC2, 0xA0, UInt8(ascii: "1"), UInt8(ascii: "]")], 1),
            (Array("[1,".utf8) + [0xE2, 0x80, 0x83] + Array("2]".utf8), 3), (Array("{".utf8) + [0xC3, 0xA9] + Array(#":1}"#.utf8), 1),
            (Array("[tru".utf8) + [0xC3, 0xA9, UInt8(ascii: "]")], 1), (Array("[1".utf8) + [0xCC, 0x81, UInt8(ascii: "]")], 2),
        ]
        for (bytes, offset) in inputs {
            XCTAssertThrowsError(try foundation.decode(AnyJSON.self, from: Data(bytes)))
            guard case .dataCorrupted(let context)? = decodingError(AnyJSON.self, bytes) else { return XCTFail("\(bytes): not dataCorrupted") }
            XCTAssertEqual((context.underlyingError as? FastJSONSyntaxError)?.offset, offset, context.debugDescription)
        }
    }

    /// The first and last code points of each UTF-8 length, and the edges around the surrogates.
    func testValidUTF8AtEveryBoundaryDecodesAsFoundationDoes() throws {
        let scalars: [UInt32] = [0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF]
        for scalar in scalars {
            let string = "a" + String(Character(try XCTUnwrap(Unicode.Scalar(scalar)))) + "b"
            let bytes = Data(("\"" + string + "\"").utf8)
            XCTAssertEqual(try fast.decode(String.self, from: bytes), string)
            XCTAssertEqual(try foundation.decode(String.self, from: bytes), string)
            XCTAssertEqual(try fast.decode([String: String].self, from: Data(#"{"\#(string)":"\n\#(string)"}"#.utf8)), [string: "\n" + string])
        }
    }

    func testDeepNestingIsAnErrorNotACrash() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        guard case .dataCorrupted(let context)? = decodingError([Int].self, deep) else { return XCTFail("not dataCorrupted") }
        XCTAssertTrue(context.debugDescription.contains("nesting deeper than 512"), context.debugDescription)
        let fine = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        XCTAssertNoThrow(try fast.decode(Nest.self, from: Data(fine.utf8)))
        let tooDeep = "[" + fine + "]"
        XCTAssertNotNil(decodingError(Nest.self, tooDeep))
    }

    func testNumbersThatDoNotFitAreErrors() throws {
        XCTAssertNotNil(decodingError(Double.self, "1e400"))
        XCTAssertNotNil(decodingError(Float.self, "1e39"))
        XCTAssertNotNil(decodingError(Int.self, "123456789012345678901234567890"))
        XCTAssertNotNil(decodingError(Int.self, "9223372036854775808"))
        XCTAssertNotNil(decodingError(UInt8.self, "256"))
        XCTAssertNotNil(decodingError(UInt.self, "-1"))
        XCTAssertNotNil(decodingError(Int.self, "1.5"))
        XCTAssertNotNil(decodingError(Int.self, "1e400"))
        XCTAssertEqual(try decode(Int.self, "-9223372036854775808"), Int.min)
        XCTAssertEqual(try decode(Int.self, "2.0"), 2)
        XCTAssertEqual(try decode(Int.self, "1e2"), 100)
        XCTAssertEqual(try decode(Double.self, "1e-400"), 0)
        let long = "1" + String(repeating: "0", count: 5000)
        XCTAssertNotNil(decodingError(Int.self, long))
        XCTAssertNotNil(decodingError(Double.self, long))
    }

    /// Arrays and dictionaries of the common scalars take a path of their own, both ways.
    func testCollectionsOfScalarsMatchFoundationAndRoundTrip() throws {
        func same<T: Codable & Equatable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws {
            XCTAssertEqual(try text(value), String(decoding: try foundation.encode(value), as: UTF8.self), file: file, line: line)
            try roundTrip(value, file: file, line: line)
        }
        try same([Int]())
        try same([1, -2, Int.max, Int.min])
        try same(["", "a", "quote \" and \\ and \n", "é ✓ 🙂"])
        try same([true, false, true])
        try same([0.5, -1.0, 1e300, 0.1])
        try same([String: Int]())
        try same(["b": 2, "a": -1, "c": Int.max])
        try same(["z": "last", "a": "first \u{1}"])
        try same(["yes": true, "no": false])
        try same(["x": 1.5, "e": 2.25])
        try same([[1, 2], [], [3]])
        try same(["outer": ["inner": [1, 2]]])
        // A wrong element still names where it is.
        guard case .typeMismatch(let type, let context)? = decodingError([String: Int].self, #"{"a":1,"b":"two"}"#) else { return XCTFail("not typeMismatch") }
        XCTAssertTrue(type == Int.self)
        XCTAssertEqual(context.codingPath.map(\.stringValue), ["b"])
        guard case .typeMismatch(_, let context)? = decodingError([Bool].self, "[true,1]") else { return XCTFail("not typeMismatch") }
        XCTAssertEqual(context.codingPath.map(\.stringValue), ["Index 1"])
        guard case .valueNotFound? = decodingError([String].self, #"["a",null]"#) else { return XCTFail("not valueNotFound") }
    }

    func testNonFiniteNumbersAreEncodingErrors() {
        for value in [Double.nan, .infinity, -.infinity] {
            XCTAssertThrowsError(try fast.encode(value)) { XCTAssertTrue($0 is EncodingError, "\($0)") }
            XCTAssertThrowsError(try fast.encode(["a": [value]])) { error in
                guard case .invalidValue(_, let context)? = error as? EncodingError else { return XCTFail("\(error)") }
                XCTAssertEqual(context.codingPath.map(\.stringValue), ["a", "Index 0"])
            }
        }
        XCTAssertThrowsError(try fast.encode(Float.nan)) { XCTAssertTrue($0 is EncodingError) }
        XCTAssertThrowsError(try fast.encode(NothingEncoded())) { XCTAssertTrue($0 is EncodingError) }
    }

    /// Foundation writes `Decimal.nan` as `NaN`, which no JSON reader (its own included) takes
    /// back: stored, every later get would fail. Refused where it is, as a non-finite Double is.
    func testDecimalNaNIsAnEncodingErrorNamingThePath() throws {
        func path<T: Encodable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) -> [String]? {
            do {
                let bytes = try fast.encode(value)
                XCTFail("encoded as \(String(decoding: bytes, as: UTF8.self))", file: file, line: line)
            } catch let EncodingError.invalidValue(_, context) {
                XCTAssertTrue(context.debugDescription.contains("Decimal"), context.debugDescription, file: file, line: line)
                return context.codingPath.map(\.stringValue)
            } catch {
                XCTFail("not EncodingError.invalidValue: \(error)", file: file, line: line)
            }
            return nil
        }
        XCTAssertEqual(path(Decimal.nan), [])
        XCTAssertEqual(path(Priced(price: .nan, discount: nil)), ["price"])
        XCTAssertEqual(path(Priced(price: 1, discount: .nan)), ["discount"])
        XCTAssertEqual(path([Decimal(1), .nan]), ["Index 1"])
        XCTAssertEqual(path(["a": [Decimal(1), .nan]]), ["a", "Index 1"])
        XCTAssertEqual(path(["k": Decimal.nan]), ["k"])
        XCTAssertEqual(path(Decimal?.some(.nan)), [])
        XCTAssertEqual(path(DecimalWrapper(value: .nan)), [])
        XCTAssertEqual(path(["w": DecimalWrapper(value: .nan)]), ["w"])
        XCTAssertEqual(path(DecimalList(values: [2, .nan])), ["Index 1"])
        XCTAssertEqual(path(DecimalMembers(first: .nan)), ["first"])
        // What Foundation writes instead: bytes neither decoder reads.
        let foundationBytes = try foundation.encode(Decimal.nan)
        XCTAssertEqual(String(decoding: foundationBytes, as: UTF8.self), "NaN")
        XCTAssertThrowsError(try foundation.decode(Decimal.self, from: foundationBytes))
        XCTAssertThrowsError(try fast.decode(Decimal.self, from: foundationBytes))
        // Every other Decimal is still a number, the same bytes as Foundation's.
        for value in [Decimal(0), Decimal(-1), try XCTUnwrap(Decimal(string: "-0.000123")), Decimal.greatestFiniteMagnitude] {
            XCTAssertEqual(try fast.encode(value), try foundation.encode(value))
            XCTAssertEqual(try fast.decode(Decimal.self, from: try fast.encode(value)), value)
        }
    }

    func testATypeMismatchNamesTheTypeAndThePath() throws {
        let json = #"{"aString":"s","anInteger":1,"myDict":{"a":1},"oneList":[1,"two"],"thisTuple":[]}"#
        guard case .typeMismatch(let type, let context)? = decodingError(ArticleValue.self, json) else { return XCTFail("not typeMismatch") }
        XCTAssertTrue(type == Int.self)
        XCTAssertEqual(context.codingPath.map(\.stringValue), ["oneList", "Index 1"])
        XCTAssertTrue(context.debugDescription.contains("found a string"), context.debugDescription)
        guard case .typeMismatch(let type, _)? = decodingError(Int.self, #""not a number""#) else { return XCTFail("not typeMismatch") }
        XCTAssertTrue(type == Int.self)
        guard case .typeMismatch? = decodingError(ArticleValue.self, "[1]") else { return XCTFail("not typeMismatch") }
        guard case .typeMismatch? = decodingError([Int].self, "{}") else { return XCTFail("not typeMismatch") }
    }

    func testAMissingKeyIsKeyNotFound() throws {
        let json = #"{"aString":"s","anInteger":1,"myDict":{"a":1},"thisTuple":[]}"#
        guard case .keyNotFound(let key, let context)? = decodingError(ArticleValue.self, json) else { return XCTFail("not keyNotFound") }
        XCTAssertEqual(key.stringValue, "oneList")
        XCTAssertEqual(context.codingPath.count, 0)
        let nested = #"{"title":"t","books":[{"title":"a","pages":1,"tags":[]},{"title":"b","tags":[]}],"shapes":[]}"#
        guard case .keyNotFound(let key, let context)? = decodingError(Shelf.self, nested) else { return XCTFail("not keyNotFound") }
        XCTAssertEqual(key.stringValue, "pages")
        XCTAssertEqual(context.codingPath.map(\.stringValue), ["books", "Index 1"])
    }

    func testNullForANonOptionalIsValueNotFound() {
        guard case .valueNotFound? = decodingError(Int.self, "null") else { return XCTFail("not valueNotFound") }
        guard case .valueNotFound? = decodingError(ArticleValue.self, "null") else { return XCTFail("not valueNotFound") }
        guard case .valueNotFound? = decodingError([Int].self, "[1,null]") else { return XCTFail("not valueNotFound") }
    }

    // MARK: Duplicate keys

    /// RFC 8259 leaves a repeated key's meaning open; Foundation reads the first value both
    /// into a struct and into a dictionary, and never reads the later one, so we do the same.
    func testADuplicateKeyReadsTheFirstValueAsFoundationDoes() throws {
        func first<T: Decodable & Equatable>(_ type: T.Type, _ json: String, _ expected: T, file: StaticString = #filePath, line: UInt = #line) throws {
            XCTAssertEqual(try foundation.decode(type, from: Data(json.utf8)), expected, "Foundation", file: file, line: line)
            XCTAssertEqual(try decode(type, json), expected, "ours", file: file, line: line)
        }
        try first(Role.self, #"{"role":"user","role":"admin"}"#, Role(role: "user"))
        try first([String: String].self, #"{"role":"user","role":"admin"}"#, ["role": "user"])
        try first([String: Int].self, #"{"a":1,"b":2,"a":3}"#, ["a": 1, "b": 2])
        try first([String: Double].self, #"{"a":1.5,"a":2.5}"#, ["a": 1.5])
        try first([String: Bool].self, #"{"a":true,"a":false}"#, ["a": true])
        try first([String: [Int]].self, #"{"a":[1],"a":[2]}"#, ["a": [1]])
        try first([String: Mood].self, #"{"m":"happy","m":"sad"}"#, ["m": .happy])
        try first([String: Role].self, #"{"x":{"role":"user"},"x":{"role":"admin"}}"#, ["x": Role(role: "user")])
        try first([Int: String].self, #"{"1":"x","1":"y"}"#, [1: "x"])
        try first([Level: Int].self, #"{"low":1,"high":2,"low":3}"#, [.low: 1, .high: 2])
        // A keyed container lists a repeated key once: enums decode, custom types see one key.
        try first(Shape.self, #"{"square":{"side":1},"square":{"side":2}}"#, .square(side: 1))
        try first(ListedKeys.self, #"{"b":1,"a":2,"b":3,"a":4,"c":5}"#, ListedKeys(members: ["a=2", "b=1", "c=5"]))
        // Nested: the inner object's duplicate, and the outer's.
        try first([String: [String: Int]].self, #"{"o":{"a":1,"a":2},"o":{"b":3}}"#, ["o": ["a": 1]])
        try first([String: Role].self, #"{"x":{"role":"user","role":"admin"}}"#, ["x": Role(role: "user")])
        // The same key spelled with an escape is the same key.
        try first([String: String].self, #"{"role":"user","r\u006fle":"admin"}"#, ["role": "user"])
        try first(Role.self, #"{"role":"user","r\u006fle":"admin"}"#, Role(role: "user"))
        // Foundation never reads a later value, so its type does not matter.
        try first([String: Int].self, #"{"a":1,"a":"x"}"#, ["a": 1])
        try first([String: String].self, #"{"a":"x","a":1}"#, ["a": "x"])
        try first([String: [Int]].self, #"{"a":[1],"a":{}}"#, ["a": [1]])
        // Objects too large to search member by member.
        let members = (0..<20).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        let expected = Dictionary(uniqueKeysWithValues: (0..<20).map { ("k\($0)", $0) })
        try first([String: Int].self, "{\(members),\"k3\":99}", expected)
        try first([String: AnyJSON].self, "{\(members),\"k3\":99}", expected.mapValues { .int($0) })
        try first(ListedKeys.self, "{\(members),\"k3\":99}", ListedKeys(members: (0..<20).map { "k\($0)=\($0)" }.sorted()))
        let wideJSON = String(decoding: try fast.encode(Wide.sample), as: UTF8.self).dropLast() + #","a3":99}"#
        try first(Wide.self, String(wideJSON), Wide.sample)
    }

    // MARK: Random values

    func testSeededRandomNestedValuesRoundTripBothWays() throws {
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<300 {
            let value = AnyJSON.random(using: &generator, depth: 0)
            let ours = try fast.encode(value)
            XCTAssertEqual(try fast.decode(AnyJSON.self, from: ours), value)
            XCTAssertEqual(try foundation.decode(AnyJSON.self, from: ours), value)
            XCTAssertEqual(try fast.decode(AnyJSON.self, from: try foundation.encode(value)), value)
            XCTAssertEqual(try fast.encode(try fast.decode(AnyJSON.self, from: ours)), ours, "re-encoding gives the same bytes")
        }
    }

    func testTruncatedAndMutatedInputNeverCrashes() throws {
        var generator = SplitMix64(seed: 42)
        let valid = try fast.encode(Shelf.sample)
        for length in 0..<valid.count {
            XCTAssertThrowsError(try fast.decode(Shelf.self, from: valid.prefix(length)))
        }
        let alphabet = Array(#"{}[]",:0123456789-+.eE\u tfnrlsa"#.utf8) + [0, 0x1F, 0xFF]
        for _ in 0..<2000 {
            var bytes = [UInt8](valid)
            for _ in 0..<3 { bytes[Int(generator.next() % UInt64(bytes.count))] = alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            do {
                _ = try fast.decode(Shelf.self, from: Data(bytes))
            } catch {
                XCTAssertTrue(error is DecodingError, "\(error)")
            }
        }
    }
}

// MARK: - Test values

private struct Scalars: Codable, Equatable {
    var int8: Int8, int16: Int16, int32: Int32, int64: Int64, uint: UInt, uint8: UInt8, uint16: UInt16, uint32: UInt32, uint64: UInt64
    var float: Float, double: Double, bool: Bool, string: String

    static let sample = Scalars(
        int8: -8, int16: -16, int32: -32, int64: .min, uint: .max, uint8: 8, uint16: 16, uint32: 32, uint64: .max,
        float: 1.25, double: -0.1, bool: true, string: "s"
    )
}

private struct Optionals: Codable, Equatable {
    var present: Int?
    var absent: Int?
    var explicitNull: Int?

    enum CodingKeys: String, CodingKey { case present, absent, explicitNull }

    init(present: Int?, absent: Int?, explicitNull: Int?) {
        self.present = present
        self.absent = absent
        self.explicitNull = explicitNull
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        present = try container.decodeIfPresent(Int.self, forKey: .present)
        absent = try container.decodeIfPresent(Int.self, forKey: .absent)
        explicitNull = try container.decodeIfPresent(Int.self, forKey: .explicitNull)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(present, forKey: .present)
        try container.encodeIfPresent(absent, forKey: .absent)
        try container.encode(explicitNull, forKey: .explicitNull)
    }
}

private enum Mood: String, Codable, Equatable { case happy, sad }

/// A dictionary key that is written as an object key.
private enum Level: String, Codable, CodingKeyRepresentable { case low, high }

private enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case square(side: Int)
    case empty
    case labelled(String, count: Int)
}

private struct Book: Codable, Equatable {
    var title: String
    var pages: Int
    var tags: [String]
    var rating: Double?
}

private struct Shelf: Codable, Equatable {
    var title: String
    var books: [Book]
    var shapes: [Shape]
    var moods: [String: Mood] = [:]
    var added: Date = Date(timeIntervalSinceReferenceDate: 1000.5)
    var cover: Data = Data([1, 2, 3])
    var link: URL? = URL(string: "https://example.com/shelf")

    static let sample = Shelf(
        title: "Tea \"&\" sympathy",
        books: [
            Book(title: "Ulysses", pages: 730, tags: ["novel", "dublin"], rating: 4.5),
            Book(title: "Über", pages: 1, tags: [], rating: nil),
        ],
        shapes: [.circle(radius: 0.5), .labelled("l", count: 2)],
        moods: ["monday": .sad, "friday": .happy]
    )
}

private struct Empty: Codable, Equatable {}

/// A member that is a `Decimal`, and an optional one.
private struct Priced: Encodable {
    var price: Decimal
    var discount: Decimal?
}

/// A `Decimal` through a single-value container.
private struct DecimalWrapper: Encodable {
    var value: Decimal
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// `Decimal`s through an unkeyed container.
private struct DecimalList: Encodable {
    var values: [Decimal]
    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for value in values { try container.encode(value) }
    }
}

/// A `Decimal` through a keyed container, by hand.
private struct DecimalMembers: Encodable {
    var first: Decimal
    enum CodingKeys: String, CodingKey { case first }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(first, forKey: .first)
    }
}

private struct Role: Codable, Equatable {
    var role: String
}

/// What a keyed container lists in `allKeys`, each with the value read for it, sorted (the
/// order is Foundation's dictionary's, not the input's).
private struct ListedKeys: Decodable, Equatable {
    var members: [String]

    init(members: [String]) { self.members = members }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FreeKey.self)
        members = try container.allKeys.map { "\($0.stringValue)=\(try container.decode(Int.self, forKey: $0))" }.sorted()
    }

    struct FreeKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

private struct NothingEncoded: Encodable {
    func encode(to encoder: any Encoder) throws {}
}

/// Nested arrays of any depth.
private struct Nest: Decodable {
    var children: [Nest]
    init(from decoder: any Decoder) throws { children = try [Nest](from: decoder) }
}

/// More members than the decoder searches one by one.
private struct Wide: Codable, Equatable {
    var a0 = 0, a1 = 1, a2 = 2, a3 = 3, a4 = 4, a5 = 5, a6 = 6, a7 = 7, a8 = 8, a9 = 9
    var b0 = "0", b1 = "1", b2 = "2", b3 = "3", b4 = "4", b5 = "5", b6 = "6", b7 = "7", b8 = "8", b9 = "9"
    static let sample = Wide()
}

private class Base: Codable {
    var base: Int
    init(base: Int) { self.base = base }
}

private final class Derived: Base, @unchecked Sendable {
    var own: String

    init(base: Int, own: String) {
        self.own = own
        super.init(base: base)
    }

    enum CodingKeys: String, CodingKey { case own }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        own = try container.decode(String.self, forKey: .own)
        try super.init(from: container.superDecoder())
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(own, forKey: .own)
        try super.encode(to: container.superEncoder())
    }
}

/// Any JSON value, decoded by trying each kind in turn.
private enum AnyJSON: Codable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AnyJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: AnyJSON].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    static func random(using generator: inout SplitMix64, depth: Int) -> AnyJSON {
        let kinds: UInt64 = depth > 4 ? 5 : 7
        switch generator.next() % kinds {
        case 0: return .null
        case 1: return .bool(generator.next() % 2 == 0)
        case 2: return .int(Int(truncatingIfNeeded: generator.next()) >> (generator.next() % 64))
        // Always with a fraction, so that it is read back as a Double, not an Int.
        case 3: return .double(Double(Int64(truncatingIfNeeded: generator.next()) >> 20) / 64 + 1.0 / 128)
        case 4: return .string(randomString(using: &generator))
        case 5: return .array((0..<generator.next() % 6).map { _ in random(using: &generator, depth: depth + 1) })
        default:
            var object: [String: AnyJSON] = [:]
            for _ in 0..<generator.next() % 6 { object[randomString(using: &generator)] = random(using: &generator, depth: depth + 1) }
            return .object(object)
        }
    }

    static func randomString(using generator: inout SplitMix64) -> String {
        let pieces = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "e\u{301}", "世", "🌍", "\u{FFFF}"]
        return (0..<generator.next() % 8).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
    }
}

/// A small seeded generator, so a failure can be replayed.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: - The two coders, with the same Data in / Data out shape

/// ``FastJSON`` with `Data` in and out, as the tests compare it with Foundation's coders.
private struct FastJSONCoder {
    func encode<Value: Encodable>(_ value: Value) throws -> Data { Data(try FastJSON.encode(value)) }
    func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        try data.withUnsafeBytes { try FastJSON.decode(type, from: $0) }
    }
}

/// Foundation's coders as the cache's `JSONCacheSerializer` sets them up: sorted keys, slashes
/// not escaped.
private struct FoundationJSONCoder {
    func encode<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
    func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        try JSONDecoder().decode(type, from: data)
    }
}

/// The article's `my-key` value: a string, an integer, a list, the tuple as a fixed array,
/// and a dictionary (a Swift tuple is not `Codable`).
private struct ArticleValue: Codable, Equatable, Sendable {
    var aString: String
    var anInteger: Int
    var oneList: [Int]
    var thisTuple: [Int]
    var myDict: [String: Int]

    static let sample = ArticleValue(
        aString: "this is a simple string", anInteger: 123, oneList: [9, 10, 11, 12, 13], thisTuple: [1, 2, 3, 4],
        myDict: ["a": 26, "b": 25, "c": 24])
}
