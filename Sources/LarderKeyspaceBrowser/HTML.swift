/// HTML text in which everything interpolated is escaped unless it is itself ``HTML``: the page
/// shows key names and values that anyone who can write to Redis chose, so escaping is the
/// default and cannot be forgotten.
///
/// ```swift
/// let key = "<script>alert(1)</script>"
/// let cell: HTML = "<td title=\"\(key)\">\(key)</td>"
/// // <td title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</td>
/// ```
public struct HTML: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup.
    public private(set) var markup: String

    /// Markup written by this program, trusted as it is. Only for literals and pieces already
    /// built as `HTML`: never pass data through it.
    public init(stringLiteral markup: String) { self.markup = markup }

    /// Markup built by interpolation: literal parts as they are, interpolated values escaped.
    public init(stringInterpolation: Interpolation) { markup = stringInterpolation.markup }

    /// Pieces joined with `separator`.
    public init(joining pieces: some Sequence<HTML>, separator: HTML = "") {
        markup = pieces.map(\.markup).joined(separator: separator.markup)
    }

    public var description: String { markup }

    /// Builds `HTML`: literals trusted, values escaped.
    public struct Interpolation: StringInterpolationProtocol {
        var markup = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        public mutating func appendLiteral(_ literal: String) { markup += literal }

        /// Text, escaped for an element's content and for a quoted attribute value alike.
        public mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }

        /// A number, as digits.
        public mutating func appendInterpolation(_ number: Int) { markup += String(number) }

        /// Markup built as `HTML` already.
        public mutating func appendInterpolation(_ html: HTML) { markup += html.markup }

        /// Several pieces of markup, one after the other.
        public mutating func appendInterpolation(_ pieces: [HTML]) {
            for piece in pieces { markup += piece.markup }
        }
    }

    /// `text` with `& < > " '` replaced by character references, which makes it safe inside an
    /// element and inside a single- or double-quoted attribute value.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
