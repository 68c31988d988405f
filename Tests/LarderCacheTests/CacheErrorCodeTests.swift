import LarderCache
import LarderRedis
import XCTest

/// `CacheError` is a struct with a `code`: each code is its own, and the accessors return what
/// the error was made with.
final class CacheErrorCodeTests: XCTestCase {
    let errors: [CacheError] = [
        .keyNotFound(key: "a"), .notAnInteger(key: "b"), .overflow(key: "c"),
        .undecodable(key: "d", expected: "Int", reason: "not JSON"), .unencodable(key: "e", type: "Date", reason: "no JSON form"),
        .invalidConfiguration("no location"), .backend(.poolClosed),
    ]

    func testEachCodeHasItsOwnNameAndEachErrorItsOwnText() {
        XCTAssertEqual(Set(errors.map(\.code)).count, errors.count, "two errors share a code")
        XCTAssertEqual(
            errors.map(\.code.description),
            ["keyNotFound", "notAnInteger", "overflow", "undecodable", "unencodable", "invalidConfiguration", "backend"])
        XCTAssertEqual(Set(errors.map(\.description)).count, errors.count, "two codes print the same text")
    }

    func testTheAccessorsReturnThePayloadAndNilForOtherCodes() {
        XCTAssertEqual(errors.map(\.key), ["a", "b", "c", "d", "e", nil, nil])
        XCTAssertEqual(errors.map(\.expected), [nil, nil, nil, "Int", nil, nil, nil])
        XCTAssertEqual(errors.map(\.valueType), [nil, nil, nil, nil, "Date", nil, nil])
        XCTAssertEqual(errors.map(\.reason), [nil, nil, nil, "not JSON", "no JSON form", "no location", nil])
        XCTAssertEqual(errors.map { $0.redisError?.code }, [nil, nil, nil, nil, nil, nil, .poolClosed])
    }
}
