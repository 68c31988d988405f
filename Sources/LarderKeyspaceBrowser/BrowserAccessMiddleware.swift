import HTTPTypes
import Hummingbird

/// Lets in only the reader who started the browser, and only through the page's own links.
///
/// - A request another site made is refused (403) whatever it carries: `Sec-Fetch-Site` other
///   than `same-origin` or `none` (an address typed or opened from the terminal), or an
///   `Origin` other than this page's. An `<img src="http://127.0.0.1:8086/?count=10000">` on
///   any page the reader visits would otherwise make the browser read Redis.
/// - `?token=` with the run's ``BrowserToken`` sets an `HttpOnly`, `SameSite=Strict` cookie and
///   redirects (303) to the same page without the token, so the address bar and history do not
///   keep it. Any other request needs that cookie: without it, 403 and a page saying which
///   address to open.
///
/// Runs after ``LoopbackOnlyMiddleware``, which has checked the `Host` header this uses.
struct BrowserAccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: BrowserToken

    /// `Sec-Fetch-Site` values a browser sends for the page's own links and forms (`same-origin`)
    /// and for an address the user opened (`none`).
    static var allowedFetchSites: Set<String> { ["same-origin", "none"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authority = request.head.authority ?? ""
        if let refusal = Self.crossSiteRefusal(request.headers, authority: authority) {
            return HTMLResponse.error(refusal, status: .forbidden)
        }
        let cookieName = Self.cookieName(authority: authority)
        if let given = QueryString(request.uri.query)["token"] {
            guard token.matches(given) else { return HTMLResponse.error(BrowserError.wrongToken, status: .forbidden) }
            let location = Self.removingToken(path: request.uri.path, query: request.uri.query)
            var response = Response(status: .seeOther, headers: [.location: location])
            response.setCookie(Cookie(name: cookieName, value: token.value, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        guard let cookie = request.cookies[cookieName], token.matches(cookie.value) else {
            return HTMLResponse.error(BrowserError.missingToken, status: .forbidden)
        }
        return try await next(request, context)
    }

    /// Why a request is another site's, or `nil` when it is the page's own or the reader's.
    static func crossSiteRefusal(_ headers: HTTPFields, authority: String) -> BrowserError? {
        if let site = headers[secFetchSite], !allowedFetchSites.contains(site.lowercased()) {
            return .crossSite(header: "Sec-Fetch-Site", value: site)
        }
        // Browsers send Origin on cross-origin requests and on forms that POST; this page's
        // own origin is the scheme and the Host the request was sent to.
        if let origin = headers[.origin], origin.lowercased() != "http://\(authority.lowercased())" {
            return .crossSite(header: "Origin", value: origin)
        }
        return nil
    }

    static var secFetchSite: HTTPField.Name { HTTPField.Name("Sec-Fetch-Site")! }

    /// One cookie per port: cookies do not tell ports apart, and two browsers may run at once
    /// (on two servers), each with its own token.
    static func cookieName(authority: String) -> String {
        let port = authority.split(separator: ":").last.map(String.init) ?? ""
        return "keyspace-token" + (!port.isEmpty && port.allSatisfy(\.isASCII) && port.allSatisfy(\.isNumber) ? "-\(port)" : "")
    }

    /// `path?query` without the `token` parameter: where the redirect after the token goes.
    /// Always a path on this server: leading slashes are collapsed to one, since `//host/`
    /// would send the browser to another host.
    static func removingToken(path: String, query: String?) -> String {
        let path = "/" + path.drop { $0 == "/" }
        let kept = (query ?? "").split(separator: "&").filter { part in
            let name = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
            return String(decoding: QueryString.decode(name), as: UTF8.self) != "token"
        }
        return kept.isEmpty ? path : path + "?" + kept.joined(separator: "&")
    }
}
