import Foundation
import LarderRedis
import LarderKeyspace
import XCTest

/// Values decoded for display: Django's signed sessions, cached pages, and untrusted text made
/// safe for a terminal.
final class ValueDecodingTests: XCTestCase {
    /// A signed value as django.core.signing makes it: base64url(JSON) ":" base62(time) ":" signature.
    static func signed(_ json: String, timestamp: String = "1tQGqK", compressed: Bool = false) -> String {
        let payload = Data(json.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return (compressed ? "." : "") + payload + ":" + timestamp + ":" + "kS2Qm3bJb1dL0nQy8V3oWQz5Jp2sLk4TgHf9xYzA1Bc"
    }

    func testSignedSessionPayloadIsReadWithoutTheSecret() throws {
        let session = try XCTUnwrap(SignedSessionValue(Self.signed(#"{"count":3,"user":"ana"}"#, timestamp: "1")))
        XCTAssertEqual(session.json, #"{"count":3,"user":"ana"}"#)
        XCTAssertEqual(session.signedAt, Date(timeIntervalSince1970: 1))
        XCTAssertFalse(session.isCompressed)
        XCTAssertTrue(KeyValue.signedSession(session).summary().contains("signature not checked"))
    }

    func testBase62TimestampIsDjangos() throws {
        // Django's b62_encode: digits, then A-Z, then a-z, most significant first.
        var value = 1_700_000_000
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var encoded = ""
        while value > 0 {
            encoded = String(alphabet[value % 62]) + encoded
            value /= 62
        }
        let session = try XCTUnwrap(SignedSessionValue(Self.signed("{}", timestamp: encoded)))
        XCTAssertEqual(session.signedAt, Date(timeIntervalSince1970: 1_700_000_000))
    }

    func testCompressedPayloadIsRecognisedButNotShown() throws {
        let session = try XCTUnwrap(SignedSessionValue(Self.signed("not json, zlib bytes in reality", compressed: true)))
        XCTAssertTrue(session.isCompressed)
        XCTAssertNil(session.json)
    }

    func testStringsThatAreNotSignedSessions() {
        XCTAssertNil(SignedSessionValue("hello"))
        XCTAssertNil(SignedSessionValue("a:b"))
        XCTAssertNil(SignedSessionValue(Self.signed("not json")), "the payload must be JSON")
        XCTAssertNil(SignedSessionValue(Self.signed("{}", timestamp: "1!")), "the timestamp is base62")
        XCTAssertNil(SignedSessionValue("e30:1:sig:extra"))
        XCTAssertNil(SignedSessionValue(":1:sig"))
    }

    func testCachedPageShowsStatusHeadersAndBodySize() throws {
        let stored = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-A: 1\r\n\r\n<html>hello</html>"
        let page = try XCTUnwrap(PageCacheValue(http: Array(stored.utf8)))
        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page.headers.count, 2)
        XCTAssertEqual(page.bodyBytes, 18)
        XCTAssertEqual(page.contentType, "text/html")
        XCTAssertEqual(KeyValue.page(page).summary(), "page: status 200, 2 headers, text/html, body 18 bytes")
        XCTAssertNil(PageCacheValue(http: Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n".utf8)), "no end of the headers")
        XCTAssertNil(PageCacheValue(http: Array("HTTP/1.1 2x0 OK\r\n\r\n".utf8)))
        XCTAssertNil(PageCacheValue(http: Array(#"{"status":200}"#.utf8)))
    }

    func testTerminalEscapesCannotReachTheTerminal() {
        XCTAssertEqual(DisplayText.escaped("red\u{1B}[31m!"), "red\\u{1b}[31m!")
        XCTAssertEqual(DisplayText.escaped("a\nb\tc\\d"), "a\\nb\\tc\\\\d")
        XCTAssertEqual(DisplayText.escaped("evil\u{202E}txt.exe"), "evil\\u{202e}txt.exe", "a bidirectional override would reverse what follows")
        XCTAssertEqual(DisplayText.escaped("café ✓"), "café ✓", "printable Unicode stays readable")
    }

    func testBytesThatAreNotUTF8AreShownAsHex() {
        XCTAssertEqual(DisplayText.escaped([0x61, 0xFF, 0x62]), "a\\xffb")
        XCTAssertEqual(DisplayText.escaped([0xC3]), "\\xc3", "a truncated sequence")
        XCTAssertEqual(DisplayText.escaped([0xC0, 0xAF]), "\\xc0\\xaf", "an overlong slash")
        XCTAssertEqual(DisplayText.escaped([0xED, 0xA0, 0x80]), "\\xed\\xa0\\x80", "a surrogate")
    }

    func testLongTextIsCut() {
        XCTAssertEqual(DisplayText.escaped(String(repeating: "x", count: 10), limit: 4), "xxxx…")
        XCTAssertEqual(DisplayText.escaped("xxxx", limit: 4), "xxxx")
    }

    func testTimeToLiveReadsAsPeopleSayIt() {
        XCTAssertEqual(TimeToLive.expires(in: .milliseconds(899_387)).text, "899 s")
        XCTAssertEqual(TimeToLive.expires(in: .milliseconds(1_500)).text, "1.5 s")
        XCTAssertEqual(TimeToLive.persistent.text, "no expiry")
        XCTAssertEqual(TimeToLive.missing.text, "gone")
    }
}
