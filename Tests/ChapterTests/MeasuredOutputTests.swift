import Guide
import XCTest

/// The structure rule of ``MeasuredOutput``: a measured block and a fresh run match when they
/// have the same lines in the same order with the same words, whatever their figures; lines
/// named `may repeat` or `may be absent` stand for one or more, or any number, of such lines.
final class MeasuredOutputTests: XCTestCase {
    static let marker = "<!-- measured: Failover; may repeat: discovery failed; may be absent: primary 127.0.0.1:PORT$ -->"
    static let shown = """
          ✓ Failover
              -1054 ms  primary 127.0.0.1:58785
              9 ms      discovery failed: a failover is probably under way (×21, until 2142 ms)
              2252 ms   +switch-master mymaster: 127.0.0.1:58785 → 127.0.0.1:35673
              pages during the window: 97 served (200), 0 failed
        """

    func block() throws -> MeasuredOutput.Block {
        try XCTUnwrap(MeasuredOutput.blocks(in: "\(Self.marker)\n```\n\(Self.shown)\n```\n").first)
    }

    func testTheMarkerNamesTheStepAndTheRules() throws {
        let block = try block()
        XCTAssertEqual(block.steps, ["Failover"])
        XCTAssertEqual(block.repeating, ["discovery failed"])
        XCTAssertEqual(block.optional, ["primary 127.0.0.1:PORT$"])
        XCTAssertEqual(block.text, Self.shown)
        XCTAssertEqual(block.line, 2)
    }

    func testARunWithOtherFiguresAndPaddingMatches() throws {
        let run = """
              ✓ Failover
                  -998 ms   primary 127.0.0.1:40001
                  12 ms     discovery failed: a failover is probably under way (×3, until 2301 ms)
                  2318 ms   +switch-master mymaster: 127.0.0.1:40001 → 127.0.0.1:40002
                  pages during the window: 1204 served (200), 0 failed
            """
        XCTAssertNil(MeasuredOutput.difference(shown: Self.shown, printed: run, block: try block()))
    }

    func testAChangedWordFails() throws {
        let run = Self.shown.replacingOccurrences(of: "0 failed", with: "0 lost")
        let difference = try XCTUnwrap(MeasuredOutput.difference(shown: Self.shown, printed: run, block: try block()))
        XCTAssertTrue(difference.contains("block line 5"), difference)
        XCTAssertTrue(difference.contains("0 lost"), difference)
    }

    func testAMissingLineFails() throws {
        let run = Self.shown.components(separatedBy: "\n").filter { !$0.contains("+switch-master") }.joined(separator: "\n")
        let difference = try XCTUnwrap(MeasuredOutput.difference(shown: Self.shown, printed: run, block: try block()))
        XCTAssertTrue(difference.contains("+switch-master"), difference)
    }

    func testAnExtraLineFails() throws {
        let run = Self.shown + "\n      a line the block does not show"
        let difference = try XCTUnwrap(MeasuredOutput.difference(shown: Self.shown, printed: run, block: try block()))
        XCTAssertTrue(difference.contains("more lines than the block shows"), difference)
    }

    func testALineThatMayRepeatStandsForOneOrMoreButNotNone() throws {
        var lines = Self.shown.components(separatedBy: "\n")
        let failed = lines[2]
        lines.insert(failed.replacingOccurrences(of: " (×21, until 2142 ms)", with: ""), at: 2)
        XCTAssertNil(MeasuredOutput.difference(shown: Self.shown, printed: lines.joined(separator: "\n"), block: try block()))
        let none = Self.shown.components(separatedBy: "\n").filter { !$0.contains("discovery failed") }.joined(separator: "\n")
        XCTAssertNotNil(MeasuredOutput.difference(shown: Self.shown, printed: none, block: try block()))
    }

    func testALineThatMayBeAbsentStandsForAnyNumber() throws {
        let lines = Self.shown.components(separatedBy: "\n")
        let none = lines.filter { !$0.contains("primary 127.0.0.1") }.joined(separator: "\n")
        XCTAssertNil(MeasuredOutput.difference(shown: Self.shown, printed: none, block: try block()))
        let twice = ([lines[0], lines[1], lines[1]] + lines[2...]).joined(separator: "\n")
        XCTAssertNil(MeasuredOutput.difference(shown: Self.shown, printed: twice, block: try block()))
        // Left out on both sides: it may come anywhere (a rediscovery races +switch-master).
        let moved = ([lines[0], lines[2], lines[3], lines[1], lines[4]]).joined(separator: "\n")
        XCTAssertNil(MeasuredOutput.difference(shown: Self.shown, printed: moved, block: try block()))
        // The other lines still count.
        let missing = ([lines[0], lines[1], lines[3], lines[4]]).joined(separator: "\n")
        XCTAssertNotNil(MeasuredOutput.difference(shown: Self.shown, printed: missing, block: try block()))
    }

