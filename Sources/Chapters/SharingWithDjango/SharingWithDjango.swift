import Foundation
import Guide
import Hummingbird
import LarderCache
import LarderKeyspace
import LarderRedis
import LarderSessions
import Logging
import NIOCore
import RedisTestSupport
import Synchronization
import WebTestSupport

/// Chapter 07: a Django app and the Swift site on one Redis (chapters/07-sharing-with-django.md).
/// Django runs for real, from the virtualenv `setup.sh` makes under `.build/django`: the app in
/// chapters/django/site_urls.py, driven by chapters/django/django_side.py.
public enum SharingWithDjango {
    /// The database both sides use: Django's default is DB 0; this chapter keeps apart from the
    /// others' keys in DB 2, named in both `LOCATION`s.
    public static let database = 2

    /// The secret both sides sign sessions with: Django's `SECRET_KEY`, from the environment, else
    /// one only a demo may use.
    public static func secret(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["SECRET_KEY"].flatMap { $0.isEmpty ? nil : $0 } ?? "chapter-07-demo-secret: set SECRET_KEY in production"
    }

    /// The keys the chapter's cache steps write (`:1:` in front), and the session's prefix.
    public static let keys = ["article", "visit", "hits"]

    /// What chapter 04's article stores, as Django's app has it.
    // snippet: django-article
    struct Article: Codable, Equatable {
        var name: String
        var site: String
        var visits: Int
    }

    /// A value Swift stores for Django to read: a struct, a date, a list.
    struct Visit: Codable {
        var path: String
        var at: Date
        var items: [String]
    }
    // snippet: end

    /// The chapter's steps.
    public static func chapter(_ settings: GuideSettings = GuideSettings()) -> Chapter {
        let location = "\(settings.url)?db=\(database)"
        let state = SessionCookieBox()
        return Chapter(
            number: 7, name: "sharing-with-django", title: "Sharing Redis with a Django app",
            steps: [
                Step("Django 5.2 runs beside the guide") { log in
                    let versions: String
                    do {
                        versions = try DjangoSide.versions(.djangoRedis)
                    } catch {
                        throw StepFailure(
                            "Django is not installed in .build/django (\(error))",
                            fix: "./setup.sh (it installs python3-venv, then Django and its Redis backends from PyPI into .build/django)")
                    }
                    log.show("\(versions), in .build/django/django-redis")
                    log.record("django", versions)
                },
                Step("Django caches a value; Swift reads it") { log in
                    let django = try djangoSide(location: location)
                    // Django: cache.set("article", {"name": "derington", "site": "craigderington.me", "visits": 26})
                    _ = try django.run("cache-set", ["items": [["key": "article", "sample": "article"]]])
                    try await withDjangoCache(location) { cache in
                        // snippet: read-django-value
                        let article = try await cache.get("article", as: Article.self)
                        // snippet: end
                        log.show("cache.get(\"article\", as: Article.self) → \(article.map { "\($0)" } ?? "nil")")
                        guard article == Article(name: "derington", site: "craigderington.me", visits: 26) else {
                            throw StepFailure("read \(String(describing: article))", fix: "run the chapter again; is another program writing :1:article in DB \(database)?")
                        }
                    }
                    let stored = try await rawValue(":1:article", location: location)
                    log.show("stored: \(stored.count) bytes, \(hexPrefix(stored)) … (pickle protocol \(stored.count > 1 ? Int(stored[1]) : 0))")
                },
                Step("Swift caches a value; Django reads it") { log in
                    let at = Date(timeIntervalSince1970: 1_796_515_200)  // 2026-12-06 00:00 UTC
                    try await withDjangoCache(location) { cache in
                        // snippet: write-for-django
                        try await cache.set("visit", Visit(path: "/cart", at: at, items: ["book", "pen"]))
                        // snippet: end
                    }
                    let reply = try djangoSide(location: location).run("cache-repr", ["keys": ["visit"]])
                    let text = (reply["values"] as? [String: Any])?["visit"] as? String
                    log.show("Django: cache.get(\"visit\") → \(text ?? "None")")
                    guard let text, text.contains("datetime.datetime(2026, 12, 6, 0, 0, tzinfo=datetime.timezone.utc)") else {
                        throw StepFailure("Django read \(text ?? "nothing")", fix: "run the chapter again")
                    }
                },
                Step("One counter, incremented by both") { log in
                    let django = try djangoSide(location: location)
                    let afterSwift = try await withDjangoCache(location) { cache in
                        try await cache.set("hits", 41)
                        return try await cache.get("hits", as: Int.self)
                    }
                    let afterDjango = try django.run("cache-incr", ["key": "hits"])["value"] as? Int
                    let afterBoth = try await withDjangoCache(location) { cache in try await cache.incr("hits") }
                    let stored = String(decoding: try await rawValue(":1:hits", location: location), as: UTF8.self)
                    log.show("Swift set 41 → \(afterSwift.map(String.init) ?? "nil"); Django incr → \(afterDjango.map(String.init) ?? "nil"); Swift incr → \(afterBoth); Redis holds \"\(stored)\"")
                    guard afterDjango == 42, afterBoth == 43, stored == "43" else {
                        throw StepFailure("the counter went \(String(describing: afterSwift)), \(String(describing: afterDjango)), \(afterBoth)", fix: "run the chapter again")
                    }
                },
                Step("A user logs in on Django; a Swift route knows them, and Django sees what it changed") { log in
                    let django = try djangoSide(location: location)
                    let login = try django.run("request", ["path": "/login"])
                    guard let cookie = login["cookie"] as? String else {
                        throw StepFailure("Django's /login set no sessionid cookie: \(login)", fix: "run the chapter again")
                    }
                    log.show("Django GET /login → \((login["body"] as? String)?.trimmingCharacters(in: .newlines) ?? "")   Set-Cookie: sessionid=\(cookie)")
                    try await withDjangoCache(location) { cache in
                        let site = try await RunningSite.start(try router(cache: cache), port: 0, logger: .chapterQuiet("sharing-with-django"))
                        do {
                            let client = LoopbackHTTPClient(port: site.port)
                            let whoami = try await client.get("/whoami", headers: [("Cookie", "sessionid=\(cookie)")])
                            let added = try await client.get("/cart/add?item=pen", headers: [("Cookie", "sessionid=\(cookie)")])
                            await site.stop()
                            log.show("Swift GET /whoami → \(String(decoding: whoami.body, as: UTF8.self).trimmingCharacters(in: .newlines))")
                            log.show("Swift GET /cart/add?item=pen → \(String(decoding: added.body, as: UTF8.self).trimmingCharacters(in: .newlines))")
                        } catch {
                            await site.stop()
                            throw error
                        }
                    }
                    let cart = try django.run("request", ["path": "/cart", "cookie": cookie])
                    let body = (cart["body"] as? String) ?? ""
                    log.show("Django GET /cart → \(body)")
                    state.cookie = cookie
                    guard body.contains(#""cart": ["book", "pen"]"#), body.contains(#""user": "42""#) else {
                        throw StepFailure("Django's session reads \(body)", fix: "run the chapter again")
                    }
                },
                Step("What both wrote, as the keyspace inspector shows it") { log in
                    let inspector = KeyspaceInspector(configuration: try RedisConfiguration(url: location))
                    var names = keys.map { RedisKey(":1:" + $0) }
                    if let cookie = state.cookie { names.append(RedisKey(":1:" + CacheSessionStore.cacheKey(cookie))) }
                    for description in try await inspector.describe(names, database: database) {
                        log.show("\(description.name())  \(description.value.summary(limit: 160))")
                    }
                },
                Step("Remove the session the chapter logged in") { log in
                    // The cache values expire in 300 s; the session would stay 14 days, one more per run.
                    guard let cookie = state.cookie else {
                        log.show("no session was logged in: nothing to remove")
                        return
                    }
                    let key = RedisKey(":1:" + CacheSessionStore.cacheKey(cookie))
                    let deleted = try await RedisConnection.withConnection(configuration: try RedisConfiguration(url: location)) { connection in
                        try await connection.send(DEL([key]))
                    }
                    log.show("DEL \(key) → \(deleted)   (the chapter removes the session it created; its cache values expire in 300 s)")
                },
            ])
    }

