/// Calls `attempt` until it returns a value, every `interval`, for at most `limit`; the
/// value, or `nil` once `limit` has passed. For a condition a test cannot be told about (a
/// server that continues and is found again by a client's own retry), bounded so that a
/// failure ends the test instead of hanging it.
///
/// ```swift
/// let pong = await waitUntil(limit: .seconds(10)) { try? await redis.send(PING()) }
/// ```
public func waitUntil<Value>(
    limit: Duration, interval: Duration = .milliseconds(50), _ attempt: () async -> Value?
) async -> Value? {
    let deadline = ContinuousClock.now + limit
    while true {
        if let value = await attempt() { return value }
        guard ContinuousClock.now < deadline else { return nil }
        try? await Task.sleep(for: interval)
    }
}
