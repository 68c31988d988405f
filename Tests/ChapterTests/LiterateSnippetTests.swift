import Chapters
import Foundation
import Guide
import XCTest

/// Every Swift block in `chapters/*.md` is a marked region of a real source file, and the two
/// never drift (STYLE.md, "Comments and docs"). A block is marked by the line
/// `<!-- snippet: NAME -->` before it; the region by `// snippet: NAME` ... `// snippet: end`.
final class LiterateSnippetTests: XCTestCase {
    func testEverySwiftBlockInTheChaptersIsAMarkedSourceRegion() throws {
        let regions = try SnippetRegions.read(sourcesIn: Package.root.appendingPathComponent("Sources"))
        var problems: [String] = []
        var blockCount = 0
        for chapter in try Package.chapterFiles() {
            for block in try SwiftBlock.read(from: chapter) {
                blockCount += 1
                let place = "\(chapter.lastPathComponent):\(block.line)"
                guard let name = block.snippetName else {
                    problems.append("\(place): a ```swift block without a `<!-- snippet: NAME -->` line before it")
                    continue
                }
                guard let region = regions.byName[name] else {
                    problems.append("\(place): snippet '\(name)' has no `// snippet: \(name)` region in Sources/")
                    continue
                }
                if region.text != block.text {
                    problems.append("""
                        \(place): snippet '\(name)' differs from \(region.file):\(region.line). Copy the region into the chapter.
                        --- chapter
                        \(block.text)
                        --- \(region.file)
                        \(region.text)
                        """)
                }
            }
        }
        problems += regions.problems
        XCTAssertGreaterThan(blockCount, 0, "no Swift blocks found in chapters/: is the chapters folder there?")
        XCTAssertTrue(problems.isEmpty, problems.joined(separator: "\n\n"))
    }

    func testEverySourceRegionIsShownInAChapter() throws {
        let regions = try SnippetRegions.read(sourcesIn: Package.root.appendingPathComponent("Sources"))
        var shown: Set<String> = []
        for chapter in try Package.chapterFiles() {
            for block in try SwiftBlock.read(from: chapter) { if let name = block.snippetName { shown.insert(name) } }
        }
        let unshown = Set(regions.byName.keys).subtracting(shown).sorted()
        XCTAssertEqual(unshown, [], "source regions marked as snippets but shown in no chapter: \(unshown)")
    }

    func testEveryChapterHasItsMarkdownFileAndExecutable() throws {
        for chapter in AllChapters.chapters() {
            let file = Package.root.appendingPathComponent(chapter.file)
            XCTAssertTrue(FileManager.default.fileExists(atPath: file.path), "\(chapter.file) is missing")
            let main = Package.root.appendingPathComponent("Sources/\(chapter.name)/main.swift")
            XCTAssertTrue(FileManager.default.fileExists(atPath: main.path), "the executable Sources/\(chapter.name)/main.swift is missing")
        }
    }

    func testEveryStepOfAChapterIsNamedInItsText() throws {
        for chapter in AllChapters.chapters() {
            let text = try String(contentsOf: Package.root.appendingPathComponent(chapter.file), encoding: .utf8)
            for step in chapter.steps {
                XCTAssertTrue(text.contains(step.title), "\(chapter.file) does not show the step '\(step.title)': paste a fresh run of `swift run \(chapter.name)`")
            }
        }
    }

    func testSnippetParsingReportsABlockThatDiffers() throws {
        // The checker itself must be able to fail: a region and a block that differ by one line.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("snippet-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "    // snippet: demo\n    let a = 1\n    // snippet: end\n".write(to: folder.appendingPathComponent("A.swift"), atomically: true, encoding: .utf8)
        let markdown = folder.appendingPathComponent("01-demo.md")
        try "Text\n\n<!-- snippet: demo -->\n```swift\nlet a = 2\n```\n".write(to: markdown, atomically: true, encoding: .utf8)
        let regions = try SnippetRegions.read(sourcesIn: folder)
        let blocks = try SwiftBlock.read(from: markdown)
        XCTAssertEqual(regions.byName["demo"]?.text, "let a = 1")
        XCTAssertEqual(blocks.map(\.snippetName), ["demo"])
        XCTAssertNotEqual(blocks.first?.text, regions.byName["demo"]?.text)
    }
}

/// Paths in this package.
enum Package {
    /// The package's root folder, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// One line of a Swift source file: its path from the root (`Sources/LarderRedis/…`), 1-based number, text.
    struct SourceLine {
        let path: String
        let number: Int
        let text: String
    }