    /// The Swift site: Django's session middleware on the cache engine, over the same cache.
    static func router(cache: RedisCache) throws -> Router<BasicDjangoSessionRequestContext> {
        // snippet: shared-session-site
        let store = try CacheSessionStore(cache: cache)  // SESSION_ENGINE = "django.contrib.sessions.backends.cache"
        let router = Router(context: BasicDjangoSessionRequestContext.self)
        router.add(middleware: DjangoSessionMiddleware(store: store))
        router.get("/whoami") { _, context -> String in
            let user = try await context.session.get("_auth_user_id", as: String.self)
            let name = try await context.session.get("name", as: String.self)
            return user.map { "you are \(name ?? "?") (user \($0)), from the session Django wrote\n" } ?? "nobody is logged in\n"
        }
        router.get("/cart/add") { request, context -> String in
            var cart = try await context.session.get("cart", as: [String].self) ?? []
            cart.append(request.uri.queryParameters["item"].map(String.init) ?? "?")
            try await context.session.set("cart", cart)
            return "cart \(cart)\n"
        }
        // snippet: end
        return router
    }

    /// Runs `body` with the cache Django's `RedisCache` would be, on `location`, and closes it.
    static func withDjangoCache<Result>(_ location: String, _ body: (RedisCache) async throws -> Result) async throws -> Result {
        // snippet: django-preset
        var configuration = try CacheConfiguration.django(location: location)  // unix:///var/run/redis/redis.sock?db=2
        configuration.logger = .chapterQuiet("sharing-with-django")
        return try await RedisCache.withCache(configuration: configuration) { cache in
            try await body(cache)
        }
        // snippet: end
    }

    /// Django's side, configured as the chapter's Django app: the same LOCATION and SECRET_KEY.
    static func djangoSide(location: String) throws -> DjangoSide {
        try DjangoSide(environment: .djangoRedis, arguments: ["--location", location, "--secret", secret()])
    }

    /// A key's stored bytes, as `redis-cli --raw get` would show them.
    static func rawValue(_ key: String, location: String) async throws -> [UInt8] {
        try await RedisConnection.withConnection(configuration: try RedisConfiguration(url: location)) { connection in
            try await connection.send(GET(RedisKey(key))).map { Array($0.readableBytesView) } ?? []
        }
    }

    static func hexPrefix(_ bytes: [UInt8]) -> String {
        bytes.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
    }

    /// The session cookie one step hands to the next.
    final class SessionCookieBox: Sendable {
        private let value = Mutex<String?>(nil)
        var cookie: String? {
            get { value.withLock { $0 } }
            set { value.withLock { $0 = newValue } }
        }
    }
}
