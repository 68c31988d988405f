import LarderCache
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A response as the page cache stores it: HTTP/1.1 text, the status line, the header fields
/// and the body, so that `redis-cli get` shows the page as a browser would receive it:
///
/// ```
/// HTTP/1.1 200 OK
/// Content-Type: text/html; charset=utf-8
/// Content-Length: 201
/// Expires: Thu, 26 Nov 2026 14:34:11 GMT
/// Cache-Control: max-age=900
///
/// <!doctype html>...
/// ```
///
/// Django pickles its `HttpResponse` instead; no other program reads these entries.
public struct CachedPage: CacheBytesRepresentable, Equatable {
    /// The status code (200).
    public var status: HTTPResponse.Status
    /// The header fields, in order, names as the route wrote them.
    public var headers: HTTPFields
    /// The body.
    public var body: ByteBuffer

    /// A page from its parts.
    public init(status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `response`'s status and headers with `body`; `Set-Cookie` fields are left out, so one
    /// visitor's cookie is never replayed to the next.
    init(response: Response, body: ByteBuffer) {
        status = response.status
        headers = response.headers
        headers[.setCookie] = nil
        self.body = body
    }

    /// The response a hit sends: the stored one, plus `Age` (Django's
    /// `max(0, max-age − (Expires − now))`, when both are readable), with an empty body for `HEAD`.
    func response(now: Int, head: Bool) -> Response {
        var fields = headers
        if let expiresText = fields[.expires], let expires = HTTPDate.parse(expiresText),
           let cacheControl = fields[.cacheControl], let maxAge = CacheControl.maxAge(in: cacheControl) {
            fields[.age] = String(max(0, maxAge - (expires - now)))
        }
        if head {
            // The length of the GET body the HEAD stands for: the stored one (an entry stored
            // for a HEAD has an empty body but the GET's Content-Length).
            if fields[.contentLength] == nil { fields[.contentLength] = String(body.readableBytes) }
            return Response(status: status, headers: fields, body: .init())
        }
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }

    // MARK: Stored form

    /// What is wrong with a stored page.
    public struct FormatError: Error, CustomStringConvertible {
        /// What was expected.
        public let problem: String
        public var description: String { "not a cached page (\(problem)); it is replaced on the next miss" }
    }

    public func writeCacheBytes(to buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: 64 + headers.count * 40 + body.readableBytes)
        buffer.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n")
        for field in headers {
            buffer.writeString(field.name.rawName)
            buffer.writeString(": ")
            buffer.writeString(field.value)
            buffer.writeString("\r\n")
        }
        buffer.writeString("\r\n")
        buffer.writeImmutableBuffer(body)
    }

    public init(cacheBytes: ByteBuffer) throws {
        // Read on every hit: one pass over the bytes, a String only for what HTTPFields keeps.
        var buffer = cacheBytes
        guard let statusLine = Self.readLine(&buffer), statusLine.count >= 12,
              statusLine.starts(with: "HTTP/1.1 ".utf8),
              let code = Self.number(statusLine[statusLine.startIndex + 9 ..< statusLine.startIndex + 12]), code >= 100
        else { throw FormatError(problem: "no HTTP/1.1 status line") }
        status = HTTPResponse.Status(code: code, reasonPhrase: String(decoding: statusLine.dropFirst(13), as: UTF8.self))
        headers = HTTPFields()
        while true {
            guard let line = Self.readLine(&buffer) else { throw FormatError(problem: "headers without an end") }
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
                  let name = HTTPField.Name(String(decoding: line[..<colon], as: UTF8.self))
            else { throw FormatError(problem: "a header line without a name") }
            var value = line[(colon + 1)...]
            while value.first == UInt8(ascii: " ") { value = value.dropFirst() }
            headers.append(HTTPField(name: name, value: String(decoding: value, as: UTF8.self)))
        }
        body = buffer  // the rest, a slice: no copy
    }

    /// The bytes of the next line (without CR LF), moving past it; no copy.
    private static func readLine(_ buffer: inout ByteBuffer) -> ByteBufferView? {
        let view = buffer.readableBytesView
        guard let end = view.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        var line = view[view.startIndex..<end]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        buffer.moveReaderIndex(to: end + 1)
        return line
    }

    /// The decimal number in `digits`, `nil` if one is not a digit.
    private static func number(_ digits: ByteBufferView.SubSequence) -> Int? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    // MARK: Codable (the cache's operations ask for it)

    // Through a serializer (a cache that ignores CacheBytesRepresentable), the stored form
    // travels as base64: a body need not be UTF-8 (gzip, images).

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let bytes = Data(base64Encoded: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a cached page is stored as base64")
        }
        try self.init(cacheBytes: ByteBuffer(bytes: bytes))
    }

    public func encode(to encoder: any Encoder) throws {
        var buffer = ByteBuffer()
        writeCacheBytes(to: &buffer)
        var container = encoder.singleValueContainer()
        try container.encode(Data(buffer.readableBytesView).base64EncodedString())
    }
}
