import Foundation
import XCTest

/// Every link in the README and the chapters works in a clone: a relative link names a file of
/// the repository (and, with `#anchor`, a heading of that file, as GitHub spells it); anything
/// else is a public `http(s)` URL. A link into `../shared` or the spec, which a clone does not
/// have, fails here.
final class LinkTests: XCTestCase {
    static let root = Package.root

    func testEveryRelativeLinkNamesAFileAndHeadingOfTheRepository() throws {
        var problems: [String] = []
        for document in try Self.documents() {
            let text = try String(contentsOf: document, encoding: .utf8)
            for link in Self.links(in: text) {
                if link.hasPrefix("http://") || link.hasPrefix("https://") || link.hasPrefix("mailto:") { continue }
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                let path = String(parts[0])
                let target = path.isEmpty ? document : document.deletingLastPathComponent().appendingPathComponent(path).standardizedFileURL
                let name = "\(document.lastPathComponent): (\(link))"
                guard target.path.hasPrefix(Self.root.standardizedFileURL.path + "/") else {
                    problems.append("\(name) points outside the repository")
                    continue
                }
                guard FileManager.default.fileExists(atPath: target.path) else {
                    problems.append("\(name): no file \(target.path.dropFirst(Self.root.path.count + 1))")
                    continue
                }
                if parts.count == 2, target.pathExtension == "md" {
                    let anchors = Self.anchors(in: try String(contentsOf: target, encoding: .utf8))
                    if !anchors.contains(String(parts[1])) { problems.append("\(name): \(target.lastPathComponent) has no heading #\(parts[1])") }
                }
            }
        }
        XCTAssertEqual(problems, [], problems.joined(separator: "\n"))
    }

    func testTheCheckerFindsLinksAndAnchorsAsGitHubDoes() {
        XCTAssertEqual(Self.links(in: "see [a](b.md#c) and ![img](images/x.svg), `[not](code)`"), ["b.md#c", "images/x.svg"])
        let headings = "# Chapter 03's site: under load\n## `bench` & more\n## Dup\n## Dup"
        let expected: Set<String> = ["chapter-03s-site-under-load", "bench--more", "dup", "dup-1"]
        XCTAssertEqual(Self.anchors(in: headings), expected)
    }

    /// README.md and every Markdown file under chapters/.
    static func documents() throws -> [URL] {
        let chapters = root.appendingPathComponent("chapters")
        let files = try XCTUnwrap(FileManager.default.enumerator(at: chapters, includingPropertiesForKeys: nil)).compactMap { $0 as? URL }
        return [root.appendingPathComponent("README.md")] + files.filter { $0.pathExtension == "md" }.sorted { $0.path < $1.path }
    }

    /// The targets of `[text](target)` and `![alt](target)` outside code spans and fences.
    static func links(in text: String) -> [String] {
        var links: [String] = []
        var inFence = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { inFence.toggle(); continue }
            if inFence { continue }
            // Drop code spans, whose brackets are not links.
            let prose = line.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 0 }.map(\.element).joined(separator: " ")
            var rest = Substring(prose)
            while let open = rest.range(of: "](") {
                let after = rest[open.upperBound...]
                guard let close = after.firstIndex(of: ")") else { break }
                links.append(String(after[..<close]).split(separator: " ").first.map(String.init) ?? "")
                rest = after[after.index(after: close)...]
            }
        }
        return links
    }

    /// The anchors GitHub gives a file's headings: lowercased, punctuation but `-` and `_`
    /// dropped, spaces as `-`, a repeated one numbered.
    static func anchors(in text: String) -> Set<String> {
        var seen: [String: Int] = [:]
        var anchors: Set<String> = []
        var inFence = false
        for line in text.split(separator: "\n") {
            if line.hasPrefix("```") { inFence.toggle(); continue }
            guard !inFence, line.hasPrefix("#") else { continue }
            let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
            let slug = String(title.lowercased().compactMap { character -> Character? in
                if character == " " { return "-" }
                if character.isLetter || character.isNumber || character == "-" || character == "_" { return character }
                return nil
            })
            let count = seen[slug, default: 0]
            seen[slug] = count + 1
            anchors.insert(count == 0 ? slug : "\(slug)-\(count)")
        }
        return anchors
    }
}
