import Foundation
import Logging
import NIOCore
import LarderRedis
import Synchronization

/// The standalone Redis session store (django-redis-sessions), without the cache: each session
/// is `<prefix><key>` in its own database (DB 0 by default), the value Django's signed
/// session string (``SessionSigner``), TTL = the session's age.
///
/// Create it with ``connect(configuration:signer:logger:)``, which checks the socket and
/// database at start-up. A value whose signature does not verify (tampered, or signed with
/// another secret) reads as no session.
///
/// ```swift
/// let store = try await RedisSessionStore.connect(
///     configuration: try RedisSessionConfiguration(socketPath: "/var/run/redis/redis.sock"),
///     signer: try SessionSigner(secret: secret))
/// ```
public final class RedisSessionStore: SessionStore {
    /// The settings.
    public let configuration: RedisSessionConfiguration
    /// Signs and checks values.
    public let signer: SessionSigner
    /// Whether and how each write waits for replicas (`WAIT`); `nil` (the default) does not wait.
    public let replication: SessionReplication?
    private let client: any RedisClient
    /// The client the store opened itself, closed by ``close()``; a client given to
    /// ``init(client:configuration:signer:replication:logger:)`` is its owner's to close.
    private let ownedClient: EventLoopRedisClient?
    private let logger: Logger
    private let outage = Atomic<Bool>(false)
    public var name: String { "redis" }

    private init(configuration: RedisSessionConfiguration, signer: SessionSigner, logger: Logger) {
        self.configuration = configuration
        self.signer = signer
        self.logger = logger
        let owned = EventLoopRedisClient(configuration: configuration.redis, logger: logger)
        self.ownedClient = owned
        self.client = owned
        self.replication = nil
    }

    /// A store on `client`, any ``RedisClient``: a ``RedisSentinelClient`` that follows a
    /// failover, or a ``RedisClusterClient`` (each session key on the primary serving its
    /// slot), with `replication` to have each write acknowledged by replicas.
    ///
    /// `configuration`'s prefix is used; its socket and database are `client`'s business. The
    /// client is not checked here (a Sentinel client finds its primary on first use) and not
    /// closed by ``close()``.
    ///
    /// ```swift
    /// let store = RedisSessionStore(
    ///     client: sentinelClient, configuration: sessionConfiguration, signer: signer,
    ///     replication: SessionReplication(replicas: 1, timeout: .milliseconds(50)))
    /// ```
    public init(
        client: any RedisClient, configuration: RedisSessionConfiguration, signer: SessionSigner,
        replication: SessionReplication? = nil, logger: Logger = Logger(label: "sessions")
    ) {
        self.configuration = configuration
        self.signer = signer
        self.logger = logger
        self.client = client
        self.ownedClient = nil
        self.replication = replication
    }

    /// Checks the configuration against the running server (the socket answers `PING` on the
    /// database), then returns the store.
    ///
    /// - Throws: ``SessionError/invalidConfiguration(_:)`` with Redis's reason (no such
    ///   socket, permission denied, not a Redis server, no such database): a session store
    ///   that cannot work is an error at start-up, not a 500 at the first login.
    public static func connect(
        configuration: RedisSessionConfiguration, signer: SessionSigner, logger: Logger = Logger(label: "sessions")
    ) async throws(SessionError) -> RedisSessionStore {
        do {
            _ = try await RedisConnection.withConnection(configuration: configuration.redis) { connection in
                try await connection.send(PING())
            }
        } catch {
            throw .invalidConfiguration("the session store cannot use Redis at \(configuration.socketPath) (DB \(configuration.database)): \(error)")
        }
        return RedisSessionStore(configuration: configuration, signer: signer, logger: logger)
    }

    /// Closes the store's connections.
    public func close() async {
        await ownedClient?.close()
    }

    /// The Redis key of session `key`: `<prefix><key>`.
    public func redisKey(_ key: String) -> RedisKey { RedisKey(configuration.prefix + key) }

    /// A key of another type (`WRONGTYPE`: the cookie names a list, say) is no session, and no
    /// outage either: Redis answered.
    public func load(key: String) async throws(SessionError) -> DjangoSessionData? {
        let stored = redisKey(key)
        let value = try await run({ () throws(RedisError) -> ByteBuffer? in
            do throws(RedisError) {
                return try await self.client.send(GET(stored))
            } catch {
                if error.code == .server, error.serverError?.kind == .wrongType { return nil }
                throw error
            }
        })
        guard let bytes = value else { return nil }
        return bytes.withUnsafeReadableBytes { signer.unsign($0) }
    }

    public func create(key: String, data: DjangoSessionData, age: Int) async throws(SessionError) -> Bool {
        let command = SET(redisKey(key), signer.sign(data), condition: .ifNotExists, expiration: .seconds(Self.ttl(data, age: age)))
        return try await write(command)
    }

    public func update(key: String, data: DjangoSessionData, age: Int) async throws(SessionError) -> Bool {
        let command = SET(redisKey(key), signer.sign(data), condition: .ifExists, expiration: .seconds(Self.ttl(data, age: age)))
        return try await write(command)
    }

    /// Sends a session write, followed in the same pipeline by `WAIT` when ``replication`` asks
    /// (on the write's connection, to the node that took it on a cluster), and applies its
    /// ``SessionReplication/Shortfall`` when too few replicas acknowledged.
    private func write<Value>(_ command: SET<Value>) async throws(SessionError) -> Bool {
        guard let replication else {
            return try await run({ () throws(RedisError) in try await self.client.send(command) }).stored
        }
        let wait = WAIT(replicas: replication.replicas, timeout: replication.timeout)
        let acknowledged: (stored: Bool, replicas: Int) = try await run({ () throws(RedisError) in
            let (set, waited) = await self.client.execute(command, followedBy: wait)
            return (try set.get().stored, try waited.get())
        })
        if acknowledged.stored {
            try replication.check(acknowledged: acknowledged.replicas, store: name, logger: logger)
        }
        return acknowledged.stored
    }

    /// The TTL of `data`: its expiry age (Django's `get_expiry_age()`, which
    /// django-redis-sessions passes as `ex`), at least 1 s: a session whose expiry date has
    /// passed lives one second, where Redis would refuse `EX 0` and django-redis-sessions fails
    /// the request.
    static func ttl(_ data: DjangoSessionData, age: Int) -> Int {
        max(1, data.expiryAge(cookieAge: age))
    }

    public func delete(key: String) async throws(SessionError) {
        let stored = redisKey(key)
        _ = try await run({ () throws(RedisError) in try await self.client.send(DEL([stored])) })
    }

    /// Runs a command; an unreachable server is ``SessionError/storeUnavailable(store:reason:)``,
    /// logged once per outage.
    private func run<Result>(_ operation: () async throws(RedisError) -> Result) async throws(SessionError) -> Result {
        do {
            let result = try await operation()
            if outage.load(ordering: .relaxed), outage.exchange(false, ordering: .relaxed) {
                logger.notice("session store reachable again")
            }
            return result
        } catch {
            if !outage.exchange(true, ordering: .relaxed) {
                logger.warning("session store unreachable: requests that use the session answer 503", metadata: ["error": "\(error)"])
            }
            throw .storeUnavailable(store: name, reason: "\(error)")
        }
    }
}
