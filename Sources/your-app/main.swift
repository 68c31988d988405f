// Your own app on this library: the smallest Hummingbird 2 site with the page cache and Django's
// sessions on Redis, as chapters/your-own-app.md shows it. `swift run your-app` serves it on
// 127.0.0.1:8080 until Ctrl-C; `swift test` compiles it, so the page cannot drift from the code.
import Foundation
import Hummingbird
import LarderCache
import LarderSessions
import LarderWebCache

// snippet: your-app
func makeApp() throws -> some ApplicationProtocol {
    // One cache for the app's whole run: REDIS_URL or CACHE_URL, else the socket and DB 1.
    let cache = RedisCache(configuration: try CacheConfiguration.fromEnvironment())
    let pageCache = PageCache(cache: cache)

    let router = Router(context: BasicDjangoSessionRequestContext.self)
    router.add(middleware: DjangoSessionMiddleware(store: try CacheSessionStore(cache: cache)))

    // A page kept for 15 minutes, as Django's @cache_page(60 * 15).
    router.cachePage(60 * 15, pageCache).get("/") { _, _ in
        "Hello from Redis-cached Swift\n"
    }
    // A per-visitor counter in the session, never cached.
    router.get("/visits") { _, context -> String in
        let visits = (try await context.session.get("visits", as: Int.self) ?? 0) + 1
        try await context.session.set("visits", visits)
        return "visit \(visits)\n"
    }

    // The cache is a service: the application runs it, and closes it when it shuts down.
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)), services: [cache])
}

do {
    try await makeApp().runService()  // until Ctrl-C or SIGTERM, then a graceful shutdown
} catch {
    FileHandle.standardError.write(Data("your-app: \(error)\n".utf8))
    exit(1)
}
// snippet: end
