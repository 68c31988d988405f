import LarderPickle
import XCTest

final class PickleBigIntTests: XCTestCase {
    func testDecimalTextRoundTripsThroughTwosComplementBytes() throws {
        for text in ["0", "1", "-1", "127", "128", "-128", "-129", "255", "32768", "-9223372036854775809", "340282366920938463463374607431768211455"] {
            XCTAssertEqual(try XCTUnwrap(PickleBigInt(text)).description, text)
        }
    }

    func testBytesAreTheShortestForm() throws {
        XCTAssertEqual(try XCTUnwrap(PickleBigInt("32768")).twosComplementLittleEndian, [0x00, 0x80, 0x00])
        XCTAssertEqual(try XCTUnwrap(PickleBigInt("-32768")).twosComplementLittleEndian, [0x00, 0x80])
        XCTAssertEqual(PickleBigInt(twosComplementLittleEndian: [0xFF, 0xFF, 0xFF]).twosComplementLittleEndian, [0xFF])
        XCTAssertEqual(PickleBigInt(-1).intValue, -1)
        XCTAssertNil(PickleBigInt("9223372036854775808")?.intValue)
    }

    func testNonNumbersAreNil() {
        XCTAssertNil(PickleBigInt(""))
        XCTAssertNil(PickleBigInt("-"))
        XCTAssertNil(PickleBigInt("12a"))
    }
}
