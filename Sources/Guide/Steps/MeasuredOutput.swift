import Foundation

/// Step output whose figures change from run to run (a failover's milliseconds, request counts,
/// node ports, a machine's keys), tied to its steps by its structure. In the chapter's Markdown,
///
/// ```
/// <!-- measured: Sentinel: the primary killed under load; may repeat: discovery failed; may be absent: primary 127.0.0.1:PORT$ -->
/// ```
///
/// before a fenced block says the block is what those steps printed (named as in
/// ``ShownOutput``: a title prefix, or `FIRST ... LAST`). A test runs the steps and compares
/// the block with what they printed line by line, by ``shape(of:)``: the same lines in the same
/// order, the same words, every number masked. The rule for lines that vary in number:
///
/// - a block line is matched by exactly one printed line of the same shape;
/// - a block line containing a phrase listed after `may repeat:` (and the lines of its shape
///   right after it in the block) is matched by one or more consecutive printed lines of its
///   shape: a timeline event that can happen more than once, a `SCAN` that takes more calls;
/// - a line containing a phrase listed after `words vary after:` is compared up to the phrase
///   (`lost:`, then a reason that depends on whether a request was in flight at the kill);
/// - a line containing a phrase listed after `may be absent:` is left out on both sides: it may
///   come any number of times, none included, anywhere (the client's rediscovery of a new
///   primary, which races the `+switch-master` message).
///
/// A phrase is looked for in the line as ``ShownOutput/normalized(_:)`` makes it (a loopback
/// address is `127.0.0.1:PORT`); a phrase ending in `$` names only lines that end with it.
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
        /// Phrases after which a line's words vary from run to run (a reason that depends on timing).
        public let varyingAfter: [String]
        /// The block's text, as the chapter shows it.
        public let text: String
        /// The line of the block's opening fence (1-based), for messages.
        public let line: Int
        /// The range of the block's text in the file's lines (0-based, end exclusive).
        let textLines: Range<Int>

        /// `line`, normalized, up to the end of the first `words vary after:` phrase it contains,
        /// or all of it.
        public func comparedPart(of line: String) -> String {
            let text = ShownOutput.normalized(line)
            for phrase in varyingAfter {
                if let found = text.range(of: phrase) { return String(text[..<found.upperBound]) }
            }
            return text
        }

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
                repeating: phrases("may repeat:"), optional: phrases("may be absent:"), varyingAfter: phrases("words vary after:"),
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
    /// as `#` (and a plural right after it made singular: `1 call`, `2 calls`), and the spaces between words (columns padded to the widest figure) collapsed to
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
        // `1 SCAN call`, `2 SCAN calls`: a plural in the next two words after a figure is its singular.
        (#"(#\s+(?:\S+\s+)?\S+?)s\b"#, "$1"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    /// Whether a marker's `phrase` names `line`: the line, normalized (so `127.0.0.1:PORT`
    /// names any loopback address), contains it; a phrase ending in `$` must end the line.
    public static func names(_ phrase: String, _ line: String) -> Bool {
        let text = ShownOutput.normalized(line)
        return phrase.hasSuffix("$") ? text.hasSuffix(phrase.dropLast()) : text.contains(phrase)
    }

    /// Where `shown` (the block) and `printed` (a run) differ in structure, as a sentence naming
    /// the lines, or `nil` when the run matches the block under the rules above.
    public static func difference(shown: String, printed: String, block: Block) -> String? {
        typealias Line = (number: Int, text: String, shape: String)
        func compared(_ text: String) -> [Line] {
            text.components(separatedBy: "\n").enumerated()
                .filter { line in !block.optional.contains { names($0, line.element) } }
                .map { ($0.offset + 1, $0.element, shape(of: block.comparedPart(of: $0.element))) }
        }
        // Consecutive block lines of one shape that may repeat are one group: one or more lines.
        var pattern: [(line: Line, repeats: Bool)] = []
        for line in compared(shown) {
            let repeats = block.repeating.contains { names($0, line.text) }
            if repeats, let last = pattern.last, last.repeats, last.line.shape == line.shape { continue }
            pattern.append((line, repeats))
        }
        let run = compared(printed)
        // Matched as a regular expression over lines: depth-first over (block element, printed
        // line), each state visited once. The furthest element reached says where they part.
        var seen = Set<[Int]>()
        var furthest = (block: 0, run: 0)
        func matches(_ i: Int, _ j: Int) -> Bool {
            guard seen.insert([i, j]).inserted else { return false }
            if i > furthest.block || (i == furthest.block && j > furthest.run) { furthest = (i, j) }
            if i == pattern.count { return j == run.count }
            guard pattern[i].repeats else {
                return j < run.count && run[j].shape == pattern[i].line.shape && matches(i + 1, j + 1)
            }
            var k = j
            while k < run.count, run[k].shape == pattern[i].line.shape {
                k += 1
                if matches(i + 1, k) { return true }
            }
            return false
        }
        if matches(0, 0) { return nil }
        let (i, j) = furthest
        if i == pattern.count {
            return "the run printed more lines than the block shows, from line \(run[j].number) of the run: `\(run[j].text)`"
        }
        let expected = pattern[i].line
        guard j < run.count else {
            return "block line \(expected.number) `\(expected.text)` has no counterpart: the run ended before it"
        }
        return "block line \(expected.number) `\(expected.text)` does not match line \(run[j].number) of the run `\(run[j].text)` "
            + "(compared as `\(expected.shape)` and `\(run[j].shape)`)"
    }

    /// `markdown` with every measured block's text replaced by what `report` printed.
    public static func refreshed(_ markdown: String, with report: ChapterReport) throws(ShownOutputError) -> String {
        try ShownOutput.replacing(blocks(in: markdown).map(\.asOutput), in: markdown, with: report)
    }
}
