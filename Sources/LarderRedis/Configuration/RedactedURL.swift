/// A Redis URL as an error may show it: every part that may hold a password written `***`.
///
/// Errors about a URL are about a URL that did not parse, so what is the password cannot be
/// read from the parse: a password holding an unescaped `?`, `#`, `@` or `/` moves every
/// boundary after it (`redis://app:s3cr?t@host` puts `t@host` in the query, and `s3cr` in the
/// port). The parts that *may* hold one are marked without parsing, generously:
///
/// - the user-info: from the scheme's `://` (or the start) to the *last* `@`, the user name
///   before its first `:` excepted;
/// - from each `password=` option to the end of the text (a password may hold an `&`).
///
/// ``text`` is the URL with those parts written `***`; ``quote(_:)`` quotes a piece of the URL
/// for an error only if it lies outside them.
struct RedactedURL: Sendable {
    /// The URL with every part that may hold a password written `***`.
    let text: String
    private let url: String
    private let secretOffsets: [Range<Int>]

    init(_ url: String) {
        self.url = url
        let utf8 = Array(url.utf8)
        var secrets: [Range<Int>] = []
        if let lastAt = utf8.lastIndex(of: UInt8(ascii: "@")) {
            var start = 0
            if let scheme = Self.firstOffset(of: Array("://".utf8), in: utf8), scheme + 3 <= lastAt { start = scheme + 3 }
            if let colon = utf8[start..<lastAt].firstIndex(of: UInt8(ascii: ":")) { start = colon + 1 }
            if start < lastAt { secrets.append(start..<lastAt) }
        }
        let lowered = Array(url.lowercased().utf8)
        if lowered.count == utf8.count {
            let option = Array("password=".utf8)
            var from = 0
            while let found = Self.firstOffset(of: option, in: lowered, from: from) {
                // `_password=` too: a redis+sentinel:// URL's `sentinel_password=`.
                let isOption = found > 0
                    && (lowered[found - 1] == UInt8(ascii: "?") || lowered[found - 1] == UInt8(ascii: "&")
                        || lowered[found - 1] == UInt8(ascii: "_"))
                if isOption {
                    secrets.append((found + option.count)..<utf8.count)
                    break
                }
                from = found + 1
            }
        } else if let query = utf8.firstIndex(of: UInt8(ascii: "?")) {
            // Lower-casing changed the length (unusual letters): hide the whole query.
            secrets.append((query + 1)..<utf8.count)
        }
        secretOffsets = Self.merged(secrets)

        var redacted: [UInt8] = []
        var position = 0
        for secret in secretOffsets {
            redacted += utf8[position..<secret.lowerBound]
            redacted += Array("***".utf8)
            position = secret.upperBound
        }
        redacted += utf8[position...]
        text = String(decoding: redacted, as: UTF8.self)
    }

    /// Whether some part of the URL may hold a password.
    var hidesSomething: Bool { !secretOffsets.isEmpty }

    /// `'piece'`, or `nil` when `piece` (a slice of the URL given to ``init(_:)``) touches a part
    /// that may hold a password, or is not a slice of that URL.
    func quote(_ piece: Substring) -> String? {
        guard piece.base == url else { return nil }
        let start = url.utf8.distance(from: url.startIndex, to: piece.startIndex)
        let end = url.utf8.distance(from: url.startIndex, to: piece.endIndex)
        let range = start..<max(end, start + 1)
        guard !secretOffsets.contains(where: { $0.overlaps(range) }) else { return nil }
        return "'\(piece)'"
    }

    /// What an error says when a piece it would quote may hold the password.
    static let unquotable = "(not shown: it may be part of the password; percent-encode ?, #, @, /, & and % in a password, "
        + "as %3F, %23, %40, %2F, %26 and %25)"

    private static func firstOffset(of needle: [UInt8], in haystack: [UInt8], from: Int = 0) -> Int? {
        guard needle.count <= haystack.count, from <= haystack.count - needle.count else { return nil }
        return (from...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    private static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, last.upperBound >= range.lowerBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }
}
