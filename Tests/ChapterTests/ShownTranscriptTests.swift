import Chapters
import Foundation
import Guide
import RedisTestSupport
import XCTest

/// Every marked shell transcript in `chapters/*.md` (`<!-- transcript: SCENARIO -->`) is what its
/// `$` commands print, run for real against the scenario's private servers, once
/// ``TranscriptNormalization``'s named rules have replaced what must vary.
/// `swift run guide refresh-output N` pastes a fresh run.
final class ShownTranscriptTests: XCTestCase {
    func testChapter02TranscriptsAreWhatTheirCommandsPrint() async throws { try await checkTranscripts(of: 2) }
    func testChapter03TranscriptsAreWhatTheirCommandsPrint() async throws { try await checkTranscripts(of: 3) }
    func testChapter04TranscriptsAreWhatTheirCommandsPrint() async throws { try await checkTranscripts(of: 4) }
    func testChapter06TranscriptsAreWhatTheirCommandsPrint() async throws { try await checkTranscripts(of: 6) }
    func testChapter07TranscriptsAreWhatTheirCommandsPrint() async throws { try await checkTranscripts(of: 7) }
    func testYourOwnAppTranscriptIsWhatItsCommandsPrint() async throws { try await checkTranscripts(markdown: "chapters/your-own-app.md", refresh: "swift run guide refresh-output") }

    func checkTranscripts(of number: Int, file: StaticString = #filePath, line: UInt = #line) async throws {
        let chapter = try XCTUnwrap(AllChapters.chapters().first { $0.number == number })
        try await checkTranscripts(markdown: chapter.file, refresh: "swift run guide refresh-output \(number)", file: file, line: line)
    }

    func checkTranscripts(markdown path: String, refresh: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        let markdown = try String(contentsOf: Package.root.appendingPathComponent(path), encoding: .utf8)
        let blocks = ShownTranscript.blocks(in: markdown)
        XCTAssertFalse(blocks.isEmpty, "\(path) has no <!-- transcript: ... --> block", file: file, line: line)
        let results = await TranscriptRunner.run(blocks)
        for block in blocks {
            switch results[block.line] {
            case .none:
                XCTFail("\(path):\(block.line): the block was not run", file: file, line: line)
            case .failure(let error)?:
                XCTFail("\(path):\(block.line): \(error)", file: file, line: line)
            case .success(let outputs)?:
                for (command, printed) in zip(block.commands, outputs) {
                    if let difference = ShownTranscript.difference(command, printed: printed) {
                        XCTFail("\(path):\(block.line): \(difference)\nrun `\(refresh)`", file: file, line: line)
                    }
                }
            }
        }
    }

    // MARK: the block format

    func testABlockIsSplitIntoCommandsAndTheirOutput() throws {
        let markdown = "text\n<!-- transcript: demo -->\n```\n$ redis-cli ping\nPONG\n$ redis-cli get a\n(nil)\n```\n"
        let block = try XCTUnwrap(ShownTranscript.blocks(in: markdown).first)
        XCTAssertEqual(block.scenario, "demo")
        XCTAssertEqual(block.line, 3)
        XCTAssertEqual(block.commands.map(\.text), ["redis-cli ping", "redis-cli get a"])
        XCTAssertEqual(block.commands.map(\.output), [["PONG"], ["(nil)"]])
        XCTAssertTrue(ShownTranscript.blocks(in: "```\n$ redis-cli ping\nPONG\n```\n").isEmpty, "an unmarked block is not a transcript")
    }

    func testAnElisionComparesTheLinesAroundIt() {
        let command = ShownTranscript.Command(text: "cat page", output: ["one", "...", "four"])
        XCTAssertNil(ShownTranscript.difference(command, printed: ["one", "two", "three", "four"]))
        XCTAssertNotNil(ShownTranscript.difference(command, printed: ["one", "two", "three", "five"]))
        XCTAssertNotNil(ShownTranscript.difference(command, printed: ["zero", "two", "three", "four"]))
    }

    func testADifferenceNamesTheCommandAndTheLine() throws {
        let command = ShownTranscript.Command(text: "redis-cli ping", output: ["PONG"])
        let difference = try XCTUnwrap(ShownTranscript.difference(command, printed: ["PANG"]))
        XCTAssertTrue(difference.contains("$ redis-cli ping"), difference)
        XCTAssertTrue(difference.contains("PANG"), difference)
    }

    func testRefreshingKeepsTheCommandsAndTheElision() {
        let markdown = "<!-- transcript: demo -->\n```\n$ cat page\none\n...\nfour\n$ redis-cli ping\nPING\n```\nafter\n"
        let fresh = ShownTranscript.refreshed(markdown, with: [2: [["one", "two", "three", "4"], ["PONG"]]])
        XCTAssertEqual(fresh, "<!-- transcript: demo -->\n```\n$ cat page\none\n...\n4\n$ redis-cli ping\nPONG\n```\nafter\n")
    }

