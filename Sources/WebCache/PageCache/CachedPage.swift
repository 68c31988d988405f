import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A response as the page cache stores it: status, headers, body, and the two numbers a hit
/// needs for its `Age` header (read once at store time, not parsed again on every hit).
///
/// Stored as JSON through the cache's serializer, the body in base64:
/// `{"status":200,"headers":[["content-type","text/html"],…],"body":"PGh0bWw+…","maxAge":900,"expires":1795600000}`.
/// Django pickles its `HttpResponse` instead; no other program reads these entries.
public struct CachedPage: Codable, Sendable, Equatable {
    /// The status code (200).
    public var status: Int
    /// The header fields, in order, as `[name, value]` pairs.
    public var headers: [[String]]
    /// The body.
    public var body: ByteBuffer
    /// `Cache-Control: max-age` of the stored response, if any.
    public var maxAge: Int?
    /// Its `Expires`, in seconds since 1970, if any and readable.
    public var expires: Int?

    /// A page from its parts.
    public init(status: Int, headers: [[String]], body: ByteBuffer, maxAge: Int?, expires: Int?) {
        self.status = status
        self.headers = headers
        self.body = body
        self.maxAge = maxAge
        self.expires = expires
    }

    /// `response`'s status and headers with `body`; `Set-Cookie` fields are left out, so one
    /// visitor's cookie is never replayed to the next.
    init(response: Response, body: ByteBuffer) {
        status = Int(response.status.code)
        headers = response.headers.compactMap { field in
            field.name == .setCookie ? nil : [field.name.rawName, field.value]
        }
        self.body = body
        maxAge = CacheControl(parsing: response.headers[values: .cacheControl]).maxAge
        expires = response.headers[.expires].flatMap { HTTPDate.parse($0) }
    }

    /// The response a hit sends: the stored one, plus `Age` (Django's
    /// `max(0, max-age − (Expires − now))`), with an empty body for `HEAD`.
    func response(now: Int, head: Bool) -> Response {
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count + 2)
        for pair in headers where pair.count == 2 {
            if let name = HTTPField.Name(pair[0]) { fields.append(HTTPField(name: name, value: pair[1])) }
        }
        if let maxAge, let expires {
            fields[.age] = String(max(0, maxAge - (expires - now)))
        }
        if head {
            fields[.contentLength] = String(body.readableBytes)
            return Response(status: .init(code: status), headers: fields, body: .init())
        }
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: body))
    }

    // MARK: Codable

    private enum CodingKeys: String, CodingKey {
        case status, headers, body, maxAge, expires
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(Int.self, forKey: .status)
        headers = try container.decode([[String]].self, forKey: .headers)
        let base64 = try container.decode(String.self, forKey: .body)
        guard let data = Data(base64Encoded: base64) else {
            throw DecodingError.dataCorruptedError(forKey: .body, in: container, debugDescription: "the body is not base64")
        }
        body = ByteBuffer(bytes: data)
        maxAge = try container.decodeIfPresent(Int.self, forKey: .maxAge)
        expires = try container.decodeIfPresent(Int.self, forKey: .expires)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(headers, forKey: .headers)
        try container.encode(Data(body.readableBytesView).base64EncodedString(), forKey: .body)
        try container.encodeIfPresent(maxAge, forKey: .maxAge)
        try container.encodeIfPresent(expires, forKey: .expires)
    }
}
