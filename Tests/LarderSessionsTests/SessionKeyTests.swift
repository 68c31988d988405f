import LarderSessions
import XCTest

final class SessionKeyTests: XCTestCase {
    func testThousandFreshKeysAreDistinctAndInTheAlphabet() {
        let keys = (0..<1_000).map { _ in SessionKey.generate() }
        XCTAssertEqual(Set(keys).count, 1_000)
        let alphabet = Set("abcdefghijklmnopqrstuvwxyz0123456789")
        for key in keys {
            XCTAssertEqual(key.count, 32, key)
            XCTAssertTrue(key.allSatisfy(alphabet.contains), key)
            XCTAssertTrue(SessionKey.isValid(key), key)
        }
        // Every character of the alphabet turns up: the draw covers all 36, not a subset.
        XCTAssertEqual(Set(keys.joined()), alphabet)
    }

    func testShortOrForeignKeysAreInvalid() {
        XCTAssertFalse(SessionKey.isValid(""))
        XCTAssertFalse(SessionKey.isValid("abc1234"))  // 7 characters
        XCTAssertTrue(SessionKey.isValid("abc12345"))  // 8
        XCTAssertFalse(SessionKey.isValid("ABCDEFGHIJKLMNOPQRSTUVWXYZ123456"))
        XCTAssertFalse(SessionKey.isValid("abcdefgh-ijklmnop"))
        XCTAssertFalse(SessionKey.isValid("abcdefgh\"; DROP"))
        XCTAssertFalse(SessionKey.isValid(String(repeating: "a", count: 41)))
    }
}

