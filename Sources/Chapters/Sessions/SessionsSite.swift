import LarderCache
import Foundation
import Hummingbird
import Logging
import LarderRedis
import LarderSessions
/// Chapter 05's site: one `/session` counter page on a session engine, as the reference's
/// Django view (`request.session["count"] = request.session.get("count", 0) + 1`).
public enum SessionsSite {
    /// The article's three ways to keep sessions in Redis.
    public enum Engine: String, CaseIterable, Sendable {
        /// Sessions in the cache only.
        case cache
        /// Sessions in SQLite, read through the cache.
        case cachedDB = "cached_db"
        /// The standalone Redis store, signed values in DB 0.
        case redis

        /// How the chapter names it.
        public var title: String {
            switch self {
            case .cache: "cache engine"
            case .cachedDB: "cached DB engine"
            case .redis: "standalone Redis store"
            }
        }
    }

    /// An engine's store, with what it opened.
    public struct Backend: Sendable {
        /// The session store.
        public let store: any SessionStore
        /// The cache it uses (none for the standalone store).
        public let cache: RedisCache?
        /// The cache's connections.
        let client: EventLoopRedisClient?
        /// The SQL table (cached DB only).
        public let database: DatabaseSessionStore?

        /// Closes the connections the backend opened.
        public func close() async {
            await cache?.close()
            await client?.close()
            if let redis = store as? RedisSessionStore { await redis.close() }
        }
    }

    /// The demo's signing secret: `SECRET_KEY` from the environment, else a fixed one
    /// that only a demo may use (sessions signed with it can be forged by anyone who reads this).
    public static func secret(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["SECRET_KEY"].flatMap { $0.isEmpty ? nil : $0 } ?? "chapter-05-demo-secret: set SECRET_KEY in production"
    }

    // snippet: session-engines
    /// The store of `engine` on the Redis socket at `socketPath`; the cached DB engine keeps
    /// its table in the SQLite file at `databasePath`. Values signed with `secret` or one of
    /// `fallbackSecrets` (Django's `SECRET_KEY_FALLBACKS`) read; new ones are signed with `secret`.
    public static func backend(
        _ engine: Engine, socketPath: String, databasePath: String, secret: String, fallbackSecrets: [String] = [],
        logger: Logger
    ) async throws -> Backend {
        let signer = try SessionSigner(secret: secret, fallbackSecrets: fallbackSecrets)
        switch engine {
        case .cache:
            // SESSION_ENGINE = "django.contrib.sessions.backends.cache"
            let (cache, client) = makeCache(socketPath: socketPath, logger: logger)
            return Backend(store: try CacheSessionStore(cache: cache), cache: cache, client: client, database: nil)
        case .cachedDB:
            // SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
            let (cache, client) = makeCache(socketPath: socketPath, logger: logger)
            let table = try DatabaseSessionStore(path: databasePath, signer: signer)
            let store = CachedDatabaseSessionStore(database: table, cache: cache, logger: logger)
            return Backend(store: store, cache: cache, client: client, database: table)
        case .redis:
            // SESSION_ENGINE = "redis_sessions.session", its settings in one value.
            let configuration = try RedisSessionConfiguration(socketPath: socketPath, database: 0, prefix: "")
            let store = try await RedisSessionStore.connect(configuration: configuration, signer: signer, logger: logger)
            return Backend(store: store, cache: nil, client: nil, database: nil)
        }
    }

    /// The cache of chapter 04 (DB 1, keys `:1:...`, JSON, fail-closed), its commands sent on
    /// the connection of the event loop that handles the request.
    static func makeCache(socketPath: String, logger: Logger) -> (RedisCache, EventLoopRedisClient) {
        var configuration = CacheConfiguration(redis: RedisConfiguration(endpoint: .unixSocket(path: socketPath), database: 1))
        configuration.logger = logger
        let client = EventLoopRedisClient(configuration: configuration.redis, logger: logger)
        return (RedisCache(client: client, configuration: configuration), client)
    }
    // snippet: end

    /// The site: Django's `DjangoSessionMiddleware` on `store`, then the counter page.
    public static func router(store: any SessionStore) -> Router<BasicDjangoSessionRequestContext> {
        // snippet: session-router
        let router = Router(context: BasicDjangoSessionRequestContext.self)
        router.add(middleware: DjangoSessionMiddleware(store: store))  // before the routes it serves
        router.get("/session") { _, context -> String in
            let count = (try await context.session.get("count", as: Int.self) ?? 0) + 1
            try await context.session.set("count", count)
            return "count \(count)\n"
        }
        // snippet: end
        router.get("/") { _, _ in "GET /session counts your visits in a session.\n" }
        return router
    }
}
