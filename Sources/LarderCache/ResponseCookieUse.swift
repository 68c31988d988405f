/// How the response to the current request depends on cookies, for a page cache that stores
/// it before every middleware has finished with it.
///
/// A `cachePage` route inside a router-level session middleware is stored on the way out
/// *before* the session middleware adds `Vary: Cookie` and `Set-Cookie`. So the session
/// middleware binds one of these for the rest of its chain (``ResponseCookies/use``), and the
/// page cache asks it: a page whose request used the session is stored per cookie, and one that
/// will set a cookie is not stored at all. Django's `cache_page` has no such signal; its
/// documentation asks for `vary_on_cookie` by hand.
///
/// It lives here, below both the session middleware and the page cache, so that neither module
/// depends on the other.
public protocol ResponseCookieUse: Sendable {
    /// Whether the response depends on the request's `Cookie` header (a session was read or
    /// written): a cache must keep it per cookie (`Vary: Cookie`).
    var variesOnCookie: Bool { get }
    /// Whether a cookie will be set or deleted on the way out (a session saved or ended): the
    /// response belongs to one visitor and must not be stored.
    var setsCookie: Bool { get }
}

/// The request's ``ResponseCookieUse``, bound by the middleware that knows it.
///
/// ```swift
/// let response = try await ResponseCookies.$use.withValue(mine) { try await next(request, context) }
/// // ... and, inside, a page cache reads `ResponseCookies.use?.variesOnCookie`.
/// ```
public enum ResponseCookies {
    /// The cookie use of the request being answered; `nil` outside such a middleware.
    @TaskLocal public static var use: (any ResponseCookieUse)?
}
