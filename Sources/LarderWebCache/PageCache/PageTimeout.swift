/// How long a page is kept, and whether the response's own `Cache-Control: max-age` may change
/// that (Django's `UpdateCacheMiddleware.process_response`, Django ≥ 3.1):
///
/// | | the response has `max-age=N` | `max-age=0` | no `max-age` |
/// |---|---|---|---|
/// | ``siteWide(_:)`` (`CACHE_MIDDLEWARE_SECONDS`) | kept N s | not kept | kept the given seconds |
/// | ``page(_:)`` (`@cache_page(seconds)`) | kept the given seconds | kept the given seconds | kept the given seconds |
///
/// Either way the response sent gains `Expires` and a `max-age` no longer than the time kept.
public struct PageTimeout: Sendable, Hashable {
    /// The seconds given.
    public let seconds: Int
    /// Whether a response's own `max-age` replaces ``seconds``.
    public let yieldsToMaxAge: Bool

    /// The site-wide cache's rule: a response's own `max-age` wins (`max-age=0` is not
    /// stored); `seconds` for a response without one.
    public static func siteWide(_ seconds: Int) -> PageTimeout {
        PageTimeout(seconds: seconds, yieldsToMaxAge: true)
    }

    /// `cache_page(seconds)`'s rule: the page is kept `seconds`, whatever `max-age` the
    /// response sets (Django ≥ 3.1; before that, `max-age` won here too).
    public static func page(_ seconds: Int) -> PageTimeout {
        PageTimeout(seconds: seconds, yieldsToMaxAge: false)
    }
}
