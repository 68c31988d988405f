import Foundation

/// The program output a chapter shows, tied to the steps that print it, so that it cannot drift
/// from what the steps really print. In the chapter's Markdown, the line
///
/// ```
/// <!-- output: GET /uncached twice -->
/// ```
///
/// before a fenced block says the block is that step's output (the step whose title starts with
/// the text); `<!-- output: FIRST ... LAST -->` names a run of consecutive steps, and a block
/// that starts with the `Chapter NN: title` line includes it. A step whose details depend on who
/// runs it (root, or a member of the socket's group) is named after `; details vary:`
/// (`<!-- output: FIRST ... LAST; details vary: you may connect -->`): its title is compared, its
/// detail lines are not. A test runs the chapter and
/// compares each block with what the steps printed, after ``normalized(_:)`` has replaced what
/// changes from run to run (times, dates, keys, pids, ports, socket paths);
/// `swift run guide refresh-output` pastes a fresh run into every block.
public enum ShownOutput {
    /// One marked block of a chapter.
    public struct Block: Sendable, Equatable {
        /// The step titles' prefixes the marker names: one, or the first and the last of a run.
        public let steps: [String]
        /// Title prefixes of the steps whose detail lines depend on who runs the chapter.
        public let varyingSteps: [String]
        /// The block's text, as the chapter shows it.
        public let text: String
        /// The line of the block's opening fence (1-based), for messages.
        public let line: Int
        /// The range of the block's text in the file's lines (0-based, end exclusive).
        let textLines: Range<Int>
    }

    /// The marked blocks of a chapter's Markdown.
    public static func blocks(in markdown: String) -> [Block] {
        FencedBlock.all(in: markdown).filter { $0.markerKind == "output" }.map { block in
            let marker = block.markerArgument.components(separatedBy: "; details vary:")
            let names = marker[0].components(separatedBy: " ... ").map { $0.trimmingCharacters(in: .whitespaces) }
            let varying = marker.dropFirst().flatMap { $0.components(separatedBy: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
            return Block(steps: names, varyingSteps: varying, text: block.text, line: block.line, textLines: block.textLines)
        }
    }

    /// What the chapter's run printed for `block`'s steps (no colours), or `nil` with the reason
    /// when a named step is not in the report.
    public static func printed(for block: Block, in report: ChapterReport) -> Result<String, ShownOutputError> {
        let outcomes = report.outcomes
        guard let first = outcomes.firstIndex(where: { $0.title.hasPrefix(block.steps[0]) }) else {
            return .failure(ShownOutputError(text: "no step of chapter \(report.chapter.paddedNumber) starts with '\(block.steps[0])'"))
        }
        var last = first
        if block.steps.count > 1 {
            guard let found = outcomes[first...].firstIndex(where: { $0.title.hasPrefix(block.steps[block.steps.count - 1]) }) else {
                return .failure(ShownOutputError(text: "no step after '\(block.steps[0])' starts with '\(block.steps[block.steps.count - 1])'"))
            }
            last = found
        }
        var lines: [String] = []
        if block.text.hasPrefix("Chapter ") { lines.append("Chapter \(report.chapter.paddedNumber): \(report.chapter.title)") }
        for outcome in outcomes[first...last] {
            lines.append("  \(outcome.passed ? "✓" : "✗") \(outcome.title)")
            lines += outcome.log.lines.map { "      \($0)" }
        }
        return .success(lines.joined(separator: "\n"))
    }

    /// `text` with what differs from run to run replaced by a placeholder, so that two runs
    /// compare equal: durations, times of day, dates, 32-character keys and hashes, process
    /// ids, loopback ports, socket paths, TTLs, the time and signature of a signed value.
    public static func normalized(_ text: String) -> String {
        var text = text
        for (pattern, replacement) in replacements {
            text = pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: replacement)
        }
        return text
    }

    private static let replacements: [(NSRegularExpression, String)] = [
        (#"/(var/)?run/redis/redis\.sock|/tmp/[^\s)]*/redis\.sock"#, "SOCKET"),
        // A folder made for one run (chapter 08's certificates).
        (#"/tmp/[A-Za-z]+(-[A-Za-z]+)*-\d+-[0-9A-F]{8}\b"#, "TMPDIR"),
        (#"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT"#, "DATE"),
        (#"\b\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?"#, "DATE"),
        (#"\b\d{2}:\d{2}:\d{2}(\.\d+)?"#, "TIME"),
        // Django's signed values: `payload:time:signature`, the last two base62 and base64url.
        (#":[0-9A-Za-z]{5,7}:[A-Za-z0-9_-]{43}\b"#, ":TIME:SIGNATURE"),
        (#"(sessions\.cache|sessions\.cached_db)[a-z0-9]{32}\b"#, "$1KEY"),
        (#"\b[a-z0-9]{32}\b"#, "KEY"),
        (#"\b(pid|process_id:|uptime_in_seconds:) ?\d+"#, "$1 N"),
        (#"127\.0\.0\.1:\d+"#, "127.0.0.1:PORT"),
        (#"\bTTL -?\d+"#, "TTL N"),
        (#"\b\d+(\.\d+)? ?(ms|µs)\b"#, "N $2"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    /// `text` (a block, or what its steps printed) without the detail lines of the block's
    /// ``Block/varyingSteps``, which differ with the user who runs the chapter.
    public static func withoutVaryingDetails(_ text: String, of block: Block) -> String {
        guard !block.varyingSteps.isEmpty else { return text }
        var dropping = false
        return text.components(separatedBy: "\n").filter { line in
            if line.hasPrefix("  ✓ ") || line.hasPrefix("  ✗ ") {
                let title = line.dropFirst(4)
                dropping = block.varyingSteps.contains { title.hasPrefix($0) }
                return true
            }
            return !(dropping && line.hasPrefix("      "))
        }.joined(separator: "\n")
    }

    /// `markdown` with every marked block's text replaced by what `reports` printed.
    public static func refreshed(_ markdown: String, with report: ChapterReport) throws(ShownOutputError) -> String {
        try replacing(blocks(in: markdown), in: markdown, with: report)
    }

    /// `markdown` with the text of each of `blocks` replaced by what its steps printed in `report`.
    static func replacing(_ blocks: [Block], in markdown: String, with report: ChapterReport) throws(ShownOutputError) -> String {
        var lines = markdown.components(separatedBy: "\n")
        for block in blocks.reversed() {
            switch printed(for: block, in: report) {
            case .success(let text): lines.replaceSubrange(block.textLines, with: text.components(separatedBy: "\n"))
            case .failure(let error): throw error
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// A marked block whose steps the chapter does not have.
public struct ShownOutputError: Error, CustomStringConvertible {
    /// What is wrong.
    public let text: String
    public var description: String { text }
}
