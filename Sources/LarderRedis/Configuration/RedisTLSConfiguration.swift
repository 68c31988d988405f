/// How a connection speaks TLS to a Redis `tls-port`: whom to trust, who the client is, and how
/// strictly the server's certificate is checked.
///
/// Set it as ``RedisConfiguration/tls`` (a `rediss://` URL does), and the connection runs TLS on
/// TCP before its first command. The defaults are the safe ones: the system's trust roots, the
/// endpoint's host as the name the certificate must carry, full verification.
///
/// ```swift
/// // A managed Redis with a public certificate: nothing to set.
/// let managed = try RedisConfiguration(url: "rediss://app:secret@redis.example.com:6380/0")
/// // Your own CA, and a client certificate for a server with `tls-auth-clients yes`.
/// var own = RedisConfiguration(endpoint: .tcp(host: "10.0.0.5", port: 6380))
/// own.tls = RedisTLSConfiguration(
///     caCertificateFile: "/etc/ssl/redis/ca.crt",
///     certificateFile: "/etc/app/redis-client.crt", privateKeyFile: "/etc/app/redis-client.key")
/// ```
///
/// The files are read when a connection opens and again only when they change on disk (the
/// context built from them is kept), so a pool reconnecting costs no file reads, and a rotated
/// certificate is picked up by the next connection.
public struct RedisTLSConfiguration: Sendable, Hashable {
    /// How much of the server's certificate is checked.
    public enum Verification: String, Sendable, Hashable, CaseIterable {
        /// The chain must lead to a trusted CA, be within its dates, and name the server
        /// (``RedisTLSConfiguration/serverName``, or the endpoint's host). The default.
        case fullVerification
        /// The chain is checked, the name is not. **Unsafe**: any certificate your CA signed, for
        /// any host, is accepted, so a machine holding one can pose as your Redis. Only for a CA
        /// that issues certificates to Redis servers alone.
        case noHostnameVerification
        /// Nothing is checked: the traffic is encrypted, but to whoever answers. **Unsafe**: a
        /// man in the middle reads every password and value. Only for a test on your own machine.
        case none
    }

    /// A PEM file of the CA certificates to trust, or `nil` for the system's trust roots
    /// (`/etc/ssl/certs` on Debian): right for a managed Redis with a public certificate; your
    /// own CA (Redis's `tls-ca-cert-file`) needs its file here. Default `nil`.
    public var caCertificateFile: String?
    /// A PEM file of the client's certificate (and its chain), for a server that asks for one
    /// (`tls-auth-clients yes`). Default `nil`: no client certificate. Needs ``privateKeyFile``.
    public var certificateFile: String?
    /// A PEM file of the private key of ``certificateFile``. Default `nil`.
    public var privateKeyFile: String?
    /// The name sent in SNI and checked against the server's certificate, or `nil` for the
    /// endpoint's host. Set it when you connect by an address the certificate does not name
    /// (`10.0.0.5`, with a certificate for `redis.internal`). Default `nil`.
    public var serverName: String?
    /// How much of the server's certificate is checked. Default ``Verification/fullVerification``.
    public var verification: Verification

    /// Creates a TLS configuration; every parameter has the default documented on its property.
    public init(
        caCertificateFile: String? = nil,
        certificateFile: String? = nil,
        privateKeyFile: String? = nil,
        serverName: String? = nil,
        verification: Verification = .fullVerification
    ) {
        self.caCertificateFile = caCertificateFile
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.serverName = serverName
        self.verification = verification
    }
}
