import NIOSSL
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `NIOSSLContext` of each TLS configuration, built once and kept while its files stay as
/// they were.
///
/// Building a context reads and parses the CA, certificate and key files (and, with no CA file,
/// the system's trust store), which a pool or a multiplexer reconnecting would otherwise repeat
/// for every connection. A context is kept under its configuration and the identity of its
/// files (device, inode, size, modification time), so a file replaced on disk (a renewed
/// certificate) gives the next connection a new context: a `stat` per file per connection is
/// all a cached context costs.
enum TLSContextCache {
    /// A configuration and the state of its files when its context was built.
    private struct Key: Hashable {
        var configuration: RedisTLSConfiguration
        var files: [FileStamp?]
    }

    /// A file as `stat` describes it: what changes when it is rewritten or replaced.
    private struct FileStamp: Hashable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            #if canImport(Darwin)
            modifiedSeconds = info.st_mtimespec.tv_sec
            modifiedNanoseconds = info.st_mtimespec.tv_nsec
            #else
            modifiedSeconds = info.st_mtim.tv_sec
            modifiedNanoseconds = info.st_mtim.tv_nsec
            #endif
        }
    }

    /// Few applications use more than one or two TLS configurations; past this many, the cache
    /// starts again rather than grow with configurations nobody uses any more.
    private static let capacity = 16
    private static let contexts = Mutex<[Key: NIOSSLContext]>([:])

    /// The context for `configuration`: the one kept, or a new one built from its files.
    ///
    /// - Throws: ``RedisError/tlsFileUnreadable(path:role:reason:)`` for a file that cannot be
    ///   read or holds no PEM certificate or key; ``RedisError/invalidConfiguration(_:)`` for a
    ///   certificate without its key (or the reverse).
    static func context(for configuration: RedisTLSConfiguration) throws(RedisError) -> NIOSSLContext {
        let files = [configuration.caCertificateFile, configuration.certificateFile, configuration.privateKeyFile]
        let key = Key(configuration: configuration, files: files.map { $0.flatMap(FileStamp.init(path:)) })
        if let context = contexts.withLock({ $0[key] }) { return context }
        let context = try makeContext(configuration)
        contexts.withLock { contexts in
            if contexts.count >= capacity { contexts.removeAll() }
            contexts[key] = context
        }
        return context
    }

    /// Reads the files of `configuration` and builds its context.
    static func makeContext(_ configuration: RedisTLSConfiguration) throws(RedisError) -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch configuration.verification {
        case .fullVerification: tls.certificateVerification = .fullVerification
        case .noHostnameVerification: tls.certificateVerification = .noHostnameVerification
        case .none: tls.certificateVerification = .none
        }
        if let path = configuration.caCertificateFile {
            tls.trustRoots = .certificates(try certificates(at: path, role: "CA certificate file"))
        } else {
            tls.trustRoots = .default
        }
        switch (configuration.certificateFile, configuration.privateKeyFile) {
        case (let certificatePath?, let keyPath?):
            tls.certificateChain = try certificates(at: certificatePath, role: "certificate file").map { .certificate($0) }
            let bytes = try contents(of: keyPath, role: "private key file")
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: bytes, format: .pem))
            } catch {
                throw .tlsFileUnreadable(
                    path: keyPath, role: "private key file", reason: "it holds no PEM private key (-----BEGIN PRIVATE KEY-----), or one protected by a passphrase")
            }
        case (let certificatePath?, nil):
            throw .invalidConfiguration(
                "the TLS certificate file \(certificatePath) needs its private key: set privateKeyFile (?ssl_keyfile=...)")
        case (nil, let keyPath?):
            throw .invalidConfiguration(
                "the TLS private key file \(keyPath) needs its certificate: set certificateFile (?ssl_certfile=...)")
        case (nil, nil):
            break
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            // The certificate and key were each read above: what is left is that they disagree,
            // or that the system's trust store cannot be loaded.
            if let path = configuration.certificateFile {
                throw .tlsFileUnreadable(
                    path: path, role: "certificate file",
                    reason: "TLS refused it with the private key \(configuration.privateKeyFile ?? ""): is that key the certificate's? (\(error))")
            }
            throw .invalidConfiguration("cannot set up TLS with these settings: \(error)")
        }
    }

    private static func certificates(at path: String, role: String) throws(RedisError) -> [NIOSSLCertificate] {
        let bytes = try contents(of: path, role: role)
        let certificates = (try? NIOSSLCertificate.fromPEMBytes(bytes)) ?? []
        guard !certificates.isEmpty else {
            throw .tlsFileUnreadable(path: path, role: role, reason: "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    /// The bytes of the file at `path`, or the operating system's reason they cannot be read.
    private static func contents(of path: String, role: String) throws(RedisError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            let code = errno
            var reason = String(cString: strerror(code))
            if code == EACCES { reason += " (this process runs as uid \(getuid()); the file must be readable by it)" }
            throw .tlsFileUnreadable(path: path, role: role, reason: reason)
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes += chunk[..<count]
            if count < chunk.count {
                if ferror(file) != 0 { throw .tlsFileUnreadable(path: path, role: role, reason: String(cString: strerror(errno))) }
                return bytes
            }
            // A certificate bundle is kilobytes; anything this large is not one.
            guard bytes.count <= 16 << 20 else { throw .tlsFileUnreadable(path: path, role: role, reason: "it is larger than 16 MiB") }
        }
    }
}
