import LarderSessions
import XCTest

final class SessionDataTests: XCTestCase {
    func testTypedAccessorsForCodableValues() throws {
        var data = DjangoSessionData()
        try data.set("cart", Cart(items: ["book"], total: 3.5))
        try data.set("count", 2)
        XCTAssertEqual(try data.get("cart", as: Cart.self), Cart(items: ["book"], total: 3.5))
        XCTAssertEqual(try data.get("count", as: Int.self), 2)
        XCTAssertNil(try data.get("missing", as: Int.self))
    }

    func testReadingAsTheWrongTypeThrows() throws {
        var data = DjangoSessionData()
        try data.set("count", "two")
        XCTAssertThrowsError(try data.get("count", as: Int.self)) { error in
            guard let error = error as? SessionError, error.code == .undecodable, let key = error.key else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "count")
        }
    }
}

final class SessionJSONTests: XCTestCase {
    func testParsesWhatItWritesAndWhatPythonWrites() throws {
        let python = #"{"a": [1, -2, 2.5, 1e+20, null, true, false], "s": "Zo\u00eb \"q\" \ud83d\ude00 \/", "o": {}, "e": []}"#
        let data = try XCTUnwrap(DjangoSessionData(json: Array(python.utf8)))
        XCTAssertEqual(data["a"], .array([.int(1), .int(-2), .double(2.5), .double(1e20), .null, .bool(true), .bool(false)]))
        XCTAssertEqual(data["s"], .string("Zoë \"q\" 😀 /"))
        XCTAssertEqual(data["o"], .object([:]))
        XCTAssertEqual(data["e"], .array([]))
        XCTAssertEqual(DjangoSessionData(json: data.json), data, "round trip")
    }

    func testRejectsWhatIsNotOneObject() {
        for text in ["", "[]", "1", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x", "{\"a\":--1}", "{\"a\":\"\u{01}\"}", "{a:1}",
                     String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
            XCTAssertNil(DjangoSessionData(json: Array(text.utf8)), text)
        }
        let deep = "{\"a\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        XCTAssertNil(DjangoSessionData(json: Array(deep.utf8)), "nesting is bounded")
    }
}
