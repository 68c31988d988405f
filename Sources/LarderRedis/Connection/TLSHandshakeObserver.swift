import Foundation
import NIOCore
import NIOSSL
import NIOTLS

/// Sits behind `NIOSSLClientHandler` while a connection opens: completes ``handshake`` when the
/// TLS handshake does (or fails), and keeps the first TLS error and the server's certificate,
/// so that a failure can be told to the caller as what it is (``TLSFailure``) rather than as
/// the closed connection the RESP handler sees. Removed once the Redis handshake is done.
final class TLSHandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    /// Completed when the TLS handshake is: succeeded, or failed with the error that ended it.
    let handshake: EventLoopPromise<Void>
    /// The first TLS error seen, during the handshake or after it (a server that requires a
    /// client certificate says so with an alert after the client's side of the handshake is done).
    private(set) var firstError: (any Error)?
    /// The server's certificate as the TLS handler held it when ``firstError`` came (or when
    /// the handshake completed): what a verification failure is about.
    private(set) var peerCertificate: NIOSSLCertificate?
    private var completed = false

    init(handshake: EventLoopPromise<Void>) {
        self.handshake = handshake
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event, !completed {
            completed = true
            peerCertificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate()
            handshake.succeed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if firstError == nil {
            firstError = error
            peerCertificate = peerCertificate ?? (try? context.pipeline.syncOperations.nioSSL_peerCertificate())
        }
        if !completed {
            completed = true
            handshake.fail(error)
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(ChannelError.eof)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(ChannelError.ioOnClosedChannel)
    }

    /// Fails the handshake with `error` unless it completed: the connect timed out, or the
    /// channel went away first.
    func finish(_ error: any Error) {
        guard !completed else { return }
        completed = true
        handshake.fail(error)
    }
}

/// A TLS failure as the caller should hear it: which problem, and what to change.
enum TLSFailure {
    /// The ``RedisError`` for `error`, which ended a TLS connection to `endpoint`; `certificate`
    /// is the server's, when it was seen.
    static func map(
        _ error: any Error, certificate: NIOSSLCertificate?, endpoint: RedisEndpoint, tls: RedisTLSConfiguration
    ) -> RedisError {
        if let error = error as? RedisError { return error }
        let expected = tls.serverName ?? Self.defaultServerName(endpoint)
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return .tlsHostnameMismatch(endpoint, expected: expected, certificateNames: certificate.map(names(of:)) ?? [])
        }
        let text = "\(error)"
        let trusting = tls.caCertificateFile.map { "the CA file \($0)" } ?? "the system's trust roots"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            guard let certificate else {
                return .tlsUntrustedCertificate(endpoint, certificate: "not shown by TLS", trusting: trusting)
            }
            let now = time(nil)
            if certificate.notValidAfter < now {
                return .tlsCertificateExpired(
                    endpoint, certificate: describe(certificate), validity: "expired since \(date(certificate.notValidAfter))")
            }
            if certificate.notValidBefore > now {
                return .tlsCertificateExpired(
                    endpoint, certificate: describe(certificate), validity: "not valid before \(date(certificate.notValidBefore))")
            }
            return .tlsUntrustedCertificate(endpoint, certificate: describe(certificate), trusting: trusting)
        }
        // The record layer found no TLS record: the bytes were something else (a RESP error).
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") || text.contains("HTTP_REQUEST")
            || text.contains("UNEXPECTED_RECORD") || text.contains("DECODE_ERROR")
        {
            return .tlsPlainTextServer(endpoint)
        }
        if text.contains("CERTIFICATE_REQUIRED") || (tls.certificateFile == nil && text.contains("HANDSHAKE_FAILURE")) {
            return .tlsClientCertificateRequired(endpoint)
        }
        if text.contains("UNKNOWN_CA") || text.contains("BAD_CERTIFICATE") || text.contains("CERTIFICATE_UNKNOWN") {
            return .tlsHandshakeFailed(
                endpoint,
                reason: "the server refused the client certificate \(tls.certificateFile ?? ""): it is not signed by a CA "
                    + "the server trusts (its `tls-ca-cert-file`), or has expired (\(text))")
        }
        if let channelError = error as? ChannelError, channelError == .eof || channelError == .ioOnClosedChannel {
            return .tlsHandshakeFailed(endpoint, reason: "the server closed the connection during the TLS handshake")
        }
        if let sslError = error as? NIOSSLError, case .uncleanShutdown = sslError {
            return .tlsHandshakeFailed(endpoint, reason: "the server closed the connection during the TLS handshake")
        }
        return .tlsHandshakeFailed(endpoint, reason: text)
    }

    /// The DNS and IP names of a certificate's subjectAltName, or its common name when it has none.
    static func names(of certificate: NIOSSLCertificate) -> [String] {
        var names: [String] = []
        for name in certificate._subjectAlternativeNames() {
            switch name.nameType {
            case .dnsName: names.append(String(decoding: name.contents, as: UTF8.self))
            case .ipAddress:
                // 4 or 16 bytes, in network order.
                var bytes = ByteBuffer()
                bytes.writeBytes(name.contents)
                if let address = try? SocketAddress(packedIPAddress: bytes, port: 0), let text = address.ipAddress { names.append(text) }
            default: break
            }
        }
        if names.isEmpty {
            names = certificate.subjectName.filter { $0.type == .commonName }.map { "CN=\($0.value)" }
        }
        return names
    }

    /// "for localhost, 127.0.0.1, issued by CN=Test CA": what a reader compares with their files.
    static func describe(_ certificate: NIOSSLCertificate) -> String {
        let subject = names(of: certificate)
        let issuer = certificate.issuerName.map { "\(shortName($0.type))=\($0.value)" }.joined(separator: ", ")
        let isSelfSigned = certificate.issuerName == certificate.subjectName
        return "for \(subject.isEmpty ? "no name" : subject.joined(separator: ", ")), "
            + (isSelfSigned ? "self-signed" : "issued by \(issuer.isEmpty ? "an unnamed CA" : issuer)")
    }

    private static func shortName(_ type: SSLCertificateNameType) -> String {
        switch type {
        case .commonName: "CN"
        case .organization: "O"
        case .organizationalUnit: "OU"
        case .country: "C"
        case .state: "ST"
        case .city: "L"
        default: "name"
        }
    }

    private static func date(_ seconds: time_t) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)
    }

    /// The name a certificate must carry when ``RedisTLSConfiguration/serverName`` is not set:
    /// the endpoint's host.
    static func defaultServerName(_ endpoint: RedisEndpoint) -> String {
        switch endpoint {
        case .tcp(let host, _): host
        case .unixSocket(let path): path
        }
    }
}
