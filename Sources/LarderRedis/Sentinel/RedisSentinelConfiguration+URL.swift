extension RedisSentinelConfiguration {
    /// Reads `redis+sentinel://[user:password@]host1[:port1][,host2[:port2]...]/primary-name[/db][?options]`,
    /// the form of the `Redis-Sentinel-Url` Python package that redisvl and Prefect accept too.
    ///
    /// The hosts are the sentinels (port 26379 unless given); the user and password are the
    /// data nodes' (as in `redis://`); `sentinel_username` and `sentinel_password` are the
    /// sentinels' own. The other options are those of ``RedisConfiguration/init(url:defaultDatabase:)``
    /// (`db`, `client_name`, `protocol`...), applied to the data nodes; `read_from`
    /// (`primary`, `replicas`, `prefer_replicas`) sets ``readFrom``.
    ///
    /// ```swift
    /// let configuration = try RedisSentinelConfiguration(url: "redis+sentinel://:secret@s1,s2:26380/mymaster/1?read_from=prefer_replicas")
    /// ```
    /// - Throws: ``RedisError/invalidConfiguration(_:)`` naming what is wrong; never the passwords.
    public init(url text: String, defaultDatabase: Int = 0) throws(RedisError) {
        let url = text.trimmingWhitespace()
        let form = "redis+sentinel://[user:password@]host[:port][,host[:port]...]/primary-name[/db]"
        guard let schemeEnd = url.firstRange(of: "://"), url[..<schemeEnd.lowerBound].lowercased() == "redis+sentinel" else {
            throw .invalidConfiguration("'\(RedactedURL(url).text)' is not a Sentinel location: use \(form)")
        }
        var rest = url[schemeEnd.upperBound...]
        var query: [Substring] = []
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...].split(separator: "&")
            rest = rest[..<mark]
        }
        var userInfo: Substring = ""
        if let at = rest.lastIndex(of: "@") {
            userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        let pathParts = rest.split(separator: "/", omittingEmptySubsequences: false)
        let hosts = pathParts[0]
        guard pathParts.count >= 2, !pathParts[1].isEmpty else {
            throw .invalidConfiguration("'\(RedactedURL(url).text)' names no primary: use \(form)")
        }
        let primaryName = String(pathParts[1])
        var sentinels: [RedisEndpoint] = []
        for host in hosts.split(separator: ",") {
            // Each sentinel read as a redis:// authority, with the sentinels' default port.
            let hasPort = host.hasPrefix("[") ? host.contains("]:") : host.contains(":")
            let parsed = try RedisConfiguration(url: "redis://\(host)\(hasPort ? "" : ":\(Self.defaultSentinelPort)")")
            sentinels.append(parsed.endpoint)
        }
        guard !sentinels.isEmpty else { throw .invalidConfiguration("'\(RedactedURL(url).text)' names no sentinel: use \(form)") }
        var dataOptions: [Substring] = []
        var sentinelOptions: [Substring] = []
        var readFrom = RedisReadFrom.primary
        for option in query {
            let name = option.split(separator: "=", maxSplits: 1).first?.lowercased() ?? ""
            switch name {
            case "sentinel_username": sentinelOptions.append("username" + option.dropFirst("sentinel_username".count))
            case "sentinel_password": sentinelOptions.append("password" + option.dropFirst("sentinel_password".count))
            case "read_from":
                switch option.dropFirst("read_from=".count).lowercased() {
                case "primary": readFrom = .primary
                case "replicas": readFrom = .replicas
                case "prefer_replicas": readFrom = .preferReplicas
                default: throw .invalidConfiguration("'\(RedactedURL(url).text)': read_from must be primary, replicas or prefer_replicas")
                }
            default: dataOptions.append(option)
            }
        }
        // The data nodes' part read as a redis:// URL, whose parser knows every option.
        let database = pathParts.count > 2 ? "/" + pathParts[2] : ""
        let dataQuery = dataOptions.isEmpty ? "" : "?" + dataOptions.joined(separator: "&")
        let at = userInfo.isEmpty ? "" : "@"
        let data = try RedisConfiguration(url: "redis://\(userInfo)\(at)sentinel-named-primary\(database)\(dataQuery)", defaultDatabase: defaultDatabase)
        let sentinelQuery = sentinelOptions.isEmpty ? "" : "?" + sentinelOptions.joined(separator: "&")
        let sentinelCredentials = try RedisConfiguration(url: "redis://sentinel/0\(sentinelQuery)")
        self.init(
            sentinels: sentinels, primaryName: primaryName, sentinelUsername: sentinelCredentials.username,
            sentinelPassword: sentinelCredentials.password, data: data, readFrom: readFrom)
    }
}
