import Chapters
import XCTest

/// Chapter 08's TLS and ACL demo runs on its own servers and shows what the section says.
final class TLSDemoTests: XCTestCase {
    func testTheDemoShowsTLSTheACLAndEachFailure() async throws {
        let lines = try await TLSDemo.run(print: { _ in })
        let text = lines.joined(separator: "\n")
        XCTAssertFalse(lines.contains { $0.hasPrefix("✗") }, text)
        XCTAssertTrue(text.contains("REDIS_URL = rediss://guide-app:***@127.0.0.1:"), text)
        XCTAssertTrue(text.contains(#"over TLS as guide-app: greeting = "hello over TLS", visits = 1"#), text)
        XCTAssertTrue(text.contains("✓ FLUSHALL refused: NOPERM"), text)
        XCTAssertTrue(text.contains("✓ cache.clear() refused:"), text)
        XCTAssertTrue(text.contains("tlsHostnameMismatch: TLS to 127.0.0.1:"), text)
        XCTAssertTrue(text.contains("closedBeforeReply: the server at 127.0.0.1:"), text)
        XCTAssertFalse(text.contains("demo-"), "a password was printed:\n\(text)")
    }
}
