import LarderRESP
extension RedisClient {
    /// Every key matching `pattern`, fetched page by page with `SCAN` so that the server is
    /// never blocked (unlike `KEYS`). Redis may return a key more than once during a scan;
    /// this sequence drops repeats it has already yielded.
    ///
    /// ```swift
    /// for try await key in redis.scan(match: ":1:*", count: 1000) { print(key) }
    /// ```
    public func scan(match pattern: String? = nil, count: Int? = nil, type: String? = nil) -> RedisScanSequence<Self> {
        RedisScanSequence(client: self, pattern: pattern, count: count, type: type)
    }
}

/// The keys of a `SCAN`, as an `AsyncSequence`. See ``RedisClient/scan(match:count:type:)``.
public struct RedisScanSequence<Client: RedisClient>: AsyncSequence, Sendable {
    public typealias Element = RedisKey
    let client: Client
    let pattern: String?
    let count: Int?
    let type: String?

    public func makeAsyncIterator() -> Iterator {
        Iterator(sequence: self)
    }

    /// Fetches the next page when the current one is used up.
    public struct Iterator: AsyncIteratorProtocol {
        let sequence: RedisScanSequence
        var cursor = "0"
        var started = false
        var page: [RedisKey] = []
        var seen: Set<RedisKey> = []

        /// The next key not yielded before, fetching pages as needed; `nil` once the scan ends.
        public mutating func next() async throws -> RedisKey? {
            while true {
                while !page.isEmpty {
                    let key = page.removeLast()
                    if seen.insert(key).inserted { return key }
                }
                if started && cursor == "0" { return nil }
                started = true
                let reply = try await sequence.client.send(
                    SCAN(cursor: cursor, match: sequence.pattern, count: sequence.count, type: sequence.type))
                cursor = reply.cursor
                page = reply.keys.reversed()
            }
        }
    }
}
