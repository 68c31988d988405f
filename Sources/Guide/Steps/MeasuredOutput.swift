import Foundation

/// Step output whose figures change from run to run (a failover's milliseconds, request counts,
/// node ports, a machine's keys), tied to its steps by its structure. In the chapter's Markdown,
///
/// ```
/// <!-- measured: Sentinel: the primary killed under load; may repeat: discovery failed; may be absent: primary 127.0.0.1 -->
/// ```
///
/// before a fenced block says the block is what those steps printed (named as in
/// ``ShownOutput``: a title prefix, or `FIRST ... LAST`). A test runs the steps and compares
/// the block with what they printed line by line, by ``shape(of:)``: the same lines in the same
/// order, the same words, every number masked. The rule for lines that vary in number:
///
/// - a block line is matched by exactly one printed line of the same shape;
/// - a block line containing a phrase listed after `may repeat:` is matched by one or more
///   consecutive printed lines of its shape (a timeline event that can happen more than once);
/// - a block line containing a phrase listed after `may be absent:` is matched by zero or more
///   (an event a run may not see at all).
///
/// So a changed word, a missing line or an extra line fails, and a new figure does not.
/// `swift run guide refresh-output` pastes a fresh run into these blocks too.
public enum MeasuredOutput {
    /// One marked block of a chapter.
    public struct Block: Sendable, Equatable {
        /// The step titles' prefixes the marker names: one, or the first and the last of a run.
        public let steps: [String]
        /// Phrases of lines that may come one or more times.
        public let repeating: [String]
        /// Phrases of lines that may come any number of times, none included.
        public let optional: [String]
        /// The block's text, as the chapter shows it.
        public let text: String
        /// The line of the block's opening fence (1-based), for messages.
        public let line: Int
        /// The range of the block's text in the file's lines (0-based, end exclusive).
        let textLines: Range<Int>

        /// The block as an output block, to find what its steps printed.
        var asOutput: ShownOutput.Block {
            ShownOutput.Block(steps: steps, varyingSteps: [], text: text, line: line, textLines: textLines)
        }
    }

    /// The marked blocks of a chapter's Markdown.
    public static func blocks(in markdown: String) -> [Block] {
        FencedBlock.all(in: markdown).filter { $0.markerKind == "measured" }.map { block in
            let parts = block.markerArgument.components(separatedBy: ";")
            func phrases(_ option: String) -> [String] {
                parts.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix(option) }
                    .flatMap { $0.dropFirst(option.count).components(separatedBy: ",") }
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            return Block(
                steps: parts[0].components(separatedBy: " ... ").map { $0.trimmingCharacters(in: .whitespaces) },
                repeating: phrases("may repeat:"), optional: phrases("may be absent:"),
                text: block.text, line: block.line, textLines: block.textLines)
        }
    }

    /// What the chapter's run printed for `block`'s steps (no colours), or `nil` with the reason
    /// when a named step is not in the report.
    public static func printed(for block: Block, in report: ChapterReport) -> Result<String, ShownOutputError> {
        ShownOutput.printed(for: block.asOutput, in: report)
    }

    /// A line as it is compared: ``ShownOutput/normalized(_:)`` (times, keys, ports, socket
    /// paths), a repeated event's count (` (×21, until 2142 ms)`) dropped, every number masked
    /// as `#`, and the spaces between words (columns padded to the widest figure) collapsed to
    /// one; the indentation is kept, since it says which line a line belongs to.
    public static func shape(of line: String) -> String {
        var text = ShownOutput.normalized(line)
        for (pattern, replacement) in masks {
            text = pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: replacement)
        }
        let indent = text.prefix { $0 == " " }
        let words = text.dropFirst(indent.count).split(separator: " ", omittingEmptySubsequences: true)
        return indent + words.joined(separator: " ")
    }

    private static let masks: [(NSRegularExpression, String)] = [
        (#" \(×[^)]*\)$"#, ""),
        (#"\d+(\.\d+)?"#, "#"),
        // A negative figure (a time before the kill) is a figure; a range's `-` is not a sign.
        (#"(^|\s)-#"#, "$1#"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    /// How many printed lines one block line stands for.
    enum Count: Equatable {
        case one, oneOrMore, any
    }

    /// Where `shown` (the block) and `printed` (a run) differ in structure, as a sentence naming
    /// the lines, or `nil` when the run matches the block under the rules above.
    public static func difference(shown: String, printed: String, block: Block) -> String? {
        let pattern = shown.components(separatedBy: "\n").map { line -> (line: String, shape: String, count: Count) in
            let count: Count = block.optional.contains { line.contains($0) } ? .any
                : block.repeating.contains { line.contains($0) } ? .oneOrMore : .one
            return (line, shape(of: line), count)
        }
        let run = printed.components(separatedBy: "\n")
        let runShapes = run.map(shape(of:))
        // Matching as a regular expression over lines is matched: depth-first over (block line,
        // printed line), each state visited once. The furthest block line reached says where
        // they part.
        var seen = Set<[Int]>()
        var furthest = (block: 0, run: 0)
        func matches(_ i: Int, _ j: Int) -> Bool {
            guard seen.insert([i, j]).inserted else { return false }
            if i > furthest.block || (i == furthest.block && j > furthest.run) { furthest = (i, j) }
            if i == pattern.count { return j == run.count }
            let element = pattern[i]
            switch element.count {
            case .one:
                return j < run.count && runShapes[j] == element.shape && matches(i + 1, j + 1)
            case .oneOrMore, .any:
                if element.count == .any, matches(i + 1, j) { return true }
                var k = j
                while k < run.count, runShapes[k] == element.shape {
                    k += 1
                    if matches(i + 1, k) { return true }
                }
                return false
            }
        }
        if matches(0, 0) { return nil }
        let (i, j) = furthest
        if i == pattern.count {
            return "the run printed more lines than the block shows, from line \(j + 1) of the run: `\(run[j])`"
        }
        guard j < run.count else {
            return "block line \(i + 1) `\(pattern[i].line)` has no counterpart: the run ended before it"
        }
        return "block line \(i + 1) `\(pattern[i].line)` does not match line \(j + 1) of the run `\(run[j])` (compared as `\(pattern[i].shape)` and `\(runShapes[j])`)"
    }

    /// `markdown` with every measured block's text replaced by what `report` printed.
    public static func refreshed(_ markdown: String, with report: ChapterReport) throws(ShownOutputError) -> String {
        try ShownOutput.replacing(blocks(in: markdown).map(\.asOutput), in: markdown, with: report)
    }
}
