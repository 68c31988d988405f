import NIOCore
import LarderRedis
/// Keys grouped by what wrote them: the page cache (each URL's header list with its pages),
/// the low-level cache API by version, sessions by engine, and everything else.
public struct KeyGroups: Hashable, Sendable {
    /// The page cache, one group per URL, by URL hash.
    public var pages: [PageCacheGroup] = []
    /// The cache API's keys, one group per (prefix, version), by version.
    public var cacheVersions: [CacheVersionGroup] = []
    /// Sessions, one group per engine.
    public var sessions: [SessionGroup] = []
    /// Keys no chapter wrote, by name.
    public var other: [KeyDescription] = []

    /// Groups `descriptions`; within a group, keys are sorted by name.
    public init(_ descriptions: [KeyDescription]) {
        var pageGroups: [PageCachePairing: PageCacheGroup] = [:]
        var versions: [CacheVersionGroup.ID: [KeyDescription]] = [:]
        var engines: [SessionEngine: [KeyDescription]] = [:]
        for description in descriptions.sorted(by: { $0.key.bytes.readableBytesView.lexicographicallyPrecedes($1.key.bytes.readableBytesView) }) {
            switch description.kind {
            case .pageHeader(let page):
                pageGroups[page.pairing, default: PageCacheGroup(pairing: page.pairing)].headers.append(description)
            case .page(let page):
                pageGroups[page.pairing, default: PageCacheGroup(pairing: page.pairing)].pages.append(description)
            case .cacheEntry(let key):
                versions[CacheVersionGroup.ID(prefix: key.prefix, version: key.version), default: []].append(description)
            case .session(let engine, _):
                engines[engine, default: []].append(description)
            case .other:
                other.append(description)
            }
        }
        pages = pageGroups.values.sorted { ($0.pairing.urlHash, $0.pairing.suffix) < ($1.pairing.urlHash, $1.pairing.suffix) }
        cacheVersions = versions.map { CacheVersionGroup(id: $0.key, keys: $0.value) }
            .sorted { ($0.id.version, $0.id.prefix) < ($1.id.version, $1.id.prefix) }
        sessions = engines.map { SessionGroup(engine: $0.key, keys: $0.value) }.sorted { $0.engine < $1.engine }
    }

    /// Whether no key was grouped.
    public var isEmpty: Bool { pages.isEmpty && cacheVersions.isEmpty && sessions.isEmpty && other.isEmpty }

    /// How many keys the groups hold together.
    public var keyCount: Int {
        pages.reduce(0) { $0 + $1.headers.count + $1.pages.count } + cacheVersions.reduce(0) { $0 + $1.keys.count }
            + sessions.reduce(0) { $0 + $1.keys.count } + other.count
    }
}

/// One URL of the page cache: its header list and its cached pages (one per method and set of
/// `Vary` values). A page without a header list is never served (a lookup reads the header
/// list first); a header list without pages is what a page that may not be cached leaves.
public struct PageCacheGroup: Hashable, Sendable {
    /// What the entries share.
    public var pairing: PageCachePairing
    /// The header list key (normally exactly one).
    public var headers: [KeyDescription] = []
    /// The cached pages.
    public var pages: [KeyDescription] = []
}

/// The cache API's keys of one key prefix and version.
public struct CacheVersionGroup: Hashable, Sendable {
    /// A key prefix and version.
    public struct ID: Hashable, Sendable {
        /// `KEY_PREFIX`, usually empty.
        public var prefix: String
        /// The version (`VERSION`, 1 by default; `incrVersion` moves a key to the next).
        public var version: Int
    }
    /// The prefix and version.
    public var id: ID
    /// The keys.
    public var keys: [KeyDescription]
}

/// The sessions of one engine.
public struct SessionGroup: Hashable, Sendable {
    /// The engine that wrote them.
    public var engine: SessionEngine
    /// The session keys.
    public var keys: [KeyDescription]
}
