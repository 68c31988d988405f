import Foundation
import LarderRedis

/// A private `redis-server` that speaks TLS on a loopback `tls-port`, with plain text on its Unix
/// socket (for readiness and for tests that set it up) and, if asked, on a plain TCP port too.
///
/// ```swift
/// let server = try await PrivateTLSRedisServer.start(certificates: certificates)
/// defer { server.stop() }
/// let redis = try await RedisConnection.connect(configuration: server.tlsConfiguration())
/// ```
public final class PrivateTLSRedisServer: Sendable {
    /// The server underneath: its socket, log, and `stop()`.
    public let server: PrivateRedisServer
    /// The loopback port serving TLS.
    public let tlsPort: Int
    /// The certificates the server and its clients use.
    public let certificates: TestCertificates

    /// Starts a server on a free loopback `tls-port`, presenting `serverCertificate` (by default
    /// ``TestCertificates/server``) and trusting ``TestCertificates/ca`` for client certificates.
    ///
    /// - Parameters:
    ///   - requireClientCertificates: `tls-auth-clients yes` (mutual TLS) rather than `no`.
    ///   - plainPort: also serve plain text on this TCP port (0, the default: none).
    ///   - password: `requirepass`, as ``PrivateRedisServer/start(tcpPort:unixSocketPerm:password:extraDirectives:)``.
    ///   - extraDirectives: more redis.conf lines.
    public static func start(
        certificates: TestCertificates, serverCertificate: TestCertificates.Pair? = nil, requireClientCertificates: Bool = false,
        plainPort: Int = 0, password: String? = nil, extraDirectives: [String] = []
    ) async throws -> PrivateTLSRedisServer {
        let pair = serverCertificate ?? certificates.server
        let tlsPort = try LoopbackPort.unused()
        let server = try await PrivateRedisServer.start(
            tcpPort: plainPort, password: password,
            extraDirectives: tlsDirectives(
                tlsPort: tlsPort, certificate: pair.certificate, key: pair.key, caCertificate: certificates.ca.certificate,
                requireClientCertificates: requireClientCertificates) + extraDirectives)
        return PrivateTLSRedisServer(server: server, tlsPort: tlsPort, certificates: certificates)
    }

    /// The redis.conf lines that make a server speak TLS on `tlsPort` (chapter 08 shows them, and
    /// a test checks the chapter against these).
    public static func tlsDirectives(
        tlsPort: Int, certificate: String, key: String, caCertificate: String, requireClientCertificates: Bool = false
    ) -> [String] {
        [
            "tls-port \(tlsPort)",
            "tls-cert-file \(certificate)",
            "tls-key-file \(key)",
            "tls-ca-cert-file \(caCertificate)",
            "tls-auth-clients \(requireClientCertificates ? "yes" : "no")",
        ]
    }

    private init(server: PrivateRedisServer, tlsPort: Int, certificates: TestCertificates) {
        self.server = server
        self.tlsPort = tlsPort
        self.certificates = certificates
    }

    /// A client configuration for the TLS port at `host` (`127.0.0.1` by default), trusting
    /// the test CA, with `clientCertificate` when given, and the server's password.
    public func tlsConfiguration(
        host: String = "127.0.0.1", database: Int = 0, clientCertificate: TestCertificates.Pair? = nil,
        tls: RedisTLSConfiguration? = nil
    ) -> RedisConfiguration {
        var configuration = RedisConfiguration(endpoint: .tcp(host: host, port: tlsPort), database: database, password: server.password)
        configuration.tls =
            tls
            ?? RedisTLSConfiguration(
                caCertificateFile: certificates.ca.certificate, certificateFile: clientCertificate?.certificate,
                privateKeyFile: clientCertificate?.key)
        return configuration
    }

    /// Stops the server and removes its folder (the certificates stay: they are the caller's).
    public func stop() {
        server.shutDownAndRemove()
    }
}
