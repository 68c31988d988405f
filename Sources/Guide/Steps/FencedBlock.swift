import Foundation

/// A fenced block of a chapter's Markdown and the marker comment on the line before it, which
/// says what the block is and how a test checks it:
///
/// | marker | the block is | checked by |
/// |---|---|---|
/// | `<!-- output: STEP -->` | a step's output, compared with a fresh run | ``ShownOutput`` |
/// | `<!-- measured: STEP -->` | a step's output whose figures vary, compared by structure | ``MeasuredOutput`` |
/// | `<!-- transcript: SCENARIO -->` | a shell session (`$ command` and what it printed) | its scenario's test |
/// | `<!-- file: PATH -->` | a committed file of this repository, verbatim | the file excerpt test |
/// | `<!-- illustration: WHY -->` | not program output: a configuration to type, a diagram | nothing, and WHY says why |
///
/// A block whose info string is empty or `text` (output, not code) must carry one of them: a
/// test lists those that do not, so that no shown output is left unchecked by accident.
public struct FencedBlock: Sendable, Equatable {
    /// The kinds of marker a text block may carry.
    public static let markerKinds = ["output", "measured", "transcript", "file", "illustration"]

    /// The info string after the opening fence (`swift`, `shell`, or empty).
    public let info: String
    /// The line of the opening fence (1-based), for messages.
    public let line: Int
    /// The marker on the line right before the fence (`output`, `file`, ..., or `snippet`), if any.
    public let markerKind: String?
    /// What the marker says after its kind, trimmed (`chapters/acl/guide-app.acl`).
    public let markerArgument: String
    /// The block's lines, without the fences, joined by newlines; the fence's indentation
    /// (a block inside a list item) removed.
    public let text: String
    /// The range of the block's text in the file's lines (0-based, end exclusive).
    let textLines: Range<Int>

    /// Whether the block shows text rather than code: its info string is empty or `text`.
    public var isText: Bool { info.isEmpty || info == "text" }

    /// Every fenced block of `markdown`, in order.
    public static func all(in markdown: String) -> [FencedBlock] {
        let lines = markdown.components(separatedBy: "\n")
        var blocks: [FencedBlock] = []
        var index = 0
        while index < lines.count {
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("```") else {
                index += 1
                continue
            }
            let indent = lines[index].prefix { $0 == " " }.count
            let fence = String(trimmed.prefix { $0 == "`" })
            let info = trimmed.dropFirst(fence.count).trimmingCharacters(in: .whitespaces)
            var marker: (kind: String, argument: String)?
            if index > 0 { marker = parseMarker(lines[index - 1].trimmingCharacters(in: .whitespaces)) }
            var end = index + 1
            while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces) != fence { end += 1 }
            let body = lines[(index + 1)..<min(end, lines.count)].map { line in
                line.prefix(indent).allSatisfy { $0 == " " } ? String(line.dropFirst(indent)) : line
            }
            blocks.append(FencedBlock(
                info: info, line: index + 1, markerKind: marker?.kind, markerArgument: marker?.argument ?? "",
                text: body.joined(separator: "\n"), textLines: (index + 1)..<min(end, lines.count)))
            index = end + 1
        }
        return blocks
    }

    /// `<!-- kind: argument -->` as its kind and argument, or `nil` for any other line.
    static func parseMarker(_ line: String) -> (kind: String, argument: String)? {
        guard line.hasPrefix("<!--"), line.hasSuffix("-->") else { return nil }
        let inside = line.dropFirst(4).dropLast(3).trimmingCharacters(in: .whitespaces)
        guard let colon = inside.firstIndex(of: ":") else { return nil }
        let kind = inside[..<colon].trimmingCharacters(in: .whitespaces)
        guard !kind.isEmpty, kind.allSatisfy({ $0.isLetter }) else { return nil }
        return (kind, inside[inside.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }

    /// The text blocks of `markdown` that carry none of ``markerKinds``, as
    /// `FILE:LINE: why` lines naming each.
    public static func unmarkedTextBlocks(in markdown: String, file: String) -> [String] {
        all(in: markdown).filter { $0.isText && !markerKinds.contains($0.markerKind ?? "") }.map { block in
            let first = block.text.components(separatedBy: "\n").first ?? ""
            return "\(file):\(block.line): a ``` block with no <!-- output|measured|transcript|file|illustration: ... --> line right before it (it starts `\(first.prefix(60))`)"
        }
    }
}
