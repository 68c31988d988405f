import HTTPTypes
import Hummingbird

/// Which responses may be stored and for how long, and the headers a stored response gains:
/// Django's `UpdateCacheMiddleware.process_response` and `patch_response_headers`.
enum PageCachePolicy {
    /// Why a response is not stored, for logs and tests.
    enum Refusal: Error, Equatable, Sendable {
        case status, setsCookieVaryingOnCookie, privateOrNoCache, varyStar, zeroMaxAge
    }

    /// Only `GET` and `HEAD` are looked up and stored.
    static func isCacheable(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head
    }

    /// The seconds to keep `response`, or why it must not be kept: `timeout`'s seconds, or the
    /// response's own `max-age` where `timeout` yields to it (see ``PageTimeout``).
    /// `setsCookieLater`: a middleware outside will add a `Set-Cookie` (``ResponseCookies``),
    /// as if the response had one.
    static func timeout(for response: Response, timeout: PageTimeout, setsCookieLater: Bool = false) -> Result<Int, Refusal> {
        guard response.status == .ok || response.status == .notModified else { return .failure(.status) }
        let vary = varyNames(response.headers)
        if response.headers[.setCookie] != nil || setsCookieLater, vary.contains("cookie") { return .failure(.setsCookieVaryingOnCookie) }
        let cacheControl = CacheControl(parsing: response.headers[values: .cacheControl])
        if cacheControl.contains("private") || cacheControl.contains("no-cache") || cacheControl.contains("no-store") {
            return .failure(.privateOrNoCache)
        }
        if vary.contains("*") { return .failure(.varyStar) }
        guard timeout.yieldsToMaxAge, let maxAge = cacheControl.maxAge else { return .success(max(0, timeout.seconds)) }
        return maxAge > 0 ? .success(maxAge) : .failure(.zeroMaxAge)
    }

    /// `Expires: now + timeout` unless present, and `Cache-Control: max-age` no longer than
    /// `timeout` (Django's `patch_response_headers`).
    static func addExpiryHeaders(to headers: inout HTTPFields, timeout: Int, now: Int) {
        if headers[.expires] == nil {
            headers[.expires] = HTTPDate.format(now + timeout)
        }
        var cacheControl = CacheControl(parsing: headers[values: .cacheControl])
        cacheControl.lowerMaxAge(to: timeout)
        headers[.cacheControl] = cacheControl.headerValue
    }

    /// Adds `Vary: Authorization` when the request carries credentials, so one user's page
    /// is never served to another, unless the response says `public` (RFC 9111 §3.5: a shared
    /// cache may then serve it to anyone), as Django does.
    static func varyOnAuthorization(_ headers: inout HTTPFields, request: Request) {
        guard request.headers[.authorization] != nil,
              !CacheControl(parsing: headers[values: .cacheControl]).contains("public")
        else { return }
        addVary("Authorization", to: &headers)
    }

    /// Adds `header` to `Vary` unless already named there (Django's `patch_vary_headers`).
    static func addVary(_ header: String, to headers: inout HTTPFields) {
        let present = varyNames(headers)
        guard !present.contains(header.lowercased()), !present.contains("*") else { return }
        let existing = headers[values: .vary].joined(separator: ", ")
        headers[.vary] = existing.isEmpty ? header : "\(existing), \(header)"
    }

    /// The lowercased header names a response's `Vary` fields list.
    static func varyNames(_ headers: HTTPFields) -> [String] {
        headers[values: .vary].flatMap { $0.split(separator: ",").map { $0.trimmingSpaces().lowercased() } }
    }

    /// The headers of `never_cache`: `Expires: <now>` and a `Cache-Control` that forbids every
    /// cache, this one included.
    static func addNeverCacheHeaders(to headers: inout HTTPFields, now: Int) {
        if headers[.expires] == nil { headers[.expires] = HTTPDate.format(now) }
        var cacheControl = CacheControl(parsing: headers[values: .cacheControl])
        cacheControl.lowerMaxAge(to: 0)
        for directive in ["no-cache", "no-store", "must-revalidate", "private"] where !cacheControl.contains(directive) {
            cacheControl.directives.append((directive, nil))
        }
        headers[.cacheControl] = cacheControl.headerValue
    }
}
