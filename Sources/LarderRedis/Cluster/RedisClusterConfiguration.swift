/// How a ``RedisClusterClient`` finds a cluster and talks to its nodes.
///
/// Every node is reached with a copy of ``base`` whose `endpoint` is the node's: credentials
/// (ACL user and password), client name, timeouts and limits are the same for every node, as
/// they are for every node of a cluster. ``seeds`` are the nodes asked for the slot table at
/// start; any one that answers is enough, the rest of the cluster is learnt from it.
///
/// ```swift
/// let cluster = try RedisClusterConfiguration(url: "redis://app:secret@10.0.0.1:7000,10.0.0.2:7000")
/// let django = try RedisClusterConfiguration(urls: ["redis://10.0.0.1:7000", "redis://10.0.0.2:7000"])
/// ```
///
/// A cluster has one database, 0: a `database` other than 0 in ``base`` (or `/1` in a URL) is
/// refused, since `SELECT 1` fails on every cluster node. Tell apps (or Django's DB 1 and
/// DB 2 uses) apart with a key prefix instead (Django's `KEY_PREFIX`).
public struct RedisClusterConfiguration: Sendable, Hashable {
    /// What every node connection is opened with, its `endpoint` replaced by the node's.
    public var base: RedisConfiguration
    /// The nodes asked for the slot table first (TCP endpoints).
    public var seeds: [RedisEndpoint]
    /// How many times one command is tried when the cluster redirects it (`MOVED`, `ASK`),
    /// refuses it for now (`TRYAGAIN`, `CLUSTERDOWN`) or cannot be reached, before
    /// ``RedisError/clusterRetriesExhausted(command:slot:node:attempts:last:)``. Default 6.
    public var maximumAttempts: Int
    /// The pause before the first retry after `TRYAGAIN`, `CLUSTERDOWN` or a node that cannot
    /// be reached; it doubles with each retry. Default 25 ms (with 6 attempts: about 0.8 s in all).
    public var retryBackoff: Duration
    /// Connections per node (each a ``RedisMultiplexer`` shared by every caller), or `nil` for
    /// one per event loop.
    public var connectionsPerNode: Int?

    /// A configuration for the cluster whose nodes include `seeds`, each reached as `base` says.
    ///
    /// - Throws: ``RedisError/invalidConfiguration(_:)`` when `base.database` is not 0, when
    ///   there is no seed, or when a seed is a Unix socket (cluster nodes name each other by
    ///   host and port).
    public init(
        base: RedisConfiguration, seeds: [RedisEndpoint], maximumAttempts: Int = 6, retryBackoff: Duration = .milliseconds(25),
        connectionsPerNode: Int? = nil
    ) throws(RedisError) {
        guard base.database == 0 else {
            throw .invalidConfiguration(
                "database \(base.database) was asked of a Redis Cluster, which has only database 0 (SELECT fails on its nodes): "
                    + "use database 0 and tell the data apart by key prefix (Django's KEY_PREFIX)")
        }
        guard !seeds.isEmpty else { throw .invalidConfiguration("a cluster client needs at least one seed node (host:port)") }
        for seed in seeds {
            if case .unixSocket(let path) = seed {
                throw .invalidConfiguration(
                    "the cluster seed \(path) is a Unix socket: cluster nodes tell clients where slots live by host and port, "
                        + "so give each seed as redis://host:port")
            }
        }
        self.base = base
        self.seeds = seeds
        self.maximumAttempts = max(1, maximumAttempts)
        self.retryBackoff = retryBackoff
        self.connectionsPerNode = connectionsPerNode
    }

    /// Reads `redis://[user:pass@]host1:port1,host2:port2[?options]`: one URL whose host part
    /// lists the seed nodes, separated by commas, with the options of
    /// ``RedisConfiguration/init(url:defaultDatabase:)`` for every node.
    public init(url text: String) throws(RedisError) {
        let url = text.trimmingWhitespace()
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw .invalidConfiguration("'\(RedactedURL(url).text)' is not a cluster location: write redis://host1:port1,host2:port2")
        }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let userInfoEnd = authority.lastIndex(of: "@")
        let hosts = userInfoEnd.map { authority[authority.index(after: $0)...] } ?? authority
        let prefix = url[..<hosts.startIndex]
        let suffix = url[authorityEnd...]
        let locations = hosts.split(separator: ",", omittingEmptySubsequences: false).map { String(prefix + $0 + suffix) }
        try self.init(urls: locations)
    }

    /// Reads one URL per seed node, e.g. the `LOCATION` list of a Django cache setting; the
    /// first URL's credentials and options are every node's.
    public init(urls: [String]) throws(RedisError) {
        guard let first = urls.first else { throw .invalidConfiguration("a cluster client needs at least one seed URL") }
        var base = try RedisConfiguration(url: first)
        var seeds = [base.endpoint]
        for url in urls.dropFirst() { seeds.append(try RedisConfiguration(url: url).endpoint) }
        base.endpoint = seeds[0]
        try self.init(base: base, seeds: seeds)
    }

    /// The configuration of the node at `host`:`port`: ``base`` with only the endpoint replaced.
    public func node(host: String, port: Int) -> RedisConfiguration {
        var configuration = base
        configuration.endpoint = .tcp(host: host, port: port)
        return configuration
    }
}
