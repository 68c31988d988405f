import Foundation

/// Certificates made for one test run with the `openssl` command, in a fresh temporary folder,
/// never committed: a CA, certificates it signs for a TLS `redis-server` (right, for the wrong
/// name, expired), one nobody signed (self-signed), and a client certificate for mutual TLS.
///
/// ```swift
/// let certificates = try TestCertificates.make()
/// defer { certificates.remove() }
/// let server = try await PrivateTLSRedisServer.start(certificates: certificates)
/// ```
public struct TestCertificates: Sendable {
    /// A certificate file and its private key file.
    public struct Pair: Sendable, Hashable {
        /// The PEM certificate.
        public var certificate: String
        /// The PEM private key (unencrypted).
        public var key: String
    }

    /// The folder holding every file.
    public let directory: URL
    /// The CA that signs the others (`CN=Larder Test CA`): what a client trusts.
    public let ca: Pair
    /// The server's certificate, for `127.0.0.1` and `localhost` (subjectAltName).
    public let server: Pair
    /// Signed by the CA, for `redis.wrong.example` only: a name mismatch on 127.0.0.1.
    public let wrongName: Pair
    /// Signed by the CA, for `127.0.0.1` and `localhost`, expired a day ago.
    public let expired: Pair
    /// Self-signed, for `127.0.0.1` and `localhost`: not trusted by a client trusting ``ca``.
    public let selfSigned: Pair
    /// A client certificate the CA signed (`CN=guide-app`), for a server with `tls-auth-clients yes`.
    public let client: Pair

    /// Makes every certificate with `openssl` (ECDSA P-256 keys: fast to make).
    ///
    /// - Throws: ``Failure`` when `openssl` is not installed (setup.sh --with-test-tools
    ///   installs it) or refuses a step (its standard error included).
    public static func make() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("larder-tls-\(getpid())-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func file(_ name: String) -> String { directory.appendingPathComponent(name).path }
        func pair(_ name: String) -> Pair { Pair(certificate: file("\(name).crt"), key: file("\(name).key")) }
        let localNames = "subjectAltName=IP:127.0.0.1,DNS:localhost"

        let ca = pair("ca")
        try openssl(
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", ca.key,
             "-out", ca.certificate, "-days", "2", "-subj", "/CN=Larder Test CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])

        /// A key, and a certificate for it signed by the CA, valid `days` from now (negative: expired).
        func signed(_ name: String, subject: String, extensions: [String], days: Int) throws -> Pair {
            let result = pair(name)
            let request = file("\(name).csr")
            let extensionsFile = file("\(name).ext")
            try (extensions.joined(separator: "\n") + "\n").write(toFile: extensionsFile, atomically: true, encoding: .utf8)
            try openssl(
                ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", result.key,
                 "-out", request, "-subj", subject])
            try openssl(
                ["x509", "-req", "-in", request, "-CA", ca.certificate, "-CAkey", ca.key, "-CAcreateserial",
                 "-days", "\(days)", "-extfile", extensionsFile, "-out", result.certificate])
            return result
        }
        let serverUsage = "extendedKeyUsage=serverAuth"
        let server = try signed("server", subject: "/CN=localhost", extensions: [localNames, serverUsage], days: 2)
        let wrongName = try signed(
            "wrong-name", subject: "/CN=redis.wrong.example", extensions: ["subjectAltName=DNS:redis.wrong.example", serverUsage], days: 2)
        let expired = try signed("expired", subject: "/CN=localhost", extensions: [localNames, serverUsage], days: -1)
        let client = try signed("client", subject: "/CN=guide-app", extensions: ["extendedKeyUsage=clientAuth"], days: 2)

        let selfSigned = pair("self-signed")
        try openssl(
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", selfSigned.key,
             "-out", selfSigned.certificate, "-days", "2", "-subj", "/CN=localhost", "-addext", localNames])
        return TestCertificates(
            directory: directory, ca: ca, server: server, wrongName: wrongName, expired: expired, selfSigned: selfSigned,
            client: client)
    }

    /// Deletes the folder and every key in it.
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Why the certificates could not be made.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed, with openssl's standard error.
        public var description: String
    }

    private static func openssl(_ arguments: [String]) throws {
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("openssl-\(UUID().uuidString.prefix(8)).err")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            if process.terminationStatus == 127 {
                throw Failure(description: "openssl is not on PATH: the TLS tests make their certificates with it (apt-get install openssl, or ./setup.sh --with-test-tools)")
            }
            let errors = String(decoding: (try? Data(contentsOf: errorFile)) ?? Data(), as: UTF8.self)
            throw Failure(description: "openssl \(arguments.prefix(1).joined()) exited with \(process.terminationStatus): \(errors)")
        }
    }
}
