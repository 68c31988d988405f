/// How long a cache entry lives, with Django's meanings.
public enum CacheTimeout: Sendable, Hashable {
    /// The cache's default (``CacheConfiguration/defaultTimeout``, 300 seconds unless set).
    case `default`
    /// Never expires (Django's `timeout=None`).
    case never
    /// Expires after this many seconds. Zero or less expires at once: the entry is deleted,
    /// not stored (Django's `timeout=0`).
    case seconds(Int)

    /// The timeout in seconds once the default is applied: `nil` for never, `0` for "expire
    /// now" (Django's RedisCache: `None if timeout is None else max(0, int(timeout))`).
    func seconds(default defaultSeconds: Int?) -> Int? {
        switch self {
        case .default: return defaultSeconds.map { max(0, $0) }
        case .never: return nil
        case .seconds(let seconds): return max(0, seconds)
        }
    }
}

extension CacheTimeout: ExpressibleByIntegerLiteral {
    /// `timeout: 30` reads as `.seconds(30)`, as in Django.
    public init(integerLiteral seconds: Int) { self = .seconds(seconds) }
}
