import Foundation
import XCTest

/// Each diagram in `chapters/images/` is drawn by Graphviz's `dot` from the `.dot` source beside
/// it, so the picture cannot drift from its text. After editing a source:
/// `dot -Tsvg chapters/images/NAME.dot -o chapters/images/NAME.svg`.
final class DiagramTests: XCTestCase {
    func testEverySVGIsWhatDotDrawsFromItsSource() throws {
        let folder = Package.root.appendingPathComponent("chapters/images")
        let sources = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".dot") }.sorted()
        XCTAssertFalse(sources.isEmpty, "no diagram sources in chapters/images")
        let dot = ["/usr/bin/dot", "/usr/local/bin/dot"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let dot else {
            return XCTFail("Graphviz's dot is not installed: ./setup.sh --with-test-tools installs it (Debian's graphviz)")
        }
        for source in sources {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: dot)
            process.arguments = ["-Tsvg", folder.appendingPathComponent(source).path]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let drawn = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "dot failed on \(source)")
            let svg = folder.appendingPathComponent(source.replacingOccurrences(of: ".dot", with: ".svg"))
            let committed = try Data(contentsOf: svg)
            XCTAssertEqual(committed, drawn, "\(svg.lastPathComponent) is not what dot draws from \(source): run dot -Tsvg chapters/images/\(source) -o chapters/images/\(svg.lastPathComponent)")
        }
    }

    func testEveryDiagramIsShownInAChapter() throws {
        let chapters = try Package.chapterFiles().map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        let folder = Package.root.appendingPathComponent("chapters/images")
        for source in try FileManager.default.contentsOfDirectory(atPath: folder.path) where source.hasSuffix(".dot") {
            let svg = "images/" + source.replacingOccurrences(of: ".dot", with: ".svg")
            XCTAssertTrue(chapters.contains("](\(svg))"), "\(svg) is in no chapter")
        }
    }
}
