import Chapters
import XCTest

/// Chapter 08's cluster demo runs on its own private cluster and shows what the section says:
/// the three primaries and their slots, the cache's keys spread over them, CROSSSLOT refused
/// before sending, and a slot resharded under traffic with no wrong answer and no error.
final class ClusterDemoTests: XCTestCase {
    func testTheClusterDemoReshardsUnderTrafficWithoutAWrongAnswer() async throws {
        let lines = try await ClusterDemo.run(print: { _ in })
        let text = lines.joined(separator: "\n")
        print(text)
        XCTAssertEqual(lines.filter { $0.hasPrefix("  primary ") }.count, 3, text)
        XCTAssertTrue(text.contains("CLUSTER KEYSLOT {user:42}:cart → 15880 (the client computed 15880)"), text)
        XCTAssertTrue(text.contains("CLUSTER KEYSLOT {user:42}:profile → 15880 (the client computed 15880)"), text)
        XCTAssertTrue(text.contains("6 found, in order"), text)
        XCTAssertTrue(text.contains("EVAL over two slots: crossSlot"), text)
        XCTAssertTrue(text.contains(" 0 wrong answers, 0 errors"), text)
        let redirects = try XCTUnwrap(lines.first { $0.contains("redirects followed:") }, text)
        XCTAssertFalse(redirects.contains(" 0 ASK"), "no ASK met during the resharding: \(redirects)")
        XCTAssertTrue(text.contains("→ 0 shop keys left, the {hot} keys untouched (40)"), text)
    }
}
