// Hummingbird's own SessionMiddleware (hummingbird-auth) on the chapter's RedisCache, for
// readers already using it. This file does not import Sessions: both modules name a
// `SessionMiddleware` and a `BasicSessionRequestContext`.
import LarderCache
import Hummingbird
import HummingbirdAuth
import LarderWebCache
/// A visit counter on hummingbird-auth's `SessionMiddleware`, its sessions kept in a
/// ``RedisCache`` (a Hummingbird `PersistDriver`) as `:1:hbs.<id>`.
public enum HummingbirdAuthSite {
    /// What the counter keeps in a session.
    public struct Visits: Codable, Sendable {
        /// How many times the visitor came.
        public var count: Int
    }

    /// The router: hummingbird-auth's middleware on `cache`, then `/visits`.
    public static func router(cache: RedisCache) -> Router<BasicSessionRequestContext<Visits, String>> {
        // snippet: session-hummingbird-auth
        let router = Router(context: BasicSessionRequestContext<Visits, String>.self)
        router.add(middleware: SessionMiddleware(storage: cache))  // RedisCache is a PersistDriver
        router.get("visits") { _, context -> String in
            let count = (context.sessions.session?.count ?? 0) + 1
            if !context.sessions.updateSession(Visits(count: count)) {
                context.sessions.createSession(Visits(count: count))  // the first visit: a new id
            }
            return "visits \(count)"
        }
        // snippet: end
        return router
    }
}
