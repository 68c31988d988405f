import LarderRedis
import XCTest

/// The TLS error codes (issue #16): each its own code and name, its own text, and what it
/// carries returned by the accessors (kept apart from RedisErrorCodeTests' positional lists, so
/// the parts of #16 add their codes without touching each other's rows).
final class TLSErrorCodeTests: XCTestCase {
    let tcp = RedisEndpoint.tcp(host: "127.0.0.1", port: 6380)

    var errors: [RedisError] {
        [
            .tlsUntrustedCertificate(tcp, certificate: "for localhost, self-signed", trusting: "the CA file /tmp/ca.crt"),
            .tlsHostnameMismatch(tcp, expected: "127.0.0.1", certificateNames: ["redis.example", "10.0.0.5"]),
            .tlsCertificateExpired(tcp, certificate: "for localhost, issued by CN=CA", validity: "expired since 2026-01-01T00:00:00Z"),
            .tlsClientCertificateRequired(tcp), .tlsPlainTextServer(tcp), .tlsHandshakeFailed(tcp, reason: "TLS said no"),
            .tlsFileUnreadable(path: "/tmp/ca.crt", role: "CA certificate file", reason: "Permission denied"),
            .closedBeforeReply(tcp, command: "HELLO"),
        ]
    }

    func testEachTLSCodeHasItsOwnNameAndText() {
        XCTAssertEqual(
            errors.map(\.code.description),
            [
                "tlsUntrustedCertificate", "tlsHostnameMismatch", "tlsCertificateExpired", "tlsClientCertificateRequired",
                "tlsPlainTextServer", "tlsHandshakeFailed", "tlsFileUnreadable", "closedBeforeReply",
            ])
        XCTAssertEqual(Set(errors.map(\.code)).count, errors.count)
        XCTAssertEqual(Set(errors.map(\.description)).count, errors.count)
    }

    func testTheAccessorsReturnWhatEachCarries() {
        XCTAssertEqual(errors.map(\.endpoint), [tcp, tcp, tcp, tcp, tcp, tcp, nil, tcp])
        XCTAssertEqual(errors.map(\.path), [nil, nil, nil, nil, nil, nil, "/tmp/ca.crt", nil])
        XCTAssertEqual(errors.map(\.command), [nil, nil, nil, nil, nil, nil, nil, "HELLO"])
        XCTAssertEqual(
            errors.map(\.detail),
            [
                "for localhost, self-signed", "redis.example, 10.0.0.5", "for localhost, issued by CN=CA", nil, nil, "TLS said no",
                "Permission denied", nil,
            ])
    }
}
