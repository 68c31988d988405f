/// Django's session settings as one value, with Django's defaults
/// (<https://docs.djangoproject.com/en/stable/ref/settings/#sessions>).
public struct SessionConfiguration: Sendable, Hashable {
    /// The cookie's name (`SESSION_COOKIE_NAME`). Default `sessionid`.
    public var cookieName: String
    /// How long a session lives, in seconds: the cookie's `Max-Age` and the store's TTL
    /// (`SESSION_COOKIE_AGE`), unless the session sets its own (``Session/setExpiry(_:)``,
    /// Django's `set_expiry`). Default 1,209,600 (14 days).
    public var cookieAge: Int
    /// The cookie's `Domain`, or `nil` for none (`SESSION_COOKIE_DOMAIN`).
    public var cookieDomain: String?
    /// The cookie's `Path` (`SESSION_COOKIE_PATH`). Default `/`.
    public var cookiePath: String
    /// Whether the cookie is `Secure` (HTTPS only) (`SESSION_COOKIE_SECURE`). Default `false`.
    public var cookieSecure: Bool
    /// Whether the cookie is `HttpOnly` (hidden from scripts) (`SESSION_COOKIE_HTTPONLY`). Default `true`.
    public var cookieHTTPOnly: Bool
    /// The cookie's `SameSite`, or `nil` for none (`SESSION_COOKIE_SAMESITE`). Default `Lax`.
    public var cookieSameSite: String?
    /// A cookie without `Max-Age`/`expires`, dropped when the browser closes
    /// (`SESSION_EXPIRE_AT_BROWSER_CLOSE`); the store still keeps it ``cookieAge`` seconds.
    /// A session that sets its own expiry follows that instead (Django's
    /// `get_expire_at_browser_close`). Default `false`.
    public var expireAtBrowserClose: Bool
    /// Save the session on every request, not only when it changed (`SESSION_SAVE_EVERY_REQUEST`),
    /// which renews its expiry each time. Default `false`.
    public var saveEveryRequest: Bool

    /// Django's defaults.
    public init(
        cookieName: String = "sessionid",
        cookieAge: Int = 1_209_600,
        cookieDomain: String? = nil,
        cookiePath: String = "/",
        cookieSecure: Bool = false,
        cookieHTTPOnly: Bool = true,
        cookieSameSite: String? = "Lax",
        expireAtBrowserClose: Bool = false,
        saveEveryRequest: Bool = false
    ) {
        self.cookieName = cookieName
        self.cookieAge = cookieAge
        self.cookieDomain = cookieDomain
        self.cookiePath = cookiePath
        self.cookieSecure = cookieSecure
        self.cookieHTTPOnly = cookieHTTPOnly
        self.cookieSameSite = cookieSameSite
        self.expireAtBrowserClose = expireAtBrowserClose
        self.saveEveryRequest = saveEveryRequest
    }
}