    // MARK: normalisation: each rule hides what varies, and nothing else

    func testHTTPDatesAgeAndRenderTimesVaryButHeadersDoNot() {
        let curl = "curl -i http://127.0.0.1:8000/"
        let one = ["Expires: Thu, 26 Nov 2026 14:57:51 GMT", "Age: 0", "Content-Length: 201", "<p>rendered at 14:42:51.584 in 20.1 ms</p>"]
        let two = ["Expires: Mon, 07 Dec 2026 04:10:00 GMT", "Age: 3", "Content-Length: 202", "<p>rendered at 04:09:59.001 in 104.7 ms</p>"]
        XCTAssertEqual(TranscriptNormalization.normalized(one, for: curl), TranscriptNormalization.normalized(two, for: curl))
        var changed = two
        changed[0] = "Expire: Mon, 07 Dec 2026 04:10:00 GMT"
        XCTAssertNotEqual(TranscriptNormalization.normalized(one, for: curl), TranscriptNormalization.normalized(changed, for: curl))
        changed = two
        changed[3] = "<p>stored at 04:09:59.001 in 104.7 ms</p>"
        XCTAssertNotEqual(TranscriptNormalization.normalized(one, for: curl), TranscriptNormalization.normalized(changed, for: curl))
    }

    func testTTLSecondsVaryOnlyInTheOutputOfATTLCommand() {
        let ttl = "redis-cli -s /var/run/redis/redis.sock -n 1 ttl :1:craig"
        XCTAssertEqual(TranscriptNormalization.normalized(["(integer) 893"], for: ttl), TranscriptNormalization.normalized(["(integer) 899"], for: ttl))
        XCTAssertEqual(TranscriptNormalization.normalized(["300"], for: ttl), TranscriptNormalization.normalized(["299"], for: ttl))
        XCTAssertNotEqual(TranscriptNormalization.normalized(["(integer) 893"], for: ttl), TranscriptNormalization.normalized(["(integer) -2"], for: ttl), "a missing key is not a TTL")
        let get = "redis-cli -s /var/run/redis/redis.sock -n 1 --raw get :1:a"
        XCTAssertNotEqual(TranscriptNormalization.normalized(["1"], for: get), TranscriptNormalization.normalized(["2"], for: get))
    }

    func testMemoryAndAverageTTLVaryButCountsDoNot() {
        let info = "swift run keyspace info"
        XCTAssertEqual(
            TranscriptNormalization.normalized(["db1:keys=9,expires=9,avg_ttl=283110  →  db1: 9 keys, 9 with a TTL, average TTL ≈ 283 s"], for: info),
            TranscriptNormalization.normalized(["db1:keys=9,expires=9,avg_ttl=297001  →  db1: 9 keys, 9 with a TTL, average TTL ≈ 297 s"], for: info))
        XCTAssertNotEqual(
            TranscriptNormalization.normalized(["db1:keys=9,expires=9,avg_ttl=283110"], for: info),
            TranscriptNormalization.normalized(["db1:keys=8,expires=9,avg_ttl=283110"], for: info))
        let describe = "swift run keyspace describe --db 1 :1:craig"
        XCTAssertEqual(
            TranscriptNormalization.normalized(["  type string, TTL 299 s, encoding embstr, memory 72 bytes, length 11"], for: describe),
            TranscriptNormalization.normalized(["  type string, TTL 287 s, encoding embstr, memory 80 bytes, length 11"], for: describe))
        XCTAssertNotEqual(
            TranscriptNormalization.normalized(["  type string, TTL 299 s, encoding embstr, memory 72 bytes, length 11"], for: describe),
            TranscriptNormalization.normalized(["  type string, TTL 299 s, encoding raw, memory 72 bytes, length 11"], for: describe))
    }

    func testAScanIsComparedAsItsSetOfKeys() {
        let scan = "swift run keyspace scan --db 1 --match ':1:*' --count 5 --all"
        let one = [":1:b", ":1:a", "SCAN 0 MATCH :1:* COUNT 5 → next cursor 3, 2 keys", ":1:c", "SCAN 3 MATCH :1:* COUNT 5 → next cursor 0, 1 keys", "(3 keys; the scan is complete)"]
        let two = [":1:c", ":1:a", ":1:b", "SCAN 0 MATCH :1:* COUNT 5 → next cursor 0, 3 keys", "(3 keys; the scan is complete)"]
        XCTAssertEqual(TranscriptNormalization.normalized(one, for: scan), TranscriptNormalization.normalized(two, for: scan))
        XCTAssertNotEqual(
            TranscriptNormalization.normalized(one, for: scan),
            TranscriptNormalization.normalized([":1:c", ":1:a", ":1:d", "(3 keys; the scan is complete)"], for: scan))
        XCTAssertNotEqual(TranscriptNormalization.normalized([":1:b", ":1:a"], for: "redis-cli get x"), TranscriptNormalization.normalized([":1:a", ":1:b"], for: "redis-cli get x"), "only a scan's order varies")
    }