    /// Every line of every Swift file under `Sources/<folder>` for each of `folders`, and how
    /// many files were read (for the scans of the library's sources).
    static func sourceLines(in folders: [String]) throws -> (lines: [SourceLine], files: Int) {
        var lines: [SourceLine] = []
        var files = 0
        for folder in folders {
            let directory = root.appendingPathComponent("Sources").appendingPathComponent(folder)
            let enumerator = try XCTUnwrap(FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil), directory.path)
            for case let file as URL in enumerator where file.pathExtension == "swift" {
                files += 1
                let path = "Sources/\(folder)/\(file.path.dropFirst(directory.path.count + 1))"
                let text = try String(contentsOf: file, encoding: .utf8)
                for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    lines.append(SourceLine(path: path, number: index + 1, text: String(line)))
                }
            }
        }
        return (lines, files)
    }

    static func chapterFiles() throws -> [URL] {
        let folder = root.appendingPathComponent("chapters")
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "md" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}

/// A fenced ```swift block of a chapter.
struct SwiftBlock {
    let line: Int
    let snippetName: String?
    let text: String

    static func read(from file: URL) throws -> [SwiftBlock] {
        let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        var blocks: [SwiftBlock] = []
        var index = 0
        while index < lines.count {
            guard lines[index].trimmingCharacters(in: .whitespaces) == "```swift" else {
                index += 1
                continue
            }
            let start = index
            var marker: String?
            var previous = start - 1
            while previous >= 0, lines[previous].trimmingCharacters(in: .whitespaces).isEmpty { previous -= 1 }
            if previous >= 0 {
                let candidate = lines[previous].trimmingCharacters(in: .whitespaces)
                if candidate.hasPrefix("<!-- snippet:"), candidate.hasSuffix("-->") {
                    marker = candidate.dropFirst("<!-- snippet:".count).dropLast(3).trimmingCharacters(in: .whitespaces)
                }
            }
            var body: [String] = []
            index += 1
            while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces) != "```" {
                body.append(lines[index])
                index += 1
            }
            index += 1
            blocks.append(SwiftBlock(line: start + 1, snippetName: marker, text: normalise(body)))
        }
        return blocks
    }
}

/// The `// snippet: NAME` ... `// snippet: end` regions of the Swift sources.
struct SnippetRegions {
    struct Region {
        let file: String
        let line: Int
        let text: String
    }

    var byName: [String: Region] = [:]
    var problems: [String] = []

    static func read(sourcesIn folder: URL) throws -> SnippetRegions {
        var result = SnippetRegions()
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return result }
        for case let file as URL in files where file.pathExtension == "swift" {
            let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
            var open: (name: String, line: Int, body: [String])?
            for (number, line) in lines.enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard trimmed.hasPrefix("// snippet:") else {
                    open?.body.append(line)
                    continue
                }
                let name = trimmed.dropFirst("// snippet:".count).trimmingCharacters(in: .whitespaces)
                let place = "\(file.lastPathComponent):\(number + 1)"
                if name == "end" {
                    guard let region = open else {
                        result.problems.append("\(place): `// snippet: end` without a start")
                        continue
                    }
                    if result.byName[region.name] != nil { result.problems.append("\(place): snippet '\(region.name)' defined twice") }
                    result.byName[region.name] = Region(file: file.lastPathComponent, line: region.line, text: normalise(region.body))
                    open = nil
                } else {
                    if let region = open { result.problems.append("\(place): snippet '\(region.name)' not ended before '\(name)'") }
                    open = (name, number + 1, [])
                }
            }
            if let region = open { result.problems.append("\(file.lastPathComponent):\(region.line): snippet '\(region.name)' has no `// snippet: end`") }
        }
        return result
    }
}

/// Removes the indentation common to every non-blank line, trailing spaces, and blank lines at
/// either end, so that a region indented inside a function equals the same code in Markdown.
func normalise(_ lines: [String]) -> String {
    var lines = lines.map { line -> String in
        var line = line
        while line.last == " " || line.last == "\t" { line.removeLast() }
        return line
    }
    while lines.first?.isEmpty == true { lines.removeFirst() }
    while lines.last?.isEmpty == true { lines.removeLast() }
    let indent = lines.filter { !$0.isEmpty }.map { $0.prefix(while: { $0 == " " }).count }.min() ?? 0
    return lines.map { $0.isEmpty ? $0 : String($0.dropFirst(indent)) }.joined(separator: "\n")
}
