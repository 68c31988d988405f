/// A `Cache-Control` header's directives, in order, as Django's `patch_cache_control` and
/// `get_max_age` read and write them: `max-age=900, public` is `[("max-age", "900"), ("public", nil)]`.
struct CacheControl: Equatable, Sendable {
    /// Each directive, its name lowercased, with its value when it has one.
    var directives: [(name: String, value: String?)]

    init(directives: [(name: String, value: String?)] = []) {
        self.directives = directives
    }

    /// The directives of one or more header values (repeated headers are one list).
    init(parsing values: some Sequence<some StringProtocol>) {
        directives = []
        for value in values {
            for part in value.split(separator: ",") {
                let trimmed = part.trimmingSpaces()
                guard !trimmed.isEmpty else { continue }
                if let equals = trimmed.firstIndex(of: "=") {
                    let name = trimmed[..<equals].trimmingSpaces().lowercased()
                    var argument = trimmed[trimmed.index(after: equals)...].trimmingSpaces()
                    if argument.count >= 2, argument.first == "\"", argument.last == "\"" {
                        argument = argument.dropFirst().dropLast()
                    }
                    directives.append((name, String(argument)))
                } else {
                    directives.append((trimmed.lowercased(), nil))
                }
            }
        }
    }

    /// `max-age` of a `Cache-Control` value, read without building the directive list (a hit
    /// needs only this one).
    static func maxAge(in value: String) -> Int? {
        var value = value
        return value.withUTF8 { bytes -> Int? in
            let key = Array("max-age=".utf8)
            var index = 0
            while index + key.count <= bytes.count {
                // At the start of a directive: the value's start, or after a comma and spaces.
                // `| 0x20` lowercases a letter and leaves `-` and `=` as they are.
                var matches = true
                for offset in 0..<key.count where (bytes[index + offset] | 0x20) != key[offset] {
                    matches = false
                    break
                }
                let atStart = index == 0 || bytes[index - 1] == UInt8(ascii: ",") || bytes[index - 1] == UInt8(ascii: " ")
                if matches && atStart {
                    var number = 0
                    var cursor = index + key.count
                    var digits = 0
                    while cursor < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[cursor]) {
                        number = number * 10 + Int(bytes[cursor] - UInt8(ascii: "0"))
                        cursor += 1
                        digits += 1
                        if digits > 12 { return nil }
                    }
                    return digits > 0 ? number : nil
                }
                index += 1
            }
            return nil
        }
    }

    /// Whether `name` is present (`private`, `no-cache`, `no-store`, ...).
    func contains(_ name: String) -> Bool {
        directives.contains { $0.name == name }
    }

    /// `max-age` in seconds, `nil` when absent or not a number (Django's `get_max_age`).
    var maxAge: Int? {
        directives.first { $0.name == "max-age" }?.value.flatMap { Int($0) }
    }

    /// Sets `max-age`, keeping the smaller of the current and new values as Django does.
    mutating func lowerMaxAge(to seconds: Int) {
        if let index = directives.firstIndex(where: { $0.name == "max-age" }) {
            let current = directives[index].value.flatMap { Int($0) } ?? seconds
            directives[index].value = String(min(current, seconds))
        } else {
            directives.append(("max-age", String(seconds)))
        }
    }

    /// The header value: directives joined by `, `.
    var headerValue: String {
        directives.map { directive in directive.value.map { "\(directive.name)=\($0)" } ?? directive.name }
            .joined(separator: ", ")
    }

    static func == (lhs: CacheControl, rhs: CacheControl) -> Bool {
        lhs.directives.elementsEqual(rhs.directives) { $0.name == $1.name && $0.value == $1.value }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's optional whitespace).
    func trimmingSpaces() -> SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == " " || self[start] == "\t" { start = index(after: start) }
        while end > start, self[index(before: end)] == " " || self[index(before: end)] == "\t" { end = index(before: end) }
        return self[start..<end]
    }
}
