import NIOCore
import NIOPosix

/// A small HTTP/1.1 client for tests and benchmarks: one request per connection
/// (`Connection: close`), the response read to the end and parsed by hand, so a test sees
/// exactly the status line, header fields and body bytes the server wrote. Loopback only.
public struct LoopbackHTTPClient: Sendable {
    /// The server's port on 127.0.0.1.
    public let port: Int
    /// The `Host` header sent (and so the host in the page cache's absolute URL).
    public let host: String

    /// A client for `http://127.0.0.1:<port>`.
    public init(port: Int, host: String? = nil) {
        self.port = port
        self.host = host ?? "127.0.0.1:\(port)"
    }

    /// A response as received.
    public struct Response: Sendable, CustomStringConvertible {
        /// The status code.
        public var status: Int
        /// Header fields in order, names as sent.
        public var headers: [(name: String, value: String)]
        /// The body bytes.
        public var body: [UInt8]

        /// The first value of header `name` (case-insensitive).
        public subscript(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// Every value of header `name` (case-insensitive).
        public func values(_ name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }

        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }

        public var description: String {
            "\(status)\n" + headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n\n\(text.prefix(200))"
        }
    }

    /// What went wrong.
    public enum ClientError: Error, CustomStringConvertible {
        /// The bytes received are not an HTTP/1.1 response.
        case malformedResponse(String)

        public var description: String {
            switch self {
            case .malformedResponse(let text): return "not an HTTP response: \(text.prefix(200))"
            }
        }
    }

    /// Sends `method path` with `headers` (and `body`), returns the whole response.
    public func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) async throws -> Response {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { request += "Content-Length: \(body.count)\r\n" }
        request += "\r\n"
        var bytes = Array(request.utf8)
        bytes.append(contentsOf: body)
        let requestBytes = bytes

        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let received = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: requestBytes))
            var all: [UInt8] = []
            for try await chunk in inbound { all.append(contentsOf: chunk.readableBytesView) }
            return all
        }
        return try Self.parse(received, head: method == "HEAD")
    }

    /// `GET path`.
    public func get(_ path: String, headers: [(String, String)] = []) async throws -> Response {
        try await send("GET", path, headers: headers)
    }

    static func parse(_ bytes: [UInt8], head: Bool) throws -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.firstRange(of: separator) else {
            throw ClientError.malformedResponse(String(decoding: bytes, as: UTF8.self))
        }
        let lines = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw ClientError.malformedResponse(String(lines.first ?? ""))
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw ClientError.malformedResponse(String(line)) }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " })))
        }
        var body = Array(bytes[end.upperBound...])
        // One request per connection, then the server closes: any byte past what the headers
        // announce (a body on a HEAD answer, more than Content-Length) is a server bug.
        if head {
            guard body.isEmpty else { throw ClientError.malformedResponse("a HEAD answer with \(body.count) body bytes") }
        } else if let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) }) {
            guard body.count == length else { throw ClientError.malformedResponse("\(body.count) body bytes for Content-Length \(length)") }
        } else if headers.contains(where: { $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased() == "chunked" }) {
            body = try dechunk(body)
        }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].firstRange(of: Array("\r\n".utf8)) else { throw ClientError.malformedResponse("bad chunk") }
            let sizeText = String(decoding: bytes[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16) else { throw ClientError.malformedResponse("bad chunk size \(sizeText)") }
            if size == 0 { break }
            let start = lineEnd.upperBound
            guard start + size <= bytes.count else { throw ClientError.malformedResponse("chunk past the end") }
            output.append(contentsOf: bytes[start..<start + size])
            index = start + size + 2
        }
        return output
    }
}
