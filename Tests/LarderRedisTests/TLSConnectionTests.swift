import Foundation
import LarderRESP
@testable import LarderRedis
import NIOCore
import RedisTestSupport
import XCTest

/// TLS against a real `redis-server --tls-port` with certificates made for the run: commands
/// over TLS, mutual TLS, a pool and a multiplexer, and each way TLS fails, as the typed error
/// that names the certificate problem and its fix.
final class TLSConnectionTests: XCTestCase {
    /// Made once for the suite (openssl takes a moment per key), removed in `tearDown`.
    static let made: (certificates: TestCertificates?, error: String) = {
        do { return (try TestCertificates.make(), "") } catch { return (nil, "\(error)") }
    }()
    static let tlsServer = TLSSuiteServer()

    override class func tearDown() {
        tlsServer.stop()
        made.certificates?.remove()
    }

    func certificates() throws -> TestCertificates {
        guard let certificates = Self.made.certificates else { throw CertificatesUnavailable(description: Self.made.error) }
        return certificates
    }

    struct CertificatesUnavailable: Error, CustomStringConvertible {
        var description: String
    }

    // MARK: Working

    func testGetAndSetOverTLS() async throws {
        let server = try await Self.tlsServer.server(certificates())
        try await RedisConnection.withConnection(configuration: server.tlsConfiguration()) { redis in
            _ = try await redis.send(SET("tls:greeting", "hello over TLS"))
            let value = try await redis.send(GET("tls:greeting"))
            XCTAssertEqual(value.map { String(buffer: $0) }, "hello over TLS")
            XCTAssertEqual(redis.protocolVersion, 3)
        }
    }

    func testAHostNameTheCertificateCarriesVerifies() async throws {
        let server = try await Self.tlsServer.server(certificates())
        // The certificate names DNS:localhost too: SNI and the check use the name.
        var configuration = server.tlsConfiguration()
        configuration.tls?.serverName = "localhost"
        try await RedisConnection.withConnection(configuration: configuration) { redis in
            let pong = try await redis.send(PING())
            XCTAssertEqual(pong, "PONG")
        }
    }

    func testMutualTLSWithAClientCertificate() async throws {
        let certificates = try certificates()
        let server = try await PrivateTLSRedisServer.start(certificates: certificates, requireClientCertificates: true)
        defer { server.stop() }
        try await RedisConnection.withConnection(configuration: server.tlsConfiguration(clientCertificate: certificates.client)) { redis in
            _ = try await redis.send(SET("mtls", "yes"))
            let value = try await redis.send(GET("mtls"))
            XCTAssertEqual(value.map { String(buffer: $0) }, "yes")
        }
    }

