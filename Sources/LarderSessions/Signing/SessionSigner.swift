import Crypto
import Foundation
import LarderZlib
import NIOCore

/// Django's signed session values (`django.core.signing.dumps(..., compress=True)`/`loads` with a
/// `TimestampSigner`, what `SessionBase.encode`/`decode` call), as the standalone Redis store and
/// the `django_session` table keep them:
///
/// ```
/// eyJjb3VudCI6Mn0:1vOPvd:8IcMHUlWq0z1obD9gS-wr6kiQc9HPGM3A0Ev3DdTXwU
/// └ base64url(JSON) ┘└ time ┘└ base64url(HMAC-SHA256) ─────────────────┘
/// .eJyrVkrOzyvJzM1VslIyNDJW0lFKLi1KLUpVsqpWSk...:1vOPvd:...
/// └ "." + base64url(zlib(JSON)): a session that compresses ┘
/// ```
///
/// The time is seconds since 1970 in Django's base 62. The signature is HMAC-SHA256 over
/// `payload:time` with Django's derived key, `SHA256(salt + "signer" + secret)`, salt
/// `django.contrib.sessions.SessionStore` (`salted_hmac`), so a value signed by Django with the
/// same `SECRET_KEY` reads here and the other way round. Signing protects the session against
/// changes; it does not hide it: anyone who reads the value reads the JSON.
///
/// Like Django, ``sign(_:at:)`` compresses the JSON with zlib (Python's `zlib.compress` at the
/// default level) when the result is shorter by more than one byte, and marks it with a leading
/// `.`: the same session at the same second gives the same string as Django. ``unsign(_:)-(String)``
/// reads both forms; a compressed payload is inflated to at most ``maximumSize`` bytes.
///
/// Secrets can be rotated as with Django's `SECRET_KEY_FALLBACKS`: sign with the new secret,
/// keep the old ones as `fallbackSecrets` so that sessions signed with them still read.
///
/// ```swift
/// let signer = try SessionSigner(secret: newSecret, fallbackSecrets: [oldSecret])
/// ```
public struct SessionSigner: Sendable {
    /// Django's salt for session data (`"django.contrib.sessions." + SessionStore.__qualname__`).
    public static let djangoSessionSalt = "django.contrib.sessions.SessionStore"

    /// HMAC-SHA256 with the key already absorbed: copied per value, so the key's padding
    /// blocks are hashed once, not for every signature. The current secret's first, then the
    /// fallbacks' in the order given.
    private let keys: [HMAC<SHA256>]

    /// The largest decompressed session payload read, in bytes: a compressed payload that would
    /// inflate past it reads as no session. Django has no limit (the signature is its only
    /// defence against zip bombs); this one also holds when a secret has leaked. Default
    /// ``Zlib/defaultMaximumSize`` (64 MiB).
    public let maximumSize: Int

    /// A signer with `secret` (Django's `SECRET_KEY`), `fallbackSecrets` (Django's
    /// `SECRET_KEY_FALLBACKS`, tried in order after `secret` when reading; never used to sign)
    /// and `salt`.
    ///
    /// - Throws: ``SessionError/invalidConfiguration(_:)`` when `secret` or a fallback is
    ///   empty: an empty key signs nothing anyone could not forge.
    public init(
        secret: String,
        fallbackSecrets: [String] = [],
        salt: String = SessionSigner.djangoSessionSalt,
        maximumSize: Int = Zlib.defaultMaximumSize
    ) throws(SessionError) {
        guard !secret.isEmpty else {
            throw .invalidConfiguration("the session signing secret is empty: set a long random secret (Django's SECRET_KEY)")
        }
        guard !fallbackSecrets.contains(where: \.isEmpty) else {
            throw .invalidConfiguration("a fallback session secret is empty: list only the old secrets (Django's SECRET_KEY_FALLBACKS)")
        }
        // salted_hmac: the HMAC key is sha256(key_salt + secret), key_salt = salt + "signer".
        keys = ([secret] + fallbackSecrets).map { secret in
            HMAC<SHA256>(key: SymmetricKey(data: SHA256.hash(data: Array((salt + "signer" + secret).utf8))))
        }
        self.maximumSize = maximumSize
    }

    /// How many fallback secrets the signer tries after the current one.
    public var fallbackCount: Int { keys.count - 1 }

