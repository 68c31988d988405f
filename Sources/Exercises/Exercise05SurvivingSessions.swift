import LarderCache
import LarderSessions

/// Exercise 05 (chapter 05): sessions that survive `FLUSHALL`.
///
/// The check logs a visitor in, runs `FLUSHALL` on a private Redis, and asks again: with the
/// store below the visitor is logged out. Return a store that keeps the session (chapter 05's
/// survival table says which engine does), then run `swift run guide exercises 5`.
public enum SurvivingSessionsExercise {
    /// The session store, given the cache (Redis DB 1) and a signer; `databasePath` is a SQLite
    /// file the store may use.
    public static func store(cache: RedisCache, signer: SessionSigner, databasePath: String) throws -> any SessionStore {
        try CacheSessionStore(cache: cache)
    }
}
