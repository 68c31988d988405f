/// How many connections a ``RedisConnectionPool`` keeps, and how long callers wait for one.
public struct RedisConnectionPoolConfiguration: Sendable, Hashable {
    /// Connections kept open even when idle. Default 0: connections open on demand.
    public var minimumConnections: Int
    /// Connections open at most; further callers wait. Default 16.
    public var maximumConnections: Int
    /// An idle connection above the minimum is closed after this long. Default 60 seconds.
    public var idleTimeout: Duration
    /// How long a caller waits for a connection when all are busy before failing with
    /// ``RedisError/poolExhausted(waited:maximumConnections:)``. Default 5 seconds.
    public var waitTimeout: Duration

    /// A pool configuration; every parameter has the default documented on its property.
    public init(minimumConnections: Int = 0, maximumConnections: Int = 16, idleTimeout: Duration = .seconds(60), waitTimeout: Duration = .seconds(5)) {
        precondition(maximumConnections >= 1, "a pool needs at least one connection")
        precondition(minimumConnections >= 0 && minimumConnections <= maximumConnections, "minimumConnections must be between 0 and maximumConnections")
        self.minimumConnections = minimumConnections
        self.maximumConnections = maximumConnections
        self.idleTimeout = idleTimeout
        self.waitTimeout = waitTimeout
    }
}
