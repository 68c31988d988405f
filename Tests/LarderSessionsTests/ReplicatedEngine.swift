import Foundation
import LarderCache
import LarderRedis
import LarderSessions
import Logging

/// The three session engines, each made on a client with `SessionReplication`: what the
/// replication tests (Sentinel and cluster) run every engine through.
enum ReplicatedEngine: String, CaseIterable {
    case standalone, cache, cachedDB

    /// A store of this engine on `client`, its keys under `prefix` (the cache's key prefix, or
    /// the standalone store's `prefix:`), the `cached_db` table in `folder`.
    func store(
        on client: some RedisClient, _ replication: SessionReplication, prefix: String, folder: URL, logger: Logger = SessionFixture.quiet
    ) throws -> any SessionStore {
        var cacheConfiguration = CacheConfiguration(keyPrefix: "\(prefix)-\(rawValue)")
        cacheConfiguration.logger = SessionFixture.quiet
        let cache = RedisCache(client: client, configuration: cacheConfiguration)
        switch self {
        case .standalone:
            return RedisSessionStore(
                client: client, configuration: try RedisSessionConfiguration(socketPath: "/unused", prefix: "\(prefix)-standalone:"),
                signer: try SessionSigner(secret: SessionFixture.secret), replication: replication, logger: logger)
        case .cache:
            return try CacheSessionStore(cache: cache, replication: replication, logger: logger)
        case .cachedDB:
            let table = try DatabaseSessionStore(
                path: folder.appendingPathComponent("db.sqlite3").path, signer: try SessionSigner(secret: SessionFixture.secret))
            return try CachedDatabaseSessionStore(database: table, cache: cache, replication: replication, logger: logger)
        }
    }
}
