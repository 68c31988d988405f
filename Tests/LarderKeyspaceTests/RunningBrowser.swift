import Foundation
import LarderKeyspaceBrowser
import Logging
import LarderKeyspace
import RedisTestSupport
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// The browser page served on a free loopback port (the system picks it: port 0) for the
/// length of `body`, then shut down gracefully, as SIGTERM would. `body` gets the page's
/// address and the cookie its token bought, as the reader's browser has them.
struct RunningBrowser: Sendable {
    /// The port the page listens on.
    var port: Int
    /// The address with the run's token, as `keyspace --web` prints it.
    var tokenAddress: @Sendable (_ path: String) -> String
    /// The run's token.
    var token: String
    /// `name=value` of the cookie the token address set.
    var cookie: String

    /// GET `path` as the reader's browser sends it: with the cookie, unless `cookie` is `false`.
    func get(_ path: String, host: String? = nil, headers: [(String, String)] = [], cookie: Bool = true) async throws -> HTTPReply {
        try await HTTPReply.get(port: port, path: path, host: host, headers: (cookie ? [("Cookie", self.cookie)] : []) + headers)
    }

    static func with<Result: Sendable>(
        _ server: PrivateRedisServer, _ body: @Sendable (_ browser: RunningBrowser) async throws -> Result
    ) async throws -> Result {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "keyspace-browser-test")
        logger.logLevel = .warning
        let browser = KeyspaceBrowser(inspector: KeyspaceInspector(configuration: server.configuration()), port: 0)
        let application = browser.application(logger: logger, onServerRunning: { port in continuation.yield(port) })
        let services = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], logger: logger))
        // Ends the port stream when the server stops, so a server that fails to start is an
        // error here rather than a wait for ever.
        let running = Task {
            defer { continuation.finish() }
            try await services.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await running.value
            throw BrowserTestError.serverDidNotStart
        }
        do {
            let result = try await body(try await signIn(browser, port: port))
            await services.triggerGracefulShutdown()
            try await running.value
            return result
        } catch {
            await services.triggerGracefulShutdown()
            try? await running.value
            throw error
        }
    }

    /// Opens the token address as the reader does, and keeps the cookie it sets.
    static func signIn(_ browser: KeyspaceBrowser, port: Int) async throws -> RunningBrowser {
        let reply = try await HTTPReply.get(port: port, path: "/?token=\(browser.token.value)")
        guard reply.status == 303, let setCookie = reply.headers["set-cookie"],
            let cookie = setCookie.split(separator: ";").first.map(String.init)
        else {
            throw BrowserTestError.signIn("the token address answered \(reply.status), Set-Cookie \(reply.headers["set-cookie"] ?? "none")")
        }
        return RunningBrowser(
            port: port, tokenAddress: { path in browser.address(port: port, path: path) }, token: browser.token.value, cookie: cookie)
    }
}

enum BrowserTestError: Error, CustomStringConvertible {
    case serverDidNotStart
    case http(String)
    case signIn(String)

    var description: String {
        switch self {
        case .serverDidNotStart: "the browser's server never reported its port"
        case .http(let problem): "HTTP request failed: \(problem)"
        case .signIn(let problem): "could not sign in with the token: \(problem)"
        }
    }
}

/// A plain HTTP/1.1 GET over a loopback socket, with any `Host` header (URLSession would not
/// send a foreign one), run off the cooperative pool.
struct HTTPReply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: String

    /// GET `path` with `Host: host` (default `127.0.0.1:port`) and `headers`, nothing else.
    static func get(port: Int, path: String, host: String? = nil, headers: [(String, String)] = []) async throws -> HTTPReply {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try blockingGet(port: port, path: path, host: host ?? "127.0.0.1:\(port)", headers: headers) })
            }
        }
    }

    private static func blockingGet(port: Int, path: String, host: String, headers: [(String, String)]) throws -> HTTPReply {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BrowserTestError.http("socket: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw BrowserTestError.http("connect: errno \(errno)") }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let fields = headers.map { "\($0.0): \($0.1)\r\n" }.joined()
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\n\(fields)Connection: close\r\n\r\n".utf8)
        guard write(descriptor, request, request.count) == request.count else { throw BrowserTestError.http("write: errno \(errno)") }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 { throw BrowserTestError.http("read: errno \(errno)") }
            if count == 0 { break }
            received += buffer[..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw BrowserTestError.http("no header end in \(text.prefix(200))") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        guard let status = lines.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw BrowserTestError.http("no status line in \(text.prefix(200))")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPReply(status: status, headers: headers, body: String(text[split.upperBound...]))
    }
}