    /// `data` signed at `date` with the current secret: `payload:time:signature`, the payload
    /// `base64url(JSON)`, or `"." + base64url(zlib(JSON))` when that is shorter (Django's rule:
    /// compressed when `len(compressed) < len(json) - 1`).
    public func sign(_ data: DjangoSessionData, at date: Date = Date()) -> String {
        let json = data.json
        var output: [UInt8] = []
        output.reserveCapacity(json.count * 4 / 3 + 64)
        // Python's zlib.compress(data): the default level; only a zlib failure (out of
        // memory) could throw, and the JSON is then signed as it is.
        if let compressed = try? Zlib.compress(ByteBuffer(bytes: json)), compressed.readableBytes < json.count - 1 {
            output.append(UInt8(ascii: "."))
            Base64URL.encode(compressed.readableBytesView, into: &output)
        } else {
            Base64URL.encode(json, into: &output)
        }
        output.append(UInt8(ascii: ":"))
        output.append(contentsOf: Base62.encode(Int(date.timeIntervalSince1970)).utf8)
        let code = signature(output, key: keys[0])
        output.append(UInt8(ascii: ":"))
        Base64URL.encode(code, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The session in `value`, or `nil` when it is not a value this signer signed: a bad
    /// signature (tampered, or a secret neither current nor a fallback), a malformed value, a
    /// compressed payload that does not inflate or inflates past ``maximumSize``. Django reads
    /// all of these as an empty session; so do the stores. ``verify(_:)`` says which it was.
    public func unsign(_ value: some BidirectionalCollection<UInt8>) -> DjangoSessionData? {
        try? verify(value)
    }

    /// The session in `value`, as ``unsign(_:)-(BidirectionalCollection<UInt8>)``, or why not.
    ///
    /// - Throws: ``SessionError/undecodable(key:expected:reason:)`` whose ``SessionError/reason``
    ///   says what is wrong: the signature (`bad signature`), the value's form, or zlib's
    ///   error (``ZlibError``'s description, `zlib: ...`: too large, corrupt, truncated).
    public func verify(_ value: some BidirectionalCollection<UInt8>) throws(SessionError) -> DjangoSessionData {
        func failure(_ reason: String) -> SessionError {
            .undecodable(key: "", expected: "a session signed with this signer's secrets", reason: reason)
        }
        guard let signatureColon = value.lastIndex(of: UInt8(ascii: ":")) else { throw failure("no ':' in the value") }
        let signed = value[..<signatureColon]
        guard let given = Base64URL.decode(value[value.index(after: signatureColon)...]) else {
            throw failure("bad signature (not base64url)")
        }
        // Django's Signer.unsign: the current key, then each fallback, until one matches.
        guard keys.contains(where: { Self.constantTimeEqual(given, signature(signed, key: $0)) }) else {
            throw failure("bad signature")
        }
        guard let timeColon = signed.lastIndex(of: UInt8(ascii: ":")),
            Base62.decode(signed[signed.index(after: timeColon)...]) != nil
        else { throw failure("no signing time") }
        var payload = signed[..<timeColon]
        let compressed = payload.first == UInt8(ascii: ".")
        if compressed { payload = payload.dropFirst() }
        guard var json = Base64URL.decode(payload) else { throw failure("the payload is not base64url") }
        if compressed {
            do {
                json = try Zlib.decompress(json, maximumSize: maximumSize)
            } catch {
                throw failure("\(error)")
            }
        }
        guard let data = DjangoSessionData(json: json) else { throw failure("the payload is not a JSON object") }
        return data
    }

    /// HMAC-SHA256 of `bytes` with `key`.
    private func signature(_ bytes: some Collection<UInt8>, key: HMAC<SHA256>) -> [UInt8] {
        var hmac = key
        let contiguous: Void? = bytes.withContiguousStorageIfAvailable { hmac.update(data: UnsafeRawBufferPointer($0)) }
        if contiguous == nil { hmac.update(data: Array(bytes)) }
        return Array(hmac.finalize())
    }

    /// Compares every byte whatever the first difference (Django's `constant_time_compare`),
    /// so the time taken tells an attacker nothing about how much of a forgery was right.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// The session in the signed string `value`, or `nil` (see ``unsign(_:)-(BidirectionalCollection<UInt8>)``).
    public func unsign(_ value: String) -> DjangoSessionData? {
        unsign(Array(value.utf8))
    }

    /// The session in the signed string `value`, or why not (see ``verify(_:)``).
    ///
    /// - Throws: as ``verify(_:)``.
    public func verify(_ value: String) throws(SessionError) -> DjangoSessionData {
        try verify(Array(value.utf8))
    }

    /// When `value` was signed, or `nil` when it has no readable time (not checked against
    /// the signature: for display).
    public static func signedAt(_ value: String) -> Date? {
        let parts = value.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 3, let seconds = Base62.decode(parts[1]) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
