import HTTPTypes
import Hummingbird

/// Refuses requests addressed to any host but `127.0.0.1` and `localhost`, and adds the
/// headers that keep the page to itself: no script, no framing, not stored, not sniffed.
struct LoopbackOnlyMiddleware<Context: RequestContext>: RouterMiddleware {
    static var allowedHosts: Set<String> { ["127.0.0.1", "localhost"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // HTTP/1.1's Host header, which HTTPTypes reads into the request's authority.
        let host = request.head.authority ?? ""
        var response: Response
        if Self.allowedHosts.contains(Self.hostName(host)) {
            response = try await next(request, context)
        } else {
            response = HTMLResponse.error(BrowserError.foreignHost(host), status: .misdirectedRequest)
        }
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[.cacheControl] = "no-store"
        return response
    }

    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }

    /// `127.0.0.1:8086` → `127.0.0.1`; `[::1]:80` → `[::1]`.
    static func hostName(_ host: String) -> String {
        if host.hasPrefix("[") { return String(host.prefix { $0 != "]" }) + "]" }
        return String(host.prefix { $0 != ":" }).lowercased()
    }
}
