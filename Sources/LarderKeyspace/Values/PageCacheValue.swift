/// A cached page as the page cache stores it (chapter 03): the HTTP/1.1 response itself,
/// `HTTP/1.1 200 OK`, its header lines, an empty line, the body.
public struct PageCacheValue: Hashable, Sendable {
    /// The response's status code.
    public var status: Int
    /// The response's headers, name and value, in order.
    public var headers: [[String]]
    /// The body's size in bytes.
    public var bodyBytes: Int

    /// The first `content-type` header's value, if any.
    public var contentType: String? {
        headers.first { $0.first?.lowercased() == "content-type" }.flatMap { $0.count > 1 ? $0[1] : nil }
    }

    /// Parses a stored page, or returns `nil` for anything else.
    public init?(http bytes: [UInt8]) {
        var lines: [String] = []
        var start = 0
        var bodyStart: Int?
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                var end = index
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                guard let line = String(validating: bytes[start..<end], as: UTF8.self) else { return nil }
                if line.isEmpty {
                    bodyStart = index + 1
                    break
                }
                lines.append(line)
                start = index + 1
            }
            index += 1
        }
        guard let bodyStart, let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
              let code = Int(statusLine.dropFirst(9).prefix(3)), (100...999).contains(code)
        else { return nil }
        var headers: [[String]] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers.append([String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " })])
        }
        status = code
        self.headers = headers
        bodyBytes = bytes.count - bodyStart
    }
}
