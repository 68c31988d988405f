import NIOCore
import LarderRESP
import XCTest

/// `RESPToken.description` renders a reply as redis-cli would show it; `shortDescription`
/// cuts it for error messages.
final class RESPTokenDescriptionTests: XCTestCase {
    private func describe(_ frame: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try decodeFrame(frame, file: file, line: line).description
    }

    // MARK: Strings

    func testStringsAreQuoted() throws {
        XCTAssertEqual(try describe("+PONG\r\n"), #""PONG""#)
        XCTAssertEqual(try describe("$11\r\nhello world\r\n"), #""hello world""#)
        XCTAssertEqual(try describe("$0\r\n\r\n"), #""""#)
        XCTAssertEqual(try describe("=15\r\ntxt:Some string\r\n"), #""Some string""#)
    }

    func testQuotesBackslashesAndLineBreaksAreEscaped() throws {
        XCTAssertEqual(try describe("$8\r\nsay \"hi\"\r\n"), #""say \"hi\"""#)
        XCTAssertEqual(try describe("$3\r\na\\b\r\n"), #""a\\b""#)
        XCTAssertEqual(try describe("$6\r\na\r\nb\tc\r\n"), #""a\r\nb\tc""#)
    }

    func testControlBytesAreEscapedWithTwoHexDigits() throws {
        // Two digits always, so that byte 0x01 followed by "f" cannot read as byte 0x1f.
        XCTAssertEqual(try decodeFrame([UInt8]("$3\r\n".utf8) + [0x01, 0x66, 0x1F] + [0x0D, 0x0A]).description, #""\x01f\x1f""#)
    }

    func testInvalidUTF8IsShownAsReplacementCharacters() throws {
        XCTAssertEqual(try decodeFrame([UInt8]("$2\r\n".utf8) + [0xFF, 0xFE, 0x0D, 0x0A]).description, "\"\u{FFFD}\u{FFFD}\"")
    }

    func testMultibyteUTF8IsShownAsText() throws {
        XCTAssertEqual(try describe("$6\r\n日本\r\n"), #""日本""#)
    }

    // MARK: Errors, numbers, booleans, null

    func testErrorsArePrefixedAndUnquoted() throws {
        XCTAssertEqual(try describe("-ERR unknown command\r\n"), "(error) ERR unknown command")
        XCTAssertEqual(try describe("!21\r\nSYNTAX invalid syntax\r\n"), "(error) SYNTAX invalid syntax")
    }

    func testIntegersAreTagged() throws {
        XCTAssertEqual(try describe(":42\r\n"), "(integer) 42")
        XCTAssertEqual(try describe(":-9223372036854775808\r\n"), "(integer) -9223372036854775808")
    }

    func testDoublesAreTagged() throws {
        XCTAssertEqual(try describe(",1.5\r\n"), "(double) 1.5")
        XCTAssertEqual(try describe(",-2\r\n"), "(double) -2.0")
        XCTAssertEqual(try describe(",inf\r\n"), "(double) inf")
        XCTAssertEqual(try describe(",-inf\r\n"), "(double) -inf")
        XCTAssertEqual(try describe(",nan\r\n"), "(double) nan")
    }

    func testBooleansAreTagged() throws {
        XCTAssertEqual(try describe("#t\r\n"), "(boolean) true")
        XCTAssertEqual(try describe("#f\r\n"), "(boolean) false")
    }

    func testEveryNullIsNil() throws {
        XCTAssertEqual(try describe("_\r\n"), "(nil)")
        XCTAssertEqual(try describe("$-1\r\n"), "(nil)")
        XCTAssertEqual(try describe("*-1\r\n"), "(nil)")
    }

    func testBigNumberShowsItsDigits() throws {
        XCTAssertEqual(try describe("(3492890328409238509324850943850943825024385\r\n"), "(big number) 3492890328409238509324850943850943825024385")
    }

    // MARK: Aggregates

    func testArraysAreBracketedLists() throws {
        XCTAssertEqual(try describe("*2\r\n$1\r\na\r\n:1\r\n"), #"["a", (integer) 1]"#)
        XCTAssertEqual(try describe("*0\r\n"), "[]")
        XCTAssertEqual(try describe("*2\r\n*1\r\n:1\r\n*0\r\n"), "[[(integer) 1], []]")
    }

    func testSetsAndPushesAreTaggedLists() throws {
        XCTAssertEqual(try describe("~2\r\n+a\r\n+b\r\n"), #"(set) ["a", "b"]"#)
        XCTAssertEqual(try describe(">2\r\n$7\r\nmessage\r\n$2\r\nhi\r\n"), #"(push) ["message", "hi"]"#)
    }

    func testMapsAreBracedPairs() throws {
        XCTAssertEqual(try describe("%2\r\n+first\r\n:1\r\n+second\r\n_\r\n"), #"{"first": (integer) 1, "second": (nil)}"#)
        XCTAssertEqual(try describe("%0\r\n"), "{}")
    }

    func testAttributesAreLeftOutOfTheValue() throws {
        XCTAssertEqual(try describe("|1\r\n+ttl\r\n:3600\r\n*2\r\n:1\r\n:2\r\n"), "[(integer) 1, (integer) 2]")
        XCTAssertEqual(try describe("*2\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n:2\r\n"), "[(integer) 1, (integer) 2]")
    }

    func testInterpolationUsesTheDescription() throws {
        let token = try decodeFrame("*1\r\n+a\r\n")
        XCTAssertEqual("\(token)", #"["a"]"#)
    }

    // MARK: Long values

    func testDescriptionShowsLongStringsInFull() throws {
        let body = String(repeating: "x", count: 1000)
        XCTAssertEqual(try describe("$1000\r\n\(body)\r\n"), "\"\(body)\"")
    }

    func testShortDescriptionCutsLongStringsAndGivesTheirSize() throws {
        let token = try decodeFrame("$100\r\n\(String(repeating: "x", count: 100))\r\n")
        XCTAssertEqual(token.shortDescription, "\"\(String(repeating: "x", count: 60))\"… (100 bytes)")
    }

    func testShortDescriptionCutsLongArraysAndCountsTheRest() throws {
        let token = try decodeFrame("*100\r\n" + String(repeating: ":1\r\n", count: 100))
        XCTAssertEqual(token.shortDescription, "[" + Array(repeating: "(integer) 1", count: 6).joined(separator: ", ") + ", … 94 more]")
    }

    func testShortDescriptionKeepsAShortArrayWhole() throws {
        let token = try decodeFrame("*5\r\n" + String(repeating: ":1\r\n", count: 5))
        XCTAssertEqual(token.shortDescription, token.description)
    }

    /// Found in review: maps and error lines were rendered in full even for error messages.
    func testShortDescriptionCutsLargeMapsAndLongErrors() throws {
        var map = ByteBuffer(string: "%1000\r\n")
        for index in 0..<1000 { map.writeString("+key\(index)\r\n:\(index)\r\n") }
        let mapToken = try RESPToken(validating: map)
        XCTAssertLessThan(mapToken.shortDescription.count, 400, mapToken.shortDescription)
        XCTAssertTrue(mapToken.shortDescription.contains("more"), mapToken.shortDescription)
        let error = try RESPToken(validating: ByteBuffer(string: "-ERR " + String(repeating: "x", count: 5000) + "\r\n"))
        XCTAssertLessThan(error.shortDescription.count, 200, error.shortDescription)
        XCTAssertTrue(error.description.count > 5000, "description stays complete")
    }
}
