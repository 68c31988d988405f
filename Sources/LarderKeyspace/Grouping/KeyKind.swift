/// What wrote a key, told from its name (and, for the standalone session store's bare keys,
/// from its database): the key formats Django's page cache, low-level cache and session
/// stores write, as the `WebCache`, `Cache` and `Sessions` modules write them too.
public enum KeyKind: Hashable, Sendable {
    /// The page cache's list of `Vary` headers for a URL:
    /// `:1:views.decorators.cache.cache_header.<prefix>.<md5(url)>.<tz>`.
    case pageHeader(PageCacheKey)
    /// A cached page: `:1:views.decorators.cache.cache_page.<prefix>.<METHOD>.<md5(url)>.<md5(vary)>.<lang>.<tz>` (`.en-us.UTC` by Django's defaults).
    case page(PageCacheKey)
    /// A session, by engine: `:1:django.contrib.sessions.cache<key>`,
    /// `:1:django.contrib.sessions.cached_db<key>`, or a bare `<key>` in DB 0.
    case session(SessionEngine, sessionKey: String)
    /// A key of the low-level cache API: `<prefix>:<version>:<key>`.
    case cacheEntry(CacheKey)
    /// Anything else: written by another program, or by hand.
    case other

    /// Tells the kind of `key` in `database`. A bare 32-character key in DB 0 is only a
    /// *candidate* standalone session (``SessionEngine/redisStore``): its value decides (see
    /// ``KeyDescription``), since any program may write such a key.
    public init(key: String, database: Int) {
        if let cacheKey = CacheKey(key) {
            self = Self.kind(of: cacheKey)
        } else if database == 0, SessionEngine.isSessionKey(Substring(key)) {
            self = .session(.redisStore, sessionKey: key)
        } else {
            self = .other
        }
    }

    static let headerPrefix = "views.decorators.cache.cache_header."
    static let pagePrefix = "views.decorators.cache.cache_page."
    static let cachedDBPrefix = "django.contrib.sessions.cached_db"
    static let cacheSessionPrefix = "django.contrib.sessions.cache"

    static func kind(of cacheKey: CacheKey) -> KeyKind {
        let name = Substring(cacheKey.key)
        if name.hasPrefix(headerPrefix), let page = PageCacheKey(header: name.dropFirst(headerPrefix.count), cacheKey: cacheKey) {
            return .pageHeader(page)
        }
        if name.hasPrefix(pagePrefix), let page = PageCacheKey(page: name.dropFirst(pagePrefix.count), cacheKey: cacheKey) {
            return .page(page)
        }
        // cached_db first: "cache" is a prefix of "cached_db".
        if name.hasPrefix(cachedDBPrefix), SessionEngine.isSessionKey(name.dropFirst(cachedDBPrefix.count)) {
            return .session(.cachedDB, sessionKey: String(name.dropFirst(cachedDBPrefix.count)))
        }
        if name.hasPrefix(cacheSessionPrefix), SessionEngine.isSessionKey(name.dropFirst(cacheSessionPrefix.count)) {
            return .session(.cache, sessionKey: String(name.dropFirst(cacheSessionPrefix.count)))
        }
        return .cacheEntry(cacheKey)
    }
}

/// The three session engines of chapter 05.
public enum SessionEngine: String, Hashable, Sendable, CaseIterable, Comparable {
    /// Sessions in the cache only (`SESSION_ENGINE = "...sessions.backends.cache"`).
    case cache
    /// Sessions in SQL, read through the cache (`...sessions.backends.cached_db`).
    case cachedDB = "cached_db"
    /// The standalone Redis store (django-redis-sessions): bare keys in DB 0, signed values.
    case redisStore = "redis"

    /// How the chapter names the engine.
    public var title: String {
        switch self {
        case .cache: "cache engine"
        case .cachedDB: "cached DB engine"
        case .redisStore: "standalone Redis store"
        }
    }

    /// Whether `text` is a session key: 32 characters from `[a-z0-9]`.
    static func isSessionKey(_ text: Substring) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }

    public static func < (lhs: SessionEngine, rhs: SessionEngine) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A key as Django's default key function makes it: `<prefix>:<version>:<key>`.
public struct CacheKey: Hashable, Sendable {
    /// `KEY_PREFIX`, empty by default.
    public var prefix: String
    /// The cache version, 1 by default.
    public var version: Int
    /// The key the application asked for.
    public var key: String

