import LarderKeyspace
import LarderRedis
import XCTest

/// `KeyspaceError` is a struct with a `code`: each code is its own, and the accessors return
/// what the error was made with.
final class KeyspaceErrorCodeTests: XCTestCase {
    let errors: [KeyspaceError] = [
        .redis(.cancelled), .noSuchDatabase(20, databases: 16), .noSuchDatabase(20, databases: nil), .invalidCursor("12abc"),
        .invalidCount(0, allowed: 1...1_000), .keysRefused(database: 1, size: 50_000, limit: 10_000),
    ]

    func testEachCodeHasItsOwnNameAndEachErrorItsOwnText() {
        XCTAssertEqual(Set(errors.map(\.code)).count, errors.count - 1, "noSuchDatabase appears twice; the others are distinct")
        XCTAssertEqual(
            errors.map(\.code.description),
            ["redis", "noSuchDatabase", "noSuchDatabase", "invalidCursor", "invalidCount", "keysRefused"])
        XCTAssertEqual(Set(errors.map(\.description)).count, errors.count, "two errors print the same text")
    }

    func testTheAccessorsReturnThePayloadAndNilForOtherCodes() {
        XCTAssertEqual(errors.map { $0.redisError?.code }, [.cancelled, nil, nil, nil, nil, nil])
        XCTAssertEqual(errors.map(\.database), [nil, 20, 20, nil, nil, 1])
        XCTAssertEqual(errors.map(\.databases), [nil, 16, nil, nil, nil, nil])
        XCTAssertEqual(errors.map(\.cursor), [nil, nil, nil, "12abc", nil, nil])
        XCTAssertEqual(errors.map(\.count), [nil, nil, nil, nil, 0, nil])
        XCTAssertEqual(errors.map(\.allowed), [nil, nil, nil, nil, 1...1_000, nil])
        XCTAssertEqual(errors.map(\.size), [nil, nil, nil, nil, nil, 50_000])
        XCTAssertEqual(errors.map(\.limit), [nil, nil, nil, nil, nil, 10_000])
    }
}