    func testLinesThatMayRepeatSideBySideAreOneGroupAndAPluralIsItsSingular() throws {
        let markdown = "<!-- measured: SCAN; may repeat: MATCH -->\n```\n  SCAN 0 MATCH * → cursor 3, 5 keys\n  SCAN 3 MATCH * → cursor 0, 2 keys\n  7 keys in 2 SCAN calls\n```\n"
        let block = try XCTUnwrap(MeasuredOutput.blocks(in: markdown).first)
        XCTAssertNil(MeasuredOutput.difference(shown: block.text, printed: "  SCAN 0 MATCH * → cursor 0, 7 keys\n  7 keys in 1 SCAN call", block: block))
        XCTAssertNotNil(MeasuredOutput.difference(shown: block.text, printed: "  7 keys in 1 SCAN call", block: block))
    }

    func testALineWhoseWordsVaryAfterAPhraseIsComparedUpToIt() throws {
        let markdown = "<!-- measured: Failover; words vary after: lost: -->\n```\n  2 ms  primary 127.0.0.1:4001 lost: the connection closed\n  done\n```\n"
        let block = try XCTUnwrap(MeasuredOutput.blocks(in: markdown).first)
        XCTAssertEqual(block.varyingAfter, ["lost:"])
        XCTAssertNil(MeasuredOutput.difference(shown: block.text, printed: "  1 ms  primary 127.0.0.1:4002 lost: connection refused\n  done", block: block))
        XCTAssertNotNil(MeasuredOutput.difference(shown: block.text, printed: "  1 ms  replica 127.0.0.1:4002 lost: connection refused\n  done", block: block))
    }

    func testAPhraseEndingInADollarNamesOnlyLinesEndingWithIt() {
        XCTAssertTrue(MeasuredOutput.names("primary 127.0.0.1:PORT$", "        2246 ms   primary 127.0.0.1:35673"))
        XCTAssertFalse(MeasuredOutput.names("primary 127.0.0.1:PORT$", "        2 ms      primary 127.0.0.1:58785 lost: the connection closed"))
        XCTAssertTrue(MeasuredOutput.names("primary 127.0.0.1:PORT", "        2 ms      primary 127.0.0.1:58785 lost: the connection closed"))
    }

    func testTheShapeMasksFiguresKeysAndPortsButKeepsWordsAndIndentation() {
        XCTAssertEqual(
            MeasuredOutput.shape(of: "        primary 37535 serves slots 0-5460, replica 40949"),
            "        primary # serves slot #-#, replica #")
        XCTAssertEqual(
            MeasuredOutput.shape(of: "      9 ms      discovery failed (×21, until 2142 ms)"),
            MeasuredOutput.shape(of: "      12 ms     discovery failed"))
        XCTAssertEqual(
            MeasuredOutput.shape(of: "      0sh0lvtvkdkzjxyviqy5qr7yz476f0km  string  TTL 1178089 s  168 B"),
            MeasuredOutput.shape(of: "      2866gu9f2sbcm0jbcb18jjh2q8a4yf9n  string  TTL 12 s       1168 B"))
        XCTAssertNotEqual(MeasuredOutput.shape(of: "  db0: 28 keys"), MeasuredOutput.shape(of: "    db0: 28 keys"))
    }
}

extension ShownOutputTests {
    /// Checks chapter `chapter`'s measured blocks against `report`, the run the output blocks
    /// were checked against (chapter 08's Sentinel and cluster steps take about 16 s: they run
    /// once for both kinds), and returns how many it checked.
    func checkMeasuredBlocks(_ blocks: [MeasuredOutput.Block], of chapter: Chapter, in report: ChapterReport) -> Int {
        for block in blocks {
            switch MeasuredOutput.printed(for: block, in: report) {
            case .failure(let error):
                XCTFail("\(chapter.file):\(block.line): \(error)")
            case .success(let printed):
                if let difference = MeasuredOutput.difference(shown: block.text, printed: printed, block: block) {
                    XCTFail("""
                        \(chapter.file):\(block.line): the measured block differs in structure from what the steps print: \(difference). \
                        If the step's output changed on purpose, run `swift run guide refresh-output \(chapter.number)`; if a line may \
                        repeat or be absent, name it in the marker (see MeasuredOutput). The run printed:
                        \(printed)
                        """)
                }
            }
        }
        return blocks.count
    }
}
