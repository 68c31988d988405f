import LarderSessions
import XCTest

/// `SessionError` is a struct with a `code`: each code is its own, and the accessors return
/// what the error was made with.
final class SessionErrorCodeTests: XCTestCase {
    let errors: [SessionError] = [
        .storeUnavailable(store: "cache store", reason: "socket gone"), .interrupted(key: "k1"), .noFreeKey(attempts: 7),
        .undecodable(key: "count", expected: "Int", reason: "a string"), .unencodable(key: "when", reason: "no JSON form"),
        .invalidConfiguration("empty secret"), .database("disk I/O error"),
    ]

    func testEachCodeHasItsOwnNameAndEachErrorItsOwnText() {
        XCTAssertEqual(Set(errors.map(\.code)).count, errors.count, "two errors share a code")
        XCTAssertEqual(
            errors.map(\.code.description),
            ["storeUnavailable", "interrupted", "noFreeKey", "undecodable", "unencodable", "invalidConfiguration", "database"])
        XCTAssertEqual(Set(errors.map(\.description)).count, errors.count, "two codes print the same text")
    }

    func testTheAccessorsReturnThePayloadAndNilForOtherCodes() {
        XCTAssertEqual(errors.map(\.store), ["cache store", nil, nil, nil, nil, nil, nil])
        XCTAssertEqual(errors.map(\.key), [nil, "k1", nil, "count", "when", nil, nil])
        XCTAssertEqual(errors.map(\.attempts), [nil, nil, 7, nil, nil, nil, nil])
        XCTAssertEqual(errors.map(\.expected), [nil, nil, nil, "Int", nil, nil, nil])
        XCTAssertEqual(errors.map(\.reason), ["socket gone", nil, nil, "a string", "no JSON form", "empty secret", "disk I/O error"])
    }
}
