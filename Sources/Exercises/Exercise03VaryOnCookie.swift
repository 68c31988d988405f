import Hummingbird

/// Exercise 03 (chapter 03): one cached copy of a page per visitor.
///
/// The site-wide cache keeps **one** copy of `/plain` for everyone. Make it keep one per
/// visitor's cookie, as Django does for a page whose response says it varies on the cookie:
/// change the headers below, then run `swift run guide exercises 3`. The check requests the page
/// with two different cookies and counts the page keys in Redis: it wants two.
public enum VaryOnCookieExercise {
    /// The headers of the page the check serves through the site-wide cache.
    public static func headers() -> HTTPFields {
        [.contentType: "text/html; charset=utf-8"]
    }
}
