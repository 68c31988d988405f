import LarderCache
import Foundation
import Hummingbird
import Logging
import LarderRedis
import RedisTestSupport
import LarderSessions
import WebTestSupport

/// The three engines, as the tests start them.
enum Engine: String, CaseIterable, Sendable {
    case cache, cachedDB, redis
}

/// A one-shot signal a route waits on, opened by the test: ordering without sleeps.
final class Gate: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self)
    }

    func open() { continuation.yield(); continuation.finish() }

    func wait() async {
        for await _ in stream { return }
    }
}

/// A site on a free loopback port with the session middleware on one engine, backed by a
/// private Redis (and, for cached DB, a SQLite file in a temporary folder).
final class SessionFixture: Sendable {
    static let secret = "chapter-05-test-secret"

    let engine: Engine
    let server: PrivateRedisServer
    let store: any SessionStore
    let cache: RedisCache
    let database: DatabaseSessionStore?
    let site: RunningSite
    let client: LoopbackHTTPClient
    let folder: URL
    /// Opened by the test to let `/wait-then-write` go on.
    let proceed: Gate
    /// Opened by `/wait-then-write` once it has loaded the session.
    let arrived: Gate

    private init(
        engine: Engine, server: PrivateRedisServer, store: any SessionStore, cache: RedisCache,
        database: DatabaseSessionStore?, site: RunningSite, folder: URL, proceed: Gate, arrived: Gate
    ) {
        self.proceed = proceed
        self.arrived = arrived
        self.engine = engine
        self.server = server
        self.store = store
        self.cache = cache
        self.database = database
        self.site = site
        self.client = LoopbackHTTPClient(port: site.port)
        self.folder = folder
    }

    static var quiet: Logger {
        var logger = Logger(label: "sessions-test")
        logger.logLevel = .critical
        return logger
    }

    /// Starts a site on `engine`; `logger` is the store's and the cache's (quiet by default).
    /// With `user`, Redis is used as that ACL user (the standalone store with prefix `session:`,
    /// the key pattern chapters/acl/guide-app.acl grants it).
    static func start(
        _ engine: Engine, server: PrivateRedisServer, configuration: SessionConfiguration = SessionConfiguration(),
        logger: Logger = quiet, user: (name: String, password: String)? = nil
    ) async throws -> SessionFixture {
        var redis = server.configuration(database: 1)
        if let user {
            redis.username = user.name
            redis.password = user.password
        }
        var cacheConfiguration = CacheConfiguration(redis: redis)
        cacheConfiguration.logger = logger
        let cache = RedisCache(configuration: cacheConfiguration)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sessions-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let signer = try SessionSigner(secret: secret)
        let store: any SessionStore
        var database: DatabaseSessionStore?
        switch engine {
        case .cache:
            store = try CacheSessionStore(cache: cache)
        case .cachedDB:
            let sql = try DatabaseSessionStore(path: folder.appendingPathComponent("db.sqlite3").path, signer: signer)
            database = sql
            store = CachedDatabaseSessionStore(database: sql, cache: cache, logger: logger)
        case .redis:
            let redisSessions =
                if let user {
                    try RedisSessionConfiguration(socketPath: server.socketPath, prefix: "session:", username: user.name, password: user.password)
                } else {
                    try RedisSessionConfiguration(socketPath: server.socketPath)
                }
            store = try await RedisSessionStore.connect(configuration: redisSessions, signer: signer, logger: logger)
        }
        let proceed = Gate()
        let arrived = Gate()
        let router = Router(context: BasicDjangoSessionRequestContext.self)
        router.add(middleware: DjangoSessionMiddleware(store: store, configuration: configuration))
        addRoutes(to: router, proceed: proceed, arrived: arrived)
        let site = try await RunningSite.start(router, port: 0, logger: quiet)
        return SessionFixture(
            engine: engine, server: server, store: store, cache: cache, database: database, site: site, folder: folder,
            proceed: proceed, arrived: arrived)
    }