    func testTheBrowserTokenAndLogTimeVary() {
        let web = "swift run keyspace --web"
        let one = ["2026-12-06T03:42:18+0000 info keyspace-browser: started", "    http://127.0.0.1:8086/?token=32b8381c5e22977e64c0df85b998f72edebbf07e7da29fc94439f0ce4e0aec58"]
        let two = ["2026-12-07T04:10:00+0000 info keyspace-browser: started", "    http://127.0.0.1:8086/?token=\(String(repeating: "a", count: 64))"]
        XCTAssertEqual(TranscriptNormalization.normalized(one, for: web), TranscriptNormalization.normalized(two, for: web))
        XCTAssertNotEqual(
            TranscriptNormalization.normalized(one, for: web),
            TranscriptNormalization.normalized(["2026-12-07T04:10:00+0000 info keyspace-browser: started", "    http://127.0.0.1:8087/?token=\(String(repeating: "a", count: 64))"], for: web))
    }

    func testSocketListingsVaryInPaddingInodeAndDateOnly() {
        let ss = "ss -ltnx | grep -E '6379|redis.sock'"
        XCTAssertEqual(
            TranscriptNormalization.normalized(["u_str LISTEN 0      511    /tmp/article-demo/redis.sock 87769            * 0"], for: ss),
            TranscriptNormalization.normalized(["u_str LISTEN 0 511 /tmp/article-demo/redis.sock 36405 * 0"], for: ss))
        XCTAssertNotEqual(
            TranscriptNormalization.normalized(["tcp   LISTEN 0      511     0.0.0.0:6379       0.0.0.0:*"], for: ss),
            TranscriptNormalization.normalized(["tcp   LISTEN 0      511   127.0.0.1:6379       0.0.0.0:*"], for: ss))
        let ls = "ls -l /var/run/redis/redis.sock"
        XCTAssertEqual(
            TranscriptNormalization.normalized(["srwxrwx---+ 1 redis redis 0 Nov 26 11:48 /var/run/redis/redis.sock"], for: ls),
            TranscriptNormalization.normalized(["srwxrwx--- 1 redis redis 0 Dec  7 04:04 /var/run/redis/redis.sock"], for: ls))
        XCTAssertNotEqual(
            TranscriptNormalization.normalized(["srwxrwx--- 1 redis redis 0 Nov 26 11:48 /var/run/redis/redis.sock"], for: ls),
            TranscriptNormalization.normalized(["srwx------ 1 redis redis 0 Nov 26 11:48 /var/run/redis/redis.sock"], for: ls))
    }

    func testTheDoctorsUserAndKeyCountsVaryButItsVerdictsDoNot() {
        let doctor = "swift run guide doctor"
        XCTAssertEqual(
            TranscriptNormalization.normalized(["✓ user root may connect  root bypasses file permissions", "✓ keyspace (INFO keyspace; swift run keyspace groups the keys)  db0: 26 keys (26 expire)", "✓ server answers PING on the socket  PONG, Redis 7.0.15, pid 28983, RESP3"], for: doctor),
            TranscriptNormalization.normalized(["✓ user reader may connect  reader is in group redis", "✓ keyspace (INFO keyspace; swift run keyspace groups the keys)  db1: 3 keys (3 expire)", "✓ server answers PING on the socket  PONG, Redis 7.0.15, pid 101, RESP3"], for: doctor))
        XCTAssertNotEqual(
            TranscriptNormalization.normalized(["✓ user root may connect  root bypasses file permissions"], for: doctor),
            TranscriptNormalization.normalized(["✗ user reader may connect  reader is not in group redis"], for: doctor))
    }

    /// A reader whose login is older than their membership of the redis group (setup.sh just
    /// added them) reads redis.conf through `sg redis`, and the doctor says so; the verdict is
    /// the same, and a failed check still differs.
    func testTheDoctorsSgNoteVariesButNotWhetherTheFileIsReadable() {
        let doctor = "swift run guide doctor"
        let shown = ["✓ config file is readable  /etc/redis/redis.conf"]
        XCTAssertEqual(
            TranscriptNormalization.normalized(shown, for: doctor),
            TranscriptNormalization.normalized(["✓ config file is readable  /etc/redis/redis.conf, read through `sg redis`: this login session is older than your membership of redis"], for: doctor))
        XCTAssertNotEqual(
            TranscriptNormalization.normalized(shown, for: doctor),
            TranscriptNormalization.normalized(["✗ config file is readable  /etc/redis/redis.conf"], for: doctor))
    }
}