    /// Splits `text` at its first two colons, or returns `nil` when the part between them is
    /// not a version number.
    public init?(_ text: String) {
        guard let first = text.firstIndex(of: ":") else { return nil }
        let rest = text[text.index(after: first)...]
        guard let second = rest.firstIndex(of: ":") else { return nil }
        let digits = rest[..<second]
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let version = Int(digits) else { return nil }
        prefix = String(text[..<first])
        self.version = version
        key = String(rest[rest.index(after: second)...])
    }
}

/// The parts of a page cache key, by which a page is paired with its header list.
public struct PageCacheKey: Hashable, Sendable {
    /// The cache key around it (prefix and version).
    public var cacheKey: CacheKey
    /// `CACHE_MIDDLEWARE_KEY_PREFIX`, often empty (the key then has `..`).
    public var middlewarePrefix: String
    /// The request method of a cached page (`GET`, `HEAD`); `nil` for a header key.
    public var method: String?
    /// md5 of the absolute URL, 32 hex digits: what pairs a page with its header list.
    public var urlHash: String
    /// md5 of the values of the headers named by `Vary`; `nil` for a header key.
    public var varyHash: String?
    /// What follows: the time zone (`UTC`), a language when i18n is on; may be empty.
    public var suffix: String

    /// What pairs the entries of one URL: same cache prefix and version, middleware prefix,
    /// URL and suffix.
    public var pairing: PageCachePairing {
        PageCachePairing(prefix: cacheKey.prefix, version: cacheKey.version, middlewarePrefix: middlewarePrefix, urlHash: urlHash, suffix: suffix)
    }

    /// `<prefix>.<md5url>[.<suffix>...]`: the URL hash is the last 32-hex part (the prefix
    /// may hold dots; the suffix is never 32 hex digits).
    init?(header text: Substring, cacheKey: CacheKey) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        // The prefix ends with its separator dot, so the hash is never the first part.
        guard let hashIndex = parts.lastIndex(where: Self.isMD5), hashIndex >= 1 else { return nil }
        self.cacheKey = cacheKey
        middlewarePrefix = parts[..<hashIndex].joined(separator: ".")
        method = nil
        urlHash = String(parts[hashIndex])
        varyHash = nil
        suffix = parts[(hashIndex + 1)...].joined(separator: ".")
    }

    /// `<prefix>.<METHOD>.<md5url>.<md5vary>[.<suffix>...]`.
    init?(page text: Substring, cacheKey: CacheKey) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard let varyIndex = parts.indices.last(where: { $0 >= 2 && Self.isMD5(parts[$0]) && Self.isMD5(parts[$0 - 1]) }),
            !parts[varyIndex - 2].isEmpty, parts[varyIndex - 2].allSatisfy({ $0.isASCII && $0.isUppercase })
        else { return nil }
        self.cacheKey = cacheKey
        middlewarePrefix = parts[..<(varyIndex - 2)].joined(separator: ".")
        method = String(parts[varyIndex - 2])
        urlHash = String(parts[varyIndex - 1])
        varyHash = String(parts[varyIndex])
        suffix = parts[(varyIndex + 1)...].joined(separator: ".")
    }

    static func isMD5(_ part: Substring) -> Bool {
        part.utf8.count == 32 && part.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// The identity shared by a URL's header list and its cached pages.
public struct PageCachePairing: Hashable, Sendable {
    /// The cache's key prefix.
    public var prefix: String
    /// The cache version.
    public var version: Int
    /// The middleware's key prefix.
    public var middlewarePrefix: String
    /// md5 of the absolute URL.
    public var urlHash: String
    /// The time zone and language suffix.
    public var suffix: String
}

extension KeyKind {
    /// What wrote the key, in a few words: `page cache: header list`, `cache API, version 1`,
    /// `session, cache engine`, `other`.
    public var title: String {
        switch self {
        case .pageHeader: "page cache: header list"
        case .page(let key): "page cache: \(key.method ?? "GET") page"
        case .cacheEntry(let key): "cache API, version \(key.version)" + (key.prefix.isEmpty ? "" : ", key prefix \(key.prefix)")
        case .session(let engine, _): "session, \(engine.title)"
        case .other: "other"
        }
    }
}