    /// Runs `body` with a site on `engine`, stopping it however `body` ends.
    static func with(
        _ engine: Engine, server: PrivateRedisServer, configuration: SessionConfiguration = SessionConfiguration(),
        logger: Logger = quiet, user: (name: String, password: String)? = nil, _ body: (SessionFixture) async throws -> Void
    ) async throws {
        let fixture = try await start(engine, server: server, configuration: configuration, logger: logger, user: user)
        do {
            try await body(fixture)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    /// The test site's routes.
    static func addRoutes(to router: Router<BasicDjangoSessionRequestContext>, proceed: Gate, arrived: Gate) {
        // The chapter's counter: load, add one, save.
        router.get("session") { _, context -> String in
            let count = (try await context.session.get("count", as: Int.self) ?? 0) + 1
            try await context.session.set("count", count)
            return "count \(count)"
        }
        // Reads only.
        router.get("read") { _, context -> String in
            "count \(try await context.session.get("count", as: Int.self) ?? 0)"
        }
        // Never touches the session.
        router.get("plain") { _, _ in "plain" }
        // Stores a typed value.
        router.post("cart") { _, context -> String in
            try await context.session.set("cart", Cart(items: ["book", "pen"], total: 12.5))
            return "ok"
        }
        router.get("cart") { _, context -> String in
            let cart = try await context.session.get("cart", as: Cart.self)
            return cart.map { "\($0.items.joined(separator: ",")) \($0.total)" } ?? "empty"
        }
        // Django's login: a new key for the same data, then the user.
        router.post("login") { _, context -> String in
            try await context.session.cycleKey()
            try await context.session.set("user", "craig")
            return "logged in"
        }
        // Django's logout.
        router.post("logout") { _, context -> String in
            try await context.session.flush()
            return "logged out"
        }
        // Removes the counter (the session may become empty).
        router.post("forget") { _, context -> String in
            try await context.session.remove("count")
            return "forgotten"
        }
        // Modifies, then fails: never saved.
        router.get("fail") { _, context -> Response in
            try await context.session.set("count", 1000)
            return Response(status: .internalServerError)
        }
        // Django's set_expiry, then a write: `/expiry/300` (seconds), `/expiry/0` (browser
        // close), `/expiry/at-1796000000.25` (a date, seconds since 1970), `/expiry/none` (reset).
        router.post("expiry/:value") { _, context -> String in
            let value = context.parameters.get("value") ?? ""
            if value == "none" {
                try await context.session.setExpiry(nil)
            } else if value.hasPrefix("at-"), let seconds = Double(value.dropFirst(3)) {
                try await context.session.setExpiry(.date(Date(timeIntervalSince1970: seconds)))
            } else if let seconds = Int(value) {
                try await context.session.setExpiry(.seconds(seconds))
            } else {
                return "bad expiry \(value)"
            }
            try await context.session.set("count", 1)
            return "ok"
        }
        // Loads, waits for the test, then modifies.
        router.get("wait-then-write") { _, context -> String in
            let count = try await context.session.get("count", as: Int.self) ?? 0
            arrived.open()
            await proceed.wait()
            try await context.session.set("count", count + 1)
            return "count \(count + 1)"
        }
    }

    func stop() async {
        await site.stop()
        await cache.close()
        if let redis = store as? RedisSessionStore { await redis.close() }
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: Requests

    /// `GET path`, with the session cookie `key` if given.
    func get(_ path: String, cookie key: String? = nil) async throws -> LoopbackHTTPClient.Response {
        try await client.get(path, headers: key.map { [("Cookie", "sessionid=\($0)")] } ?? [])
    }

    /// `POST path`, with the session cookie.
    func post(_ path: String, cookie key: String? = nil) async throws -> LoopbackHTTPClient.Response {
        try await client.send("POST", path, headers: key.map { [("Cookie", "sessionid=\($0)")] } ?? [])
    }

    // MARK: Redis, directly

    /// A key a cookie may name that no session holds: on the standalone store (prefix `""`,
    /// DB 0) an application's own short key, elsewhere a session-shaped one (under the
    /// engine's prefix, see ``redisLocation(of:)``).
    static func foreignKey(_ engine: Engine) -> String {
        engine == .redis ? "pageviews" : SessionKey.generate()
    }

    /// The Redis key and database where the engine keeps session `key`.
    func redisLocation(of key: String) -> (key: String, database: Int) {
        switch engine {
        case .cache: return (":1:django.contrib.sessions.cache" + key, 1)
        case .cachedDB: return (":1:django.contrib.sessions.cached_db" + key, 1)
        case .redis: return (key, 0)
        }
    }

    /// Every key of `database` on the private server.
    func keys(database: Int) async throws -> [String] {
        try await RedisConnection.withConnection(configuration: server.configuration(database: database)) { connection in
            try await connection.send(KEYS("*")).map { String(buffer: $0) }
        }
    }

    /// The value and TTL (seconds) of `key` in `database`, or `nil`.
    func value(_ key: String, database: Int) async throws -> (value: String, ttl: Int)? {
        try await RedisConnection.withConnection(configuration: server.configuration(database: database)) { connection in
            guard let bytes = try await connection.send(GET(RedisKey(key))) else { return nil }
            let ttl = try await connection.send(PTTL(RedisKey(key)))
            guard case .expires(let remaining) = ttl else { return (String(buffer: bytes), -1) }
            return (String(buffer: bytes), Int(remaining.components.seconds))
        }
    }

    /// The type of `key` in `database` (`string`, `list`... or `none`).
    func type(of key: String, database: Int) async throws -> String {
        try await RedisConnection.withConnection(configuration: server.configuration(database: database)) { connection in
            try await connection.send(TYPE(RedisKey(key)))
        }
    }

    /// Runs any command on the private server (`FLUSHALL`, `SET` of a tampered value).
    func redis(_ arguments: String..., database: Int = 0) async throws {
        try await RedisConnection.withConnection(configuration: server.configuration(database: database)) { connection in
            _ = try await connection.send(arguments)
        }
    }
}

/// A typed session value.
struct Cart: Codable, Sendable, Equatable {
    var items: [String]
    var total: Double
}
