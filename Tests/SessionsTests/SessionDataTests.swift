import Sessions
import XCTest

final class SessionDataTests: XCTestCase {
    func testTypedAccessorsForCodableValues() throws {
        var data = SessionData()
        try data.set("cart", Cart(items: ["book"], total: 3.5))
        try data.set("count", 2)
        XCTAssertEqual(try data.get("cart", as: Cart.self), Cart(items: ["book"], total: 3.5))
        XCTAssertEqual(try data.get("count", as: Int.self), 2)
        XCTAssertNil(try data.get("missing", as: Int.self))
    }

    func testReadingAsTheWrongTypeThrows() throws {
        var data = SessionData()
        try data.set("count", "two")
        XCTAssertThrowsError(try data.get("count", as: Int.self)) { error in
            guard case SessionError.undecodable(let key, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "count")
        }
    }
}
