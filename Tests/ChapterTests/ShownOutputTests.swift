@testable import Chapters
import Guide
import RedisTestSupport
import XCTest

/// Every marked output block in `chapters/*.md` (`<!-- output: STEP -->`) is what that step
/// prints, once times, keys, pids, ports and socket paths are normalised: shown output cannot
/// drift from the code. `swift run guide refresh-output` pastes a fresh run.
final class ShownOutputTests: XCTestCase {
    override class func tearDown() { ChapterTestServer.suite.stop() }

    func testEveryMarkedOutputBlockIsWhatItsStepsPrint() async throws {
        // Chapters 01 and 02 read the live server setup.sh configured (as ChapterTests does);
        // the others write, so they run on a private server configured like it.
        let live = AllChapters.chapters(GuideSettings()).filter { $0.number <= 2 }
        let written = AllChapters.chapters(try await ChapterTestServer.settings()).filter { $0.number > 2 }
        var checked = 0
        for chapter in live + written {
            let markdown = try String(contentsOf: Package.root.appendingPathComponent(chapter.file), encoding: .utf8)
            let blocks = ShownOutput.blocks(in: markdown)
            let measured = MeasuredOutput.blocks(in: markdown)
            guard !blocks.isEmpty || !measured.isEmpty else { continue }
            let report = await chapter.run()
            XCTAssertTrue(report.passed, "chapter \(chapter.paddedNumber) failed on the test server: \(report.outcomes.compactMap(\.failure))")
            for block in blocks {
                checked += 1
                switch ShownOutput.printed(for: block, in: report) {
                case .failure(let error):
                    XCTFail("\(chapter.file):\(block.line): \(error)")
                case .success(let printed):
                    let shown = ShownOutput.normalized(ShownOutput.withoutVaryingDetails(block.text, of: block))
                    let ran = ShownOutput.normalized(ShownOutput.withoutVaryingDetails(printed, of: block))
                    XCTAssertEqual(shown, ran, "\(chapter.file):\(block.line) differs from what the steps print: run `swift run guide refresh-output \(chapter.number)`")
                }
            }
            checked += checkMeasuredBlocks(measured, of: chapter, in: report)
        }
        XCTAssertGreaterThan(checked, 0, "no marked output blocks found in chapters/")
    }

    func testNormalisingKeepsWhatMattersAndDropsWhatChanges() {
        let one = "  ✓ GET /   (a miss)\n      took 28 ms  Expires: Sun, 06 Dec 2026 23:54:03 GMT  sessionid=zdwt6fpb99rsk837gmowykwgt9vy9hfi on /var/run/redis/redis.sock"
        let two = "  ✓ GET /   (a miss)\n      took 3 ms  Expires: Mon, 07 Dec 2026 01:02:03 GMT  sessionid=48vpic1kxcnn25msf20vh6a4c0yzctka on /tmp/private-redis-1-AB/redis.sock"
        XCTAssertEqual(ShownOutput.normalized(one), ShownOutput.normalized(two))
        XCTAssertNotEqual(ShownOutput.normalized(one), ShownOutput.normalized(two.replacingOccurrences(of: "a miss", with: "a hit")))
    }

    func testAStepWhoseDetailsVaryByUserIsComparedByItsTitleOnly() throws {
        let markdown = "<!-- output: first ... third; details vary: second -->\n```\n  ✓ first\n      one\n  ✓ second\n      root bypasses\n  ✓ third\n      three\n```\n"
        let block = try XCTUnwrap(ShownOutput.blocks(in: markdown).first)
        XCTAssertEqual(block.steps, ["first", "third"])
        XCTAssertEqual(block.varyingSteps, ["second"])
        let asRoot = ShownOutput.withoutVaryingDetails(block.text, of: block)
        let asMember = ShownOutput.withoutVaryingDetails("  ✓ first\n      one\n  ✓ second\n      alice is in group redis\n  ✓ third\n      three", of: block)
        XCTAssertEqual(asRoot, asMember)
        XCTAssertEqual(asRoot, "  ✓ first\n      one\n  ✓ second\n  ✓ third\n      three")
        // A changed detail of another step still differs.
        XCTAssertNotEqual(asRoot, ShownOutput.withoutVaryingDetails("  ✓ first\n      two\n  ✓ second\n  ✓ third\n      three", of: block))
    }

    func testABlockNamingAStepTheChapterDoesNotHaveIsReported() async throws {
        let chapter = Chapter(number: 99, name: "demo", title: "Demo", steps: [Step("first") { log in log.show("one") }])
        let report = await chapter.run()
        let blocks = ShownOutput.blocks(in: "<!-- output: second -->\n```\n  ✓ second\n```\n")
        XCTAssertEqual(blocks.count, 1)
        guard case .failure = ShownOutput.printed(for: blocks[0], in: report) else { return XCTFail("a missing step was not reported") }
        let present = ShownOutput.blocks(in: "<!-- output: first -->\n```\n  ✓ first\n      one\n```\n")
        XCTAssertEqual(try ShownOutput.printed(for: present[0], in: report).get(), "  ✓ first\n      one")
    }
}
