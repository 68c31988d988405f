import Foundation

/// The shell transcripts a chapter shows, tied to a scenario that reproduces them, so that a
/// `$ command` and what it printed cannot drift from what the command really prints. In the
/// chapter's Markdown, the line
///
/// ```
/// <!-- transcript: cache-backend-site -->
/// ```
///
/// before a fenced block says the block is a transcript: each line starting with `$ ` is a
/// command, the lines after it (up to the next command) what it printed. The scenario (chapter
/// code, `TranscriptScenarios`) prepares private servers in the state the chapter describes; a
/// test runs the commands there for real, maps the private socket and ports back to the ones
/// the chapter shows, and compares, after ``TranscriptNormalization`` has replaced what must
/// vary (times, TTL seconds, tokens...). The blocks of one chapter that name the same scenario
/// run in one preparation, in the chapter's order (a miss, then a hit). A line `...` in a shown
/// output stands for the lines the chapter leaves out: the lines before it and after it are
/// compared with the first and last lines printed. `swift run guide refresh-output` pastes a
/// fresh run into every block.
public enum ShownTranscript {
    /// One `$ command` of a block and the output the chapter shows for it.
    public struct Command: Sendable, Equatable {
        /// The command as the reader types it, without the `$ `.
        public let text: String
        /// The lines the chapter shows it printing.
        public let output: [String]

        /// A command and the output shown for it.
        public init(text: String, output: [String]) {
            self.text = text
            self.output = output
        }
    }

    /// One marked block of a chapter.
    public struct Block: Sendable, Equatable {
        /// The scenario the marker names.
        public let scenario: String
        /// The block's commands, in order.
        public let commands: [Command]
        /// The line of the block's opening fence (1-based), for messages.
        public let line: Int
        /// The range of the block's text in the file's lines (0-based, end exclusive).
        let textLines: Range<Int>
    }

    /// The line `...` that stands for the output lines a chapter leaves out.
    public static let elision = "..."

    /// The marked blocks of a chapter's Markdown.
    public static func blocks(in markdown: String) -> [Block] {
        FencedBlock.all(in: markdown).filter { $0.markerKind == "transcript" }.map { block in
            Block(
                scenario: block.markerArgument, commands: commands(in: block.text.components(separatedBy: "\n")),
                line: block.line, textLines: block.textLines)
        }
    }

    /// The `$ ` commands of a block's lines, each with the lines after it.
    static func commands(in lines: [String]) -> [Command] {
        var commands: [Command] = []
        var text: String?
        var output: [String] = []
        for line in lines {
            if line.hasPrefix("$ ") {
                if let text { commands.append(Command(text: text, output: output)) }
                text = String(line.dropFirst(2))
                output = []
            } else {
                output.append(line)
            }
        }
        if let text { commands.append(Command(text: text, output: output)) }
        return commands
    }

    /// `printed` cut to the shape of `shown`: the whole of it, or, when `shown` has a `...`
    /// line, its first and last lines around that line (as many as `shown` keeps).
    public static func elided(_ printed: [String], like shown: [String]) -> [String] {
        guard let gap = shown.firstIndex(of: elision) else { return printed }
        let head = gap, tail = shown.count - gap - 1
        guard printed.count > head + tail else { return printed }
        return Array(printed.prefix(head)) + [elision] + Array(printed.suffix(tail))
    }

    /// Why `printed` (the command's real output, already mapped back to the chapter's socket and
    /// ports) differs from what `command` shows, or `nil` when they agree once normalised.
    public static func difference(_ command: Command, printed: [String]) -> String? {
        let shown = TranscriptNormalization.normalized(command.output, for: command.text)
        let ran = TranscriptNormalization.normalized(elided(printed, like: command.output), for: command.text)
        guard shown != ran else { return nil }
        let first = (0..<min(shown.count, ran.count)).first { shown[$0] != ran[$0] } ?? min(shown.count, ran.count)
        let shownLine = first < shown.count ? shown[first] : "(nothing)"
        let ranLine = first < ran.count ? ran[first] : "(nothing)"
        return "`$ \(command.text)`: output line \(first + 1) shows\n    \(shownLine)\nbut the command printed\n    \(ranLine)"
    }

    /// `markdown` with each block's outputs replaced by `printed[block.line]`, one entry per
    /// command, keeping each shown `...`.
    public static func refreshed(_ markdown: String, with printed: [Int: [[String]]]) -> String {
        var lines = markdown.components(separatedBy: "\n")
        for block in blocks(in: markdown).reversed() {
            guard let outputs = printed[block.line], outputs.count == block.commands.count else { continue }
            let text = zip(block.commands, outputs).flatMap { command, output in
                ["$ \(command.text)"] + elided(output, like: command.output)
            }
            lines.replaceSubrange(block.textLines, with: text)
        }
        return lines.joined(separator: "\n")
    }
}
