/// A `MOVED` or `ASK` error reply read: `MOVED 3999 127.0.0.1:6381` says slot 3999 is served
/// at 127.0.0.1:6381.
struct RedisClusterRedirect: Sendable, Hashable {
    let slot: Int
    let endpoint: RedisEndpoint

    /// Reads `reply`'s message, `<slot> <host>:<port>`; `nil` when it has another shape. A node
    /// that does not know its own address sends `:<port>`: the host is then the one of `node`,
    /// which sent the reply.
    init?(_ reply: RedisServerError, from node: RedisEndpoint) {
        let words = reply.message.split(separator: " ")
        guard words.count >= 2, let slot = Int(words[0]), (0..<RedisClusterSlot.count).contains(slot),
            let colon = words[1].lastIndex(of: ":"), let port = Int(words[1][words[1].index(after: colon)...])
        else { return nil }
        var host = words[1][..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }  // [::1]:7000
        if host.isEmpty {
            guard case .tcp(let sender, _) = node else { return nil }
            host = Substring(sender)
        }
        self.slot = slot
        self.endpoint = .tcp(host: String(host), port: port)
    }
}
