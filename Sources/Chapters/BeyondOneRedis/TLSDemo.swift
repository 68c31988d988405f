import Foundation
import LarderCache
import LarderRedis
import Logging
import RedisTestSupport

/// Chapter 08, "TLS and the app's own user": a private Redis serving TLS on a loopback
/// `tls-port` with certificates made for the run, the cache reached by `rediss://` as the app's
/// least-privilege ACL user, and what goes wrong (a certificate for another name, plain text to
/// the TLS port, FLUSHALL and `clear()` under the ACL), each as the reader would see it.
public enum TLSDemo {
    /// Runs the demo against servers it starts and stops itself, and returns the lines it
    /// printed (passwords never among them).
    ///
    /// - Throws: when `openssl` or `redis-server` is missing, or a step that must work fails.
    public static func run(print emit: @escaping @Sendable (String) -> Void = { Swift.print($0) }) async throws -> [String] {
        let lines = LineCollector(emit)
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let acl = try GuideAppACL.load()
        let password = "demo-" + UUID().uuidString.prefix(12)
        lines.add("certificates made with openssl in \(certificates.directory.path): CA, server (127.0.0.1, localhost), wrong name, client")

        // A TLS server, plain text on its Unix socket only (for the demo's own setup), with the app's user.
        let server = try await PrivateTLSRedisServer.start(certificates: certificates, extraDirectives: [acl.userDirective(password: password)])
        defer { server.stop() }
        lines.add("redis-server listens with TLS on 127.0.0.1:\(server.tlsPort) (tls-port; tls-auth-clients no), user \(acl.name) created from chapters/acl/guide-app.acl")

        // 1. The cache over TLS, as the app's user, from one URL.
        let url = "rediss://\(acl.name):\(password)@127.0.0.1:\(server.tlsPort)/1?ssl_ca_certs=\(certificates.ca.certificate)"
        let redis = try RedisConfiguration(url: url)
        lines.add("REDIS_URL = \(redis)")
        let cache = RedisCache(configuration: CacheConfiguration(redis: redis, logger: .chapterQuiet("tls-demo", level: .critical)))
        do throws(any Error) {
            try await cache.set("greeting", "hello over TLS")
            let greeting = try await cache.get("greeting", as: String.self) ?? "(nothing)"
            try await cache.set("visits", 0)
            let visits = try await cache.incr("visits")  // a Lua script: EVAL is among the user's commands
            lines.add("✓ cache.set / cache.get over TLS as \(acl.name): greeting = \"\(greeting)\", visits = \(visits)")

            // 2. What the ACL refuses.
            do {
                try await RedisConnection.withConnection(configuration: redis) { connection in
                    _ = try await connection.send("FLUSHALL")
                }
                lines.add("✗ FLUSHALL was allowed: the ACL rules lost -@dangerous")
            } catch let error as RedisError {
                lines.add("✓ FLUSHALL refused: \(error)")
            }
            do {
                try await cache.clear()
                lines.add("✗ cache.clear() was allowed: the ACL rules lost -@dangerous")
            } catch {
                lines.add("✓ cache.clear() refused: \(error)")
            }
        } catch {
            await cache.close()
            throw error
        }
        await cache.close()

        // 3. A certificate for another name.
        let wrong = try await PrivateTLSRedisServer.start(certificates: certificates, serverCertificate: certificates.wrongName)
        defer { wrong.stop() }
        lines.add(await connectOutcome(wrong.tlsConfiguration(), what: "a server whose certificate is for redis.wrong.example"))

        // 4. Plain text to the TLS port.
        var plain = server.tlsConfiguration()
        plain.tls = nil
        lines.add(await connectOutcome(plain, what: "redis:// (plain text) to the TLS port"))
        return lines.all
    }

    /// `✓ <what>: <the error>`, or `✗` when it connected after all.
    private static func connectOutcome(_ configuration: RedisConfiguration, what: String) async -> String {
        do {
            let connection = try await RedisConnection.connect(configuration: configuration)
            await connection.close()
            return "✗ \(what): connected, and should not have"
        } catch {
            return "✓ \(what): \(error.code): \(error)"
        }
    }
}

/// The demo's lines, printed as they come and kept for the caller.
private final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    private let emit: @Sendable (String) -> Void

    init(_ emit: @escaping @Sendable (String) -> Void) { self.emit = emit }

    func add(_ line: String) {
        lock.withLock { lines.append(line) }
        emit(line)
    }

    var all: [String] { lock.withLock { lines } }
}
