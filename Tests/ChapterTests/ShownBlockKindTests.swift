import Foundation
import Guide
import XCTest

/// Every block of text a chapter shows says what it is (``FencedBlock``), and the kinds not
/// checked elsewhere are checked here: a `<!-- file: PATH -->` block is that committed file, and
/// an illustration that names a check (`<!-- illustration: WHY; checked: NAME -->`) passes it
/// (``IllustrationChecks``).
final class ShownBlockKindTests: XCTestCase {
    func testEveryTextBlockOfTheChaptersSaysWhatItIs() throws {
        var unmarked: [String] = []
        var blocks = 0
        for file in try Package.chapterFiles() {
            let markdown = try String(contentsOf: file, encoding: .utf8)
            blocks += FencedBlock.all(in: markdown).filter(\.isText).count
            unmarked += FencedBlock.unmarkedTextBlocks(in: markdown, file: "chapters/\(file.lastPathComponent)")
        }
        XCTAssertGreaterThan(blocks, 0, "no text blocks found in chapters/: is the chapters folder there?")
        XCTAssertTrue(unmarked.isEmpty, """
            \(unmarked.count) text blocks say nothing of what they are. Put the line that says it right before each: \
            <!-- output: STEP --> (a step's output, compared with a run), <!-- measured: STEP --> (compared by structure), \
            <!-- transcript: SCENARIO -->, <!-- file: PATH -->, or <!-- illustration: WHY -->.
            \(unmarked.joined(separator: "\n"))
            """)
    }

    func testAnUnmarkedTextBlockIsNamedByItsLine() {
        let markdown = """
            <!-- output: first -->
            ```
            one
            ```

            ```
            two
            ```
            <!-- snippet: demo -->
            ```text
            three
            ```
            ```swift
            let four = 4
            ```
            - a list item:
              <!-- illustration: a sketch -->
              ```
              five
              ```
            """
        let unmarked = FencedBlock.unmarkedTextBlocks(in: markdown, file: "demo.md")
        XCTAssertEqual(unmarked.count, 2, "\(unmarked)")
        XCTAssertTrue(unmarked[0].hasPrefix("demo.md:6:"), unmarked[0])
        XCTAssertTrue(unmarked[1].hasPrefix("demo.md:10:") && unmarked[1].contains("`three`"), unmarked[1])
        let blocks = FencedBlock.all(in: markdown)
        XCTAssertEqual(blocks.map(\.info), ["", "", "text", "swift", ""])
        XCTAssertEqual(blocks.last?.text, "five")
        XCTAssertEqual(blocks.last?.markerKind, "illustration")
    }

    func testEveryFileBlockIsTheCommittedFile() throws {
        var checked = 0
        for file in try Package.chapterFiles() {
            for block in FencedBlock.all(in: try String(contentsOf: file, encoding: .utf8)) where block.markerKind == "file" {
                checked += 1
                let place = "chapters/\(file.lastPathComponent):\(block.line)"
                let excerpt = try FileExcerpt(marker: block.markerArgument)
                let path = Package.root.appendingPathComponent(excerpt.path)
                guard let text = try? String(contentsOf: path, encoding: .utf8) else {
                    XCTFail("\(place): \(excerpt.path) cannot be read: the block shows a file that is not in the repository")
                    continue
                }
                XCTAssertEqual(block.text, excerpt.shown(of: text), "\(place) is not \(excerpt.path)\(excerpt.region): copy the file into the block")
            }
        }
        XCTAssertGreaterThan(checked, 0, "no <!-- file: PATH --> blocks found in chapters/")
    }

    func testAFileExcerptCanLeaveOutCommentsOrTakeLines() throws {
        let text = "# a comment\n\nrule one\n# another\nrule two\n"
        XCTAssertEqual(try FileExcerpt(marker: "a.acl").shown(of: text), "# a comment\n\nrule one\n# another\nrule two")
        XCTAssertEqual(try FileExcerpt(marker: "a.acl; without comments").shown(of: text), "rule one\nrule two")
        XCTAssertEqual(try FileExcerpt(marker: "a.acl; lines 3-4").shown(of: text), "rule one\n# another")
        XCTAssertThrowsError(try FileExcerpt(marker: "a.acl; lines three"))
    }

    func testEveryCheckedIllustrationPassesItsCheck() async throws {
        var used: Set<String> = []
        var cannotRun: [String] = []
        let checks: [String: @Sendable (String) async throws -> Void] = IllustrationChecks.all.mapValues { check in { @Sendable text in try check(text) } }
            .merging(IllustrationChecks.chapter02) { first, _ in first }
        for file in try Package.chapterFiles() {
            for block in FencedBlock.all(in: try String(contentsOf: file, encoding: .utf8)) where block.markerKind == "illustration" {
                let place = "chapters/\(file.lastPathComponent):\(block.line)"
                guard let name = block.markerArgument.components(separatedBy: "; checked:").dropFirst().first?.trimmingCharacters(in: .whitespaces) else {
                    continue
                }
                guard let check = checks[name] else {
                    XCTFail("\(place): no illustration check named '\(name)' (known: \(checks.keys.sorted()))")
                    continue
                }
                used.insert(name)
                do {
                    try await check(block.text)
                } catch let skip as XCTSkip {
                    cannotRun.append("\(place): \(skip.message ?? "cannot run here")")
                } catch {
                    XCTFail("\(place): \(error)")
                }
            }
        }
        XCTAssertEqual(used, Set(checks.keys), "an illustration check whose block is gone, or not marked `; checked: NAME`")
        // Reported, not passed: the rest ran; the ones that need root say so.
        if !cannotRun.isEmpty { throw XCTSkip(cannotRun.joined(separator: "; ")) }
    }
}

/// What a `<!-- file: PATH[; without comments | ; lines N-M] -->` marker shows of its file.
struct FileExcerpt {
    /// The file's path from the repository's root.
    var path: String
    /// `""` for the whole file, else the option as written.
    var region = ""
    var lines: ClosedRange<Int>?
    var withoutComments = false

    /// The marker's text is not a path and an option this test knows.
    struct Unknown: Error, CustomStringConvertible {
        var marker: String
        var description: String { "<!-- file: \(marker) -->: write `PATH`, `PATH; without comments` or `PATH; lines N-M`" }
    }

    init(marker: String) throws {
        let parts = marker.components(separatedBy: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        path = parts[0]
        guard parts.count > 1 else { return }
        region = "; " + parts[1]
        if parts[1] == "without comments" {
            withoutComments = true
        } else if parts[1].hasPrefix("lines "),
                  case let bounds = parts[1].dropFirst(6).split(separator: "-").compactMap({ Int($0) }), bounds.count == 2, bounds[0] <= bounds[1] {
            lines = bounds[0]...bounds[1]
        } else {
            throw Unknown(marker: marker)
        }
    }

    /// The part of `text` (the file) that the block shows.
    func shown(of text: String) -> String {
        var fileLines = text.components(separatedBy: "\n")
        if fileLines.last == "" { fileLines.removeLast() }
        if let lines { return fileLines[(lines.lowerBound - 1)..<min(lines.upperBound, fileLines.count)].joined(separator: "\n") }
        if withoutComments {
            return fileLines.filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }.joined(separator: "\n")
        }
        return fileLines.joined(separator: "\n")
    }
}
