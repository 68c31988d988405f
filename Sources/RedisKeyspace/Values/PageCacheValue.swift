import Foundation

/// A cached page as the page cache stores it (chapter 03):
/// `{"status":200,"headers":[["content-type","text/html"],...],"body":"<base64>"}`.
public struct PageCacheValue: Hashable, Sendable {
    /// The response's status code.
    public var status: Int
    /// The response's headers, name and value, in order.
    public var headers: [[String]]
    /// The body's size in bytes, decoded from base64.
    public var bodyBytes: Int

    /// The first `content-type` header's value, if any.
    public var contentType: String? {
        headers.first { $0.first?.lowercased() == "content-type" }.flatMap { $0.count > 1 ? $0[1] : nil }
    }

    /// Parses the page cache's JSON, or returns `nil` for anything else.
    public init?(json: Data) {
        struct Stored: Decodable {
            var status: Int
            var headers: [[String]]
            var body: String
        }
        guard let stored = try? JSONDecoder().decode(Stored.self, from: json),
            let body = Data(base64Encoded: stored.body)
        else { return nil }
        status = stored.status
        headers = stored.headers
        bodyBytes = body.count
    }
}
