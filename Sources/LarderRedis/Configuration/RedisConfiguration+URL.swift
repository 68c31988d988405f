import Foundation

/// Reading a configuration from the URL forms Redis clients and Django settings use.
extension RedisConfiguration {
    /// Reads `unix:///path/to.sock?db=1`, `redis://[user:pass@]host[:port][/db]`,
    /// `rediss://[user:pass@]host[:port][/db]` (TLS), or a bare absolute socket path (the
    /// article's `LOCATION: '/var/run/redis/redis.sock'`).
    ///
    /// Query parameters `db`, `password`, `username`, `client_name` and `protocol` (2 or 3) are
    /// accepted on every form. Percent-escapes in user, password and option values are decoded.
    ///
    /// `rediss://` sets ``tls`` (system trust roots, full verification), and takes TLS options
    /// spelled as redis-py and Django's settings spell them:
    ///
    /// | option | sets |
    /// |---|---|
    /// | `ssl_ca_certs=/path/ca.crt` | ``RedisTLSConfiguration/caCertificateFile`` |
    /// | `ssl_certfile=/path/client.crt` | ``RedisTLSConfiguration/certificateFile`` |
    /// | `ssl_keyfile=/path/client.key` | ``RedisTLSConfiguration/privateKeyFile`` |
    /// | `ssl_server_hostname=NAME` | ``RedisTLSConfiguration/serverName`` (Python's `server_hostname`) |
    /// | `ssl_cert_reqs=required\|optional\|none` | `none` turns verification off (**unsafe**); `optional` is `required` for a client, as in Python |
    /// | `ssl_check_hostname=false` | ``RedisTLSConfiguration/Verification/noHostnameVerification`` (**unsafe**) |
    ///
    /// ```swift
    /// let managed = try RedisConfiguration(url: "rediss://app:secret@redis.example.com:6380/0")
    /// let own = try RedisConfiguration(url: "rediss://10.0.0.5:6380/1?ssl_ca_certs=/etc/ssl/redis/ca.crt&ssl_server_hostname=redis.internal")
    /// ```
    ///
    /// `defaultDatabase` is the database when the URL names none (no `?db=`, no `/N` after a
    /// `redis://` host): the cache's locations mean DB 1 then, as the article's backend did.
    ///
    /// - Throws: ``RedisError/invalidConfiguration(_:)`` naming what is wrong and the form to use.
    ///   It never shows the password: it shows the URL as ``RedactedURL`` writes it, and quotes
    ///   no piece of the URL that may be part of the password.
    public init(url text: String, defaultDatabase: Int = 0) throws(RedisError) {
        self.init()
        database = defaultDatabase
        let url = text.trimmingWhitespace()
        if url.hasPrefix("/") {
            // The article's bare socket path; options may follow, as on the other forms.
            let mark = url.firstIndex(of: "?") ?? url.endIndex
            endpoint = .unixSocket(path: String(url[..<mark]))
            if mark < url.endIndex { try applyQuery(url[url.index(after: mark)...], url: url) }
            return
        }
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw .invalidConfiguration(
                "'\(RedactedURL(url).text)' is not a Redis location: use unix:///var/run/redis/redis.sock, "
                    + "redis://host:port/db, or an absolute socket path")
        }
        let scheme = url[..<schemeEnd.lowerBound]
        var rest = url[schemeEnd.upperBound...]
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        switch scheme.lowercased() {
        case "unix", "redis+unix":
            // unix://[user:pass@]/path — an optional userinfo before the absolute path.
            if let at = rest.lastIndex(of: "@"), !rest.hasPrefix("/") {
                try applyUserInfo(rest[..<at], url: url)
                rest = rest[rest.index(after: at)...]
            }
            guard rest.hasPrefix("/"), rest.count > 1 else {
                throw .invalidConfiguration("'\(RedactedURL(url).text)' has no socket path: write unix:///var/run/redis/redis.sock (three slashes)")
            }
            endpoint = .unixSocket(path: String(rest))
        case "redis", "rediss":
            if scheme.lowercased() == "rediss" { tls = RedisTLSConfiguration() }
            var authority = rest
            var path: Substring = ""
            if let slash = rest.firstIndex(of: "/") {
                authority = rest[..<slash]
                path = rest[rest.index(after: slash)...]
            }
            if let at = authority.lastIndex(of: "@") {
                try applyUserInfo(authority[..<at], url: url)
                authority = authority[authority.index(after: at)...]
            }
            endpoint = try Self.tcpEndpoint(authority, url: url)
            if !path.isEmpty { database = try Self.database(String(path), quoting: path, url: url) }
        default:
            let redacted = RedactedURL(url)
            throw .invalidConfiguration(
                "'\(redacted.text)': the scheme \(redacted.quote(scheme) ?? RedactedURL.unquotable) is not one of unix://, redis://, rediss://")
        }
        try applyQuery(query, url: url)
    }

    /// Reads the `REDIS_URL` environment variable, or returns `fallback` when it is unset or empty.
    ///
    /// - Throws: ``RedisError/invalidConfiguration(_:)`` when `REDIS_URL` is set but invalid.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        fallback: RedisConfiguration = RedisConfiguration()
    ) throws(RedisError) -> RedisConfiguration {
        guard let url = environment["REDIS_URL"], !url.isEmpty else { return fallback }
        do {
            return try RedisConfiguration(url: url)
        } catch {
            // The text, not the description: that would say "invalid Redis configuration" twice.
            guard error.code == .invalidConfiguration, let text = error.detail else { throw error }
            throw .invalidConfiguration("REDIS_URL: \(text)")
        }
    }

    /// The configuration as a URL, e.g. `unix:///var/run/redis/redis.sock?db=1`.
    ///
    /// Unmasked, it reads back as the same configuration (timeouts and limits aside, which no
    /// URL carries): `RedisConfiguration(url: config.url(maskingPassword: false)) == config`.
    /// TLS settings are written as `rediss://` and its `ssl_` options; on a Unix socket, where
    /// TLS cannot be used, they are written all the same, so that the mistake shows, and the URL
    /// does not read back.
    public func url(maskingPassword: Bool = true) -> String {
        var userInfo = ""
        if let password {
            userInfo = Self.percentEncode(username ?? "") + ":" + (maskingPassword ? "***" : Self.percentEncode(password)) + "@"
        }
        // What the authority and path cannot say. A lone `user@` would read back as a password.
        var options: [String] = []
        if case .unixSocket = endpoint, database != 0 { options.append("db=\(database)") }
        if password == nil, let username { options.append("username=\(Self.percentEncode(username))") }
        if let clientName { options.append("client_name=\(Self.percentEncode(clientName))") }
        if !preferRESP3 { options.append("protocol=2") }
        if let tls { options += Self.options(of: tls) }
        let query = options.isEmpty ? "" : "?" + options.joined(separator: "&")
        switch endpoint {
        case .unixSocket(let path):
            return "unix://\(userInfo)\(path)\(query)"
        case .tcp:
            return "\(tls == nil ? "redis" : "rediss")://\(userInfo)\(endpoint)/\(database)\(query)"
        }
    }

    // MARK: Parts

    private mutating func applyUserInfo(_ userInfo: Substring, url: String) throws(RedisError) {
        if let colon = userInfo.firstIndex(of: ":") {
            let user = try Self.percentDecode(userInfo[..<colon], url: url)
            username = user.isEmpty ? nil : user
            password = try Self.percentDecode(userInfo[userInfo.index(after: colon)...], url: url)
        } else if !userInfo.isEmpty {
            // redis://secret@host: a lone userinfo is the password (redis-py, django-redis).
            password = try Self.percentDecode(userInfo, url: url)
        }
    }

    private mutating func applyQuery(_ query: Substring, url: String) throws(RedisError) {
        // Verification is read from two options (redis-py's), so it is decided after all of them.
        var certificateRequirement: Substring? = nil
        var checkHostname = true
        for item in query.split(separator: "&") where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0]
            let rawValue = parts.count > 1 ? parts[1] : url[url.endIndex...]
            let value = try Self.percentDecode(rawValue, url: url)
            switch name.lowercased() {
            case "db": database = try Self.database(value, quoting: rawValue, url: url)
            case "password": password = value
            case "username", "user": username = value
            case "client_name", "name": clientName = value
            case "protocol":
                guard value == "2" || value == "3" else {
                    let redacted = RedactedURL(url)
                    throw .invalidConfiguration(
                        "'\(redacted.text)': protocol must be 2 or 3, not \(redacted.quote(rawValue) ?? RedactedURL.unquotable)")
                }
                preferRESP3 = value == "3"
            case "ssl_ca_certs", "ssl_certfile", "ssl_keyfile", "ssl_server_hostname", "ssl_cert_reqs", "ssl_check_hostname":
                guard tls != nil else {
                    let redacted = RedactedURL(url)
                    let option = redacted.quote(name) ?? RedactedURL.unquotable
                    if case .unixSocket = endpoint {
                        throw .invalidConfiguration(
                            "'\(redacted.text)': \(option) is a TLS option, and Redis serves TLS on a TCP port (`tls-port`) only, "
                                + "not on its Unix socket: drop it, or use rediss://host:port")
                    }
                    throw .invalidConfiguration("'\(redacted.text)': \(option) is a TLS option: write rediss:// to use TLS")
                }
                switch name.lowercased() {
                case "ssl_ca_certs": tls?.caCertificateFile = value
                case "ssl_certfile": tls?.certificateFile = value
                case "ssl_keyfile": tls?.privateKeyFile = value
                case "ssl_server_hostname": tls?.serverName = value
                case "ssl_cert_reqs":
                    guard ["required", "optional", "none"].contains(value.lowercased()) else {
                        let redacted = RedactedURL(url)
                        throw .invalidConfiguration(
                            "'\(redacted.text)': ssl_cert_reqs must be required, optional or none, not \(redacted.quote(rawValue) ?? RedactedURL.unquotable)")
                    }
                    certificateRequirement = Substring(value.lowercased())
                default:
                    // redis-py's to_bool: 0, f, false, n, no (any case) are false; anything else true.
                    checkHostname = !["0", "f", "false", "n", "no"].contains(value.lowercased())
                }
            default:
                let redacted = RedactedURL(url)
                throw .invalidConfiguration(
                    "'\(redacted.text)': unknown option \(redacted.quote(name) ?? RedactedURL.unquotable) "
                        + "(known: db, username, password, client_name, protocol; on rediss://: ssl_ca_certs, ssl_certfile, "
                        + "ssl_keyfile, ssl_server_hostname, ssl_cert_reqs, ssl_check_hostname)")
            }
        }
        if certificateRequirement == "none" {
            tls?.verification = .none
        } else if !checkHostname {
            tls?.verification = .noHostnameVerification
        }
    }

    /// The `ssl_` options that write `tls` (its defaults written as nothing).
    private static func options(of tls: RedisTLSConfiguration) -> [String] {
        var options: [String] = []
        if let file = tls.caCertificateFile { options.append("ssl_ca_certs=\(percentEncode(file, keepingSlashes: true))") }
        if let file = tls.certificateFile { options.append("ssl_certfile=\(percentEncode(file, keepingSlashes: true))") }
        if let file = tls.privateKeyFile { options.append("ssl_keyfile=\(percentEncode(file, keepingSlashes: true))") }
        if let name = tls.serverName { options.append("ssl_server_hostname=\(percentEncode(name))") }
        switch tls.verification {
        case .fullVerification: break
        case .noHostnameVerification: options.append("ssl_check_hostname=false")
        case .none: options.append("ssl_cert_reqs=none")
        }
        return options
    }

    private static func tcpEndpoint(_ authority: Substring, url: String) throws(RedisError) -> RedisEndpoint {
        var host = authority
        var port: Substring? = nil
        if authority.hasPrefix("[") {  // [::1]:6379
            guard let close = authority.firstIndex(of: "]") else {
                throw .invalidConfiguration("'\(RedactedURL(url).text)': unterminated IPv6 address")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = after.dropFirst() }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { throw .invalidConfiguration("'\(RedactedURL(url).text)' has no host: write redis://127.0.0.1:6379/0") }
        var portNumber = 6379
        if let port {
            guard let parsed = Int(port), (1...65535).contains(parsed) else {
                let redacted = RedactedURL(url)
                throw .invalidConfiguration(
                    "'\(redacted.text)': the port \(redacted.quote(port) ?? RedactedURL.unquotable) is not a number from 1 to 65535")
            }
            portNumber = parsed
        }
        return .tcp(host: String(host), port: portNumber)
    }

    /// `text` as a database number; `raw` is where the URL spells it, quoted in the error.
    private static func database(_ text: String, quoting raw: Substring, url: String) throws(RedisError) -> Int {
        guard let number = Int(text), number >= 0 else {
            let redacted = RedactedURL(url)
            throw .invalidConfiguration(
                "'\(redacted.text)': the database \(redacted.quote(raw) ?? RedactedURL.unquotable) is not a number 0 or greater")
        }
        return number
    }

    private static func percentDecode(_ text: Substring, url: String) throws(RedisError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else {
                    throw .invalidConfiguration(
                        "'\(RedactedURL(url).text)': invalid %-escape (write a % in a user name or password as %25)")
                }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` with every byte but letters, digits and `-._~` (and `/` when `keepingSlashes`,
    /// for the file paths of query values) percent-encoded.
    private static func percentEncode(_ text: String, keepingSlashes: Bool = false) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "/") where keepingSlashes:
                result.append("/")
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(UnicodeScalar(byte))
            default:
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