    func testPoolAndMultiplexerOverTLS() async throws {
        let server = try await Self.tlsServer.server(certificates())
        let configuration = server.tlsConfiguration()
        try await RedisConnectionPool.withPool(
            configuration: configuration, poolConfiguration: RedisConnectionPoolConfiguration(maximumConnections: 4)
        ) { pool in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<16 {
                    group.addTask {
                        _ = try await pool.send(SET(RedisKey("tls:pool:\(index)"), "\(index)"))
                        let value = try await pool.send(GET(RedisKey("tls:pool:\(index)")))
                        XCTAssertEqual(value.map { String(buffer: $0) }, "\(index)")
                    }
                }
                try await group.waitForAll()
            }
        }
        try await RedisMultiplexer.withMultiplexer(configuration: configuration, connections: 2) { multiplexer in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<16 {
                    group.addTask {
                        let value = try await multiplexer.send(GET(RedisKey("tls:pool:\(index)")))
                        XCTAssertEqual(value.map { String(buffer: $0) }, "\(index)")
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    func testVerificationNoneAcceptsASelfSignedCertificate() async throws {
        let certificates = try certificates()
        let server = try await PrivateTLSRedisServer.start(certificates: certificates, serverCertificate: certificates.selfSigned)
        defer { server.stop() }
        let configuration = server.tlsConfiguration(tls: RedisTLSConfiguration(verification: .none))
        try await RedisConnection.withConnection(configuration: configuration) { redis in
            let pong = try await redis.send(PING())
            XCTAssertEqual(pong, "PONG")
        }
    }

    func testServerNameSettingAcceptsACertificateForAnotherName() async throws {
        let certificates = try certificates()
        let server = try await PrivateTLSRedisServer.start(certificates: certificates, serverCertificate: certificates.wrongName)
        defer { server.stop() }
        var configuration = server.tlsConfiguration()
        configuration.tls?.serverName = "redis.wrong.example"
        try await RedisConnection.withConnection(configuration: configuration) { redis in
            let pong = try await redis.send(PING())
            XCTAssertEqual(pong, "PONG")
        }
    }

    // MARK: Failing, each with its own error

    func testSelfSignedCertificateIsUntrusted() async throws {
        let certificates = try certificates()
        let server = try await PrivateTLSRedisServer.start(certificates: certificates, serverCertificate: certificates.selfSigned)
        defer { server.stop() }
        let error = try await connectError(server.tlsConfiguration())
        XCTAssertEqual(error.code, .tlsUntrustedCertificate, error.description)
        XCTAssertEqual(error.endpoint, .tcp(host: "127.0.0.1", port: server.tlsPort))
        XCTAssertTrue(error.description.contains("self-signed"), error.description)
        XCTAssertTrue(error.description.contains("the CA file \(certificates.ca.certificate)"), error.description)
        XCTAssertTrue(error.description.contains("ssl_ca_certs"), error.description)
    }

    func testPrivateCAIsUntrustedByTheSystemRoots() async throws {
        let server = try await Self.tlsServer.server(certificates())
        let error = try await connectError(server.tlsConfiguration(tls: RedisTLSConfiguration()))
        XCTAssertEqual(error.code, .tlsUntrustedCertificate, error.description)
        XCTAssertTrue(error.description.contains("issued by CN=Larder Test CA"), error.description)
        XCTAssertTrue(error.description.contains("the system's trust roots"), error.description)
    }

    func testCertificateForAnotherNameIsAHostnameMismatch() async throws {
        let certificates = try certificates()
        let server = try await PrivateTLSRedisServer.start(certificates: certificates, serverCertificate: certificates.wrongName)
        defer { server.stop() }
        let error = try await connectError(server.tlsConfiguration())
        XCTAssertEqual(error.code, .tlsHostnameMismatch, error.description)
        XCTAssertEqual(error.detail, "redis.wrong.example")
        XCTAssertTrue(error.description.contains("its certificate is for redis.wrong.example, not for '127.0.0.1'"), error.description)
        XCTAssertTrue(error.description.contains("ssl_server_hostname"), error.description)
    }

    func testExpiredCertificateSaysSinceWhen() async throws {
        let certificates = try certificates()
        let server = try await PrivateTLSRedisServer.start(certificates: certificates, serverCertificate: certificates.expired)
        defer { server.stop() }
        let error = try await connectError(server.tlsConfiguration())
        XCTAssertEqual(error.code, .tlsCertificateExpired, error.description)
        XCTAssertTrue(error.description.contains("is expired since \(Calendar.current.component(.year, from: Date()))"), error.description)
        XCTAssertTrue(error.description.contains("Renew the server's certificate"), error.description)
    }

    func testServerRequiringAClientCertificateSaysSo() async throws {
        let certificates = try certificates()
        let server = try await PrivateTLSRedisServer.start(certificates: certificates, requireClientCertificates: true)
        defer { server.stop() }
        let error = try await connectError(server.tlsConfiguration())
        XCTAssertEqual(error.code, .tlsClientCertificateRequired, error.description)
        XCTAssertTrue(error.description.contains("tls-auth-clients yes"), error.description)
        XCTAssertTrue(error.description.contains("ssl_certfile"), error.description)
    }

    func testPlainTextServerSpokenToWithTLS() async throws {
        let server = try await PrivateRedisServer.start(tcpPort: LoopbackPort.unused())
        defer { server.shutDownAndRemove() }
        var configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: server.tcpPort))
        configuration.tls = RedisTLSConfiguration(caCertificateFile: try certificates().ca.certificate)
        // The server reads the ClientHello as an inline command: it answers at once when its
        // random bytes hold a newline, and otherwise waits, so the handshake times out; the
        // client tells both apart from a slow server by asking in plain text.
        configuration.connectTimeout = .milliseconds(500)
        let error = try await connectError(configuration)
        XCTAssertEqual(error.code, .tlsPlainTextServer, error.description)
        XCTAssertTrue(error.description.contains("answered in plain text"), error.description)
        XCTAssertTrue(error.description.contains("Use redis://"), error.description)
    }

    func testTLSServerSpokenToInPlainText() async throws {
        let server = try await Self.tlsServer.server(certificates())
        var configuration = server.tlsConfiguration()
        configuration.tls = nil
        let error = try await connectError(configuration)
        XCTAssertEqual(error.code, .closedBeforeReply, error.description)
        XCTAssertEqual(error.command, "HELLO")
        XCTAssertEqual(
            error.description,
            "the server at 127.0.0.1:\(server.tlsPort) closed the connection before replying to HELLO; "
                + "if it listens with TLS (`tls-port`), use rediss:// (or set RedisConfiguration.tls)")
    }

    // MARK: Configuration mistakes, before any connection

    func testMissingCAFileIsNamedWithTheReason() async throws {
        var configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 6380))
        configuration.tls = RedisTLSConfiguration(caCertificateFile: "/nonexistent/ca.crt")
        let error = try await connectError(configuration)
        XCTAssertEqual(error.code, .tlsFileUnreadable)
        XCTAssertEqual(error.path, "/nonexistent/ca.crt")
        XCTAssertEqual(error.description, "cannot use the TLS CA certificate file /nonexistent/ca.crt: No such file or directory")
    }

    func testFileThatIsNotPEMIsNamed() async throws {
        let certificates = try certificates()
        var configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 6380))
        // The key where the certificate belongs, and the reverse.
        configuration.tls = RedisTLSConfiguration(caCertificateFile: certificates.ca.key)
        var error = try await connectError(configuration)
        XCTAssertEqual(error.code, .tlsFileUnreadable)
        XCTAssertTrue(error.description.contains("holds no PEM certificate"), error.description)
        configuration.tls = RedisTLSConfiguration(certificateFile: certificates.client.certificate, privateKeyFile: certificates.client.certificate)
        error = try await connectError(configuration)
        XCTAssertEqual(error.code, .tlsFileUnreadable)
        XCTAssertEqual(error.path, certificates.client.certificate)
        XCTAssertTrue(error.description.contains("holds no PEM private key"), error.description)
    }

    func testCertificateWithoutItsKeyIsInvalid() async throws {
        var configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 6380))
        configuration.tls = RedisTLSConfiguration(certificateFile: try certificates().client.certificate)
        let error = try await connectError(configuration)
        XCTAssertEqual(error.code, .invalidConfiguration)
        XCTAssertTrue(error.description.contains("needs its private key"), error.description)
    }

    func testTLSOnAUnixSocketIsInvalid() async throws {
        var configuration = RedisConfiguration()
        configuration.tls = RedisTLSConfiguration()
        let error = try await connectError(configuration)
        XCTAssertEqual(error.code, .invalidConfiguration)
        XCTAssertTrue(error.description.contains("Redis speaks TLS only on a TCP port (`tls-port`)"), error.description)
    }

    // MARK: The context, built once

    func testTheContextIsBuiltOnceAndAgainWhenAFileChanges() throws {
        let certificates = try certificates()
        let folder = certificates.directory.appendingPathComponent("rotating-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ca = folder.appendingPathComponent("ca.crt").path
        try FileManager.default.copyItem(atPath: certificates.ca.certificate, toPath: ca)
        let tls = RedisTLSConfiguration(caCertificateFile: ca)
        let first = try TLSContextCache.context(for: tls)
        XCTAssertTrue(first === (try TLSContextCache.context(for: tls)), "the same files gave a new context")
        // A renewed file (written anew: another inode) gives the next connection a new context.
        try FileManager.default.removeItem(atPath: ca)
        try FileManager.default.copyItem(atPath: certificates.selfSigned.certificate, toPath: ca)
        XCTAssertFalse(first === (try TLSContextCache.context(for: tls)), "a replaced CA file kept the old context")
    }

    // MARK: Passwords

    func testErrorsAndConfigurationNeverShowThePassword() async throws {
        let certificates = try certificates()
        let server = try await PrivateTLSRedisServer.start(
            certificates: certificates, serverCertificate: certificates.wrongName, password: "tls-hunter2")
        defer { server.stop() }
        let configuration = server.tlsConfiguration()
        XCTAssertEqual(configuration.password, "tls-hunter2")
        let error = try await connectError(configuration)
        XCTAssertEqual(error.code, .tlsHostnameMismatch)
        for text in [error.description, "\(configuration)", String(reflecting: configuration), configuration.url()] {
            XCTAssertFalse(text.contains("hunter2"), text)
        }
        var right = configuration
        right.tls?.serverName = "redis.wrong.example"
        try await RedisConnection.withConnection(configuration: right) { redis in
            let pong = try await redis.send(PING())
            XCTAssertEqual(pong, "PONG")
        }
    }

    // MARK: Helpers

    private func connectError(_ configuration: RedisConfiguration, file: StaticString = #filePath, line: UInt = #line) async throws -> RedisError {
        do {
            let connection = try await RedisConnection.connect(configuration: configuration)
            await connection.close()
        } catch {
            return error
        }
        XCTFail("connected to \(configuration)", file: file, line: line)
        throw CancellationError()
    }
}

/// One TLS server for the suite's tests that need the default one.
final class TLSSuiteServer: @unchecked Sendable {
    private let lock = NSLock()
    private var started: PrivateTLSRedisServer?

    func server(_ certificates: TestCertificates) async throws -> PrivateTLSRedisServer {
        if let running = lock.withLock({ started }) { return running }
        let server = try await PrivateTLSRedisServer.start(certificates: certificates)
        return lock.withLock {
            if let running = started {
                server.stop()
                return running
            }
            started = server
            return server
        }
    }

    func stop() {
        lock.withLock {
            defer { started = nil }
            return started
        }?.stop()
    }
}
