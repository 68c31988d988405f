import Foundation

/// The lines setup.sh can print, as patterns read from its source: each double-quoted string
/// (the messages `ok`, `change` and `printf '%s\n'` print) and each single-quoted `printf`
/// format, line by line, with every `$var`, `${…}`, `$(…)` and `%s` standing for any text.
/// A shown line of a setup.sh run must match one of them in full, after the `✓ `/`→ ` that
/// `ok`/`change` put before a message.
struct SetupMessageTemplates {
    let patterns: [NSRegularExpression]

    init(script: String) throws {
        var sources: [String] = []
        let quoted = try NSRegularExpression(pattern: #""((?:[^"\\]|\\.)*)"|printf '((?:[^'])*)'"#)
        let range = NSRange(script.startIndex..., in: script)
        for match in quoted.matches(in: script, range: range) {
            for group in 1...2 {
                guard let found = Range(match.range(at: group), in: script) else { continue }
                let text = String(script[found])
                sources += group == 2 ? text.components(separatedBy: "\\n") : [text]
            }
        }
        // A string that is all variables (`"$answers"`) would match any line: only strings with
        // words of their own count.
        patterns = sources.filter { Self.literalLength(of: $0) >= 4 }.compactMap { Self.pattern(for: $0) }
    }

    static let variable = #"\$\([^)]*\)|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|%-?[0-9]*s"#

    /// How many non-blank characters `text` has outside its variables.
    static func literalLength(of text: String) -> Int {
        text.replacingOccurrences(of: variable, with: "", options: .regularExpression).filter { !$0.isWhitespace }.count
    }

    /// `text` with its variables and formats made wildcards, anchored at both ends.
    static func pattern(for text: String) -> NSRegularExpression? {
        guard let splitter = try? NSRegularExpression(pattern: variable) else { return nil }
        var pattern = "^"
        var last = text.startIndex
        for match in splitter.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let found = Range(match.range, in: text) else { continue }
            pattern += NSRegularExpression.escapedPattern(for: String(text[last..<found.lowerBound])) + ".*"
            last = found.upperBound
        }
        pattern += NSRegularExpression.escapedPattern(for: String(text[last...])) + "$"
        return try? NSRegularExpression(pattern: pattern)
    }

    /// Whether `line` is one of setup.sh's messages, or (the table after `you should see:`) two
    /// of them either side of a `→`.
    func matches(_ line: String) -> Bool {
        var message = line
        for mark in ["✓ ", "→ ", "✗ "] where message.hasPrefix(mark) { message = String(message.dropFirst(mark.count)) }
        if [line, message].contains(where: matchesOne) { return true }
        let sides = line.components(separatedBy: " → ").map { $0.trimmingCharacters(in: .whitespaces) }
        return sides.count == 2 && sides.allSatisfy(matchesOne)
    }

    private func matchesOne(_ candidate: String) -> Bool {
        patterns.contains { $0.firstMatch(in: candidate, range: NSRange(candidate.startIndex..., in: candidate)) != nil }
    }
}
