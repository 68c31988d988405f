import Hummingbird
import LarderCache
import LarderRedis
import LarderSessions

/// Chapter 08's code samples (chapters/08-beyond-one-redis.md), compiled with every build so that
/// the page cannot drift from the API. The chapter shows them; its steps run the demos instead,
/// on private servers, so nothing here is called.
enum BeyondOneRedisSnippets {
    /// A cache over TLS, the CA and the name in code.
    static func tlsCache() -> RedisCache {
        // snippet: tls-configuration
        var redis = RedisConfiguration(endpoint: .tcp(host: "10.0.0.5", port: 6380), database: 1)
        redis.tls = RedisTLSConfiguration(caCertificateFile: "/etc/redis/tls/ca.crt", serverName: "redis.internal")
        let cache = RedisCache(configuration: CacheConfiguration(redis: redis))
        // snippet: end
        return cache
    }

    /// The cache and the app on a Sentinel client.
    static func sentinelApp(router: Router<BasicRequestContext>, cacheConfiguration: CacheConfiguration) throws -> some ApplicationProtocol {
        // snippet: sentinel-client
        let redis = RedisSentinelClient(configuration: try .init(
            url: "redis+sentinel://:app-secret@10.0.0.1,10.0.0.2,10.0.0.3/mymaster/1?sentinel_password=s3nt1nel"))
        let cache = RedisCache(client: redis, configuration: cacheConfiguration)
        let app = Application(router: router, services: [redis])   // discovers at start, closes at shutdown
        // snippet: end
        _ = cache
        return app
    }

    /// Every session engine, each write acknowledged by a replica.
    static func waitingStores(
        redis: RedisSentinelClient, sessionConfiguration: RedisSessionConfiguration, signer: SessionSigner, table: DatabaseSessionStore
    ) throws -> [any SessionStore] {
        // snippet: session-wait
        let replication = SessionReplication(replicas: 1, timeout: .milliseconds(50), shortfall: .log)
        let sessionCache = RedisCache(client: redis, configuration: CacheConfiguration(keyPrefix: "sessions"))
        let standalone = RedisSessionStore(
            client: redis, configuration: sessionConfiguration, signer: signer, replication: replication)
        let cached = try CacheSessionStore(cache: sessionCache, replication: replication)
        let cachedDB = try CachedDatabaseSessionStore(database: table, cache: sessionCache, replication: replication)
        // snippet: end
        return [standalone, cached, cachedDB]
    }

    /// The cache, sessions and the app on a cluster client.
    static func clusterApp(router: Router<BasicRequestContext>) throws -> some ApplicationProtocol {
        // snippet: cluster-client
        let cluster = RedisClusterClient(configuration: try .init(url: "redis://10.0.0.1:7000,10.0.0.2:7000"))
        let cache = RedisCache(client: cluster, configuration: CacheConfiguration(keyPrefix: "shop"))
        let sessions = try CacheSessionStore(cache: RedisCache(client: cluster, configuration: CacheConfiguration(keyPrefix: "sessions")))
        let app = Application(router: router, services: [cluster])   // learns the slots at start, closes at shutdown
        // snippet: end
        _ = (cache, sessions)
        return app
    }
}
