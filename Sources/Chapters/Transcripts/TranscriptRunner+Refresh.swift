import Foundation
import Guide

extension TranscriptRunner {
    /// The pages with transcripts beside the numbered chapters.
    public static let otherPages = ["chapters/your-own-app.md"]

    /// Runs the shell transcripts of the page at `path` (`<!-- transcript: SCENARIO -->`) on
    /// their scenarios' private servers and writes what the commands printed into the blocks.
    ///
    /// - Returns: how many blocks the page has, and whether any changed.
    /// - Throws: ``TranscriptError`` naming the first block that could not run; the page is
    ///   then left as it was.
    public static func refresh(page path: String) async throws -> (blocks: Int, changed: Bool) {
        let file = URL(fileURLWithPath: path)
        let markdown = try String(contentsOf: file, encoding: .utf8)
        let blocks = ShownTranscript.blocks(in: markdown)
        guard !blocks.isEmpty else { return (0, false) }
        var printed: [Int: [[String]]] = [:]
        for (line, result) in await run(blocks).sorted(by: { $0.key < $1.key }) {
            switch result {
            case .success(let outputs): printed[line] = outputs
            case .failure(let error): throw TranscriptError(text: "\(path):\(line): \(error)")
            }
        }
        let fresh = ShownTranscript.refreshed(markdown, with: printed)
        if fresh != markdown { try fresh.write(to: file, atomically: true, encoding: .utf8) }
        return (blocks.count, fresh != markdown)
    }
}
