import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes the guide's output: ✓/✗ marks, dimmed detail, colour only on a terminal.
public struct Terminal: Sendable {
    /// Whether ANSI colours are used: standard output is a terminal, `NO_COLOR` is unset and
    /// `TERM` is not `dumb`.
    public var usesColour: Bool

    /// A terminal for standard output, colouring only when it is a TTY.
    public init(usesColour: Bool = Terminal.standardOutputIsColourTerminal) {
        self.usesColour = usesColour
    }

    /// Whether standard output is a terminal that should get colours.
    public static var standardOutputIsColourTerminal: Bool {
        let environment = ProcessInfo.processInfo.environment
        return isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    /// Text styles.
    public enum Style: String, Sendable {
        case green = "32"
        case red = "31"
        case yellow = "33"
        case bold = "1"
        case dim = "2"
    }

    /// `text` in `style` when colours are on, else `text` unchanged.
    public func styled(_ text: String, _ style: Style) -> String {
        usesColour ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// The pass mark, `✓` (green on a terminal).
    public var pass: String { styled("✓", .green) }
    /// The failure mark, `✗` (red on a terminal).
    public var fail: String { styled("✗", .red) }

    /// Writes a line to standard output at once (unbuffered), so that output interleaves
    /// correctly with child processes, shows before a slow step finishes, and reaches a file
    /// or pipe before Ctrl-C. A reader that closed the pipe (`| head -3`) loses the rest
    /// silently; `write(_:)` would trap on the broken pipe with a crash report.
    public func print(_ line: String = "") {
        try? FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8))
    }
}
