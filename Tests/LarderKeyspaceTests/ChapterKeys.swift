import Foundation
import LarderRedis
import RedisTestSupport

/// Keys shaped like those chapters 03–05 leave (chapter 06), plus hostile ones,
/// written to a private server for the inspector and the browser to find.
enum ChapterKeys {
    static let url = "c4aed54dc627f58462c271921e35da18"  // md5 of http://127.0.0.1:8101/
    static let otherURL = "0cc175b9c0f1b6a831c399e269772661"
    static let noVary = "d41d8cd98f00b204e9800998ecf8427e"
    static let cookieVary = "9e107d9d372bb6826bd81d3542a419d6"
    static let cacheSession = "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6"
    static let cachedDBSession = "z9x8c7v6b5n4m3l2k1j0h9g8f7d6s5a4"
    static let redisSession = "m0n1b2v3c4x5z6l7k8j9h0g1f2d3s4a5"
    static let notASession = "abcdefghijklmnopqrstuvwxyz999999"
    static let scriptKey = "<script>alert(1)</script>"
    static let htmlValueKey = "html-value\"><b>"

    /// The page cache's value: the format chapter 03 writes.
    static func page(_ body: String) -> String {
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nCache-Control: max-age=900\r\n\r\n" + body
    }

    /// Django's signed session string (signature made up: the inspector does not check it).
    static let signedSession: String = {
        let payload = Data(#"{"visits":4}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return payload + ":1sXv2c:" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v"
    }()

    /// DB 1 (the cache's), by key: value and TTL in seconds (`nil`: none).
    static let cacheDatabase: [(key: String, value: String, ttl: Int?)] = [
        (":1:views.decorators.cache.cache_header..\(url).en-us.UTC", "[]", 900),
        (":1:views.decorators.cache.cache_page..GET.\(url).\(noVary).en-us.UTC", page("<html><body>home</body></html>"), 900),
        (":1:views.decorators.cache.cache_header..\(otherURL).en-us.UTC", #"["HTTP_COOKIE"]"#, 900),
        (":1:views.decorators.cache.cache_page..GET.\(otherURL).\(cookieVary).en-us.UTC", page("<p>for one cookie</p>"), 900),
        (":1:views.decorators.cache.cache_page..HEAD.\(otherURL).\(cookieVary).en-us.UTC", page(""), 900),
        (":1:craig", #""derington""#, 300),
        (":1:a", "1", 300), (":1:b", "2", 300), (":1:c", "3", 300),
        (":1:my-key", #"{"aString":"this is a simple string","anInteger":123,"oneList":[9,10,11,12,13]}"#, 300),
        (":2:craig", #""version two""#, 300),
        (":1:django.contrib.sessions.cache\(cacheSession)", #"{"count":1}"#, 1_209_600),
        (":1:django.contrib.sessions.cached_db\(cachedDBSession)", #"{"count":2}"#, 1_209_600),
        (scriptKey, #"<img src=x onerror="document.body.setAttribute('data-pwned','img')">"#, 600),
        (htmlValueKey, "<script>document.body.setAttribute('data-pwned','script')</script><b>bold</b>", nil),
    ]

    /// DB 0 (the standalone session store's).
    static let sessionDatabase: [(key: String, value: String, ttl: Int?)] = [
        (redisSession, signedSession, 1_209_600),
        (notASession, "a value that is not a signed session", 60),
    ]

    /// What each key's group is, as ``KeyKind/title`` names it.
    static let expectedTitles: [String: String] = {
        var titles: [String: String] = [:]
        for (key, _, _) in cacheDatabase {
            titles[key] =
                key.contains("cache_header") ? "page cache: header list"
                : key.contains("cache_page..HEAD") ? "page cache: HEAD page"
                : key.contains("cache_page") ? "page cache: GET page"
                : key.contains("sessions.cached_db") ? "session, cached DB engine"
                : key.contains("sessions.cache") ? "session, cache engine"
                : key.hasPrefix(":2:") ? "cache API, version 2"
                : key.hasPrefix(":1:") ? "cache API, version 1" : "other"
        }
        titles["list:recent"] = "other"
        return titles
    }()

    /// Writes every key, and a list and a hash in DB 1 (types no chapter writes).
    static func seed(_ server: PrivateRedisServer) async throws {
        for (database, keys) in [(1, cacheDatabase), (0, sessionDatabase)] {
            try await RedisConnection.withConnection(configuration: server.configuration(database: database)) { redis in
                for (key, value, ttl) in keys {
                    _ = try await redis.send(SET(RedisKey(key), value, expiration: ttl.map { .seconds($0) }))
                }
                if database == 1 {
                    _ = try await redis.send(DEL(["list:recent"]))  // seeding runs once per test: same list each time
                    _ = try await redis.send("RPUSH", "list:recent", "one", "two", "three")
                    _ = try await redis.send("HSET", "user:1", "name", "<i>ana</i>", "visits", "4")
                }
            }
        }
    }
}
