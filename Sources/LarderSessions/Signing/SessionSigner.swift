import Crypto
import Foundation

/// Django's signed session values (`django.core.signing.dumps`/`loads` with a
/// `TimestampSigner`), as the standalone Redis store and the `django_session` table keep them:
///
/// ```
/// eyJjb3VudCI6Mn0:1vOPvd:8IcMHUlWq0z1obD9gS-wr6kiQc9HPGM3A0Ev3DdTXwU
/// └ base64url(JSON) ┘└ time ┘└ base64url(HMAC-SHA256) ─────────────────┘
/// ```
///
/// The time is seconds since 1970 in Django's base 62. The signature is HMAC-SHA256 over
/// `payload:time` with Django's derived key, `SHA256(salt + "signer" + secret)`, salt
/// `django.contrib.sessions.SessionStore` (`salted_hmac`), so a value signed by Django with the
/// same `SECRET_KEY` reads here and the other way round (tested against a value Django 6.1
/// signed). Signing protects the session against changes; it does not hide it: anyone who
/// reads the value reads the JSON.
///
/// Django compresses the payload (zlib, marked by a leading `.`) when that makes it shorter;
/// this signer never compresses, and reads a compressed payload as unreadable (`nil`).
public struct SessionSigner: Sendable {
    /// Django's salt for session data (`"django.contrib.sessions." + SessionStore.__qualname__`).
    public static let djangoSessionSalt = "django.contrib.sessions.SessionStore"

    /// HMAC-SHA256 with the key already absorbed: copied per value, so the key's padding
    /// blocks are hashed once, not for every signature.
    private let keyed: HMAC<SHA256>

    /// A signer with `secret` (Django's `SECRET_KEY`) and `salt`.
    ///
    /// - Throws: ``SessionError/invalidConfiguration(_:)`` when `secret` is empty: an empty
    ///   key signs nothing anyone could not forge.
    public init(secret: String, salt: String = SessionSigner.djangoSessionSalt) throws(SessionError) {
        guard !secret.isEmpty else {
            throw .invalidConfiguration("the session signing secret is empty: set a long random secret (Django's SECRET_KEY)")
        }
        // salted_hmac: the HMAC key is sha256(key_salt + secret), key_salt = salt + "signer".
        keyed = HMAC<SHA256>(key: SymmetricKey(data: SHA256.hash(data: Array((salt + "signer" + secret).utf8))))
    }

    /// `data` signed at `date`: `base64url(JSON):time:signature`.
    public func sign(_ data: DjangoSessionData, at date: Date = Date()) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(128)
        Base64URL.encode(data.json, into: &output)
        output.append(UInt8(ascii: ":"))
        output.append(contentsOf: Base62.encode(Int(date.timeIntervalSince1970)).utf8)
        let code = signature(output)
        output.append(UInt8(ascii: ":"))
        Base64URL.encode(code, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The session in `value`, or `nil` when it is not a value this signer signed: a bad
    /// signature (tampered, or another secret), a malformed value, a compressed payload.
    /// Django reads all of these as an empty session; so do the stores.
    public func unsign(_ value: some BidirectionalCollection<UInt8>) -> DjangoSessionData? {
        guard let signatureColon = value.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        let signed = value[..<signatureColon]
        guard let given = Base64URL.decode(value[value.index(after: signatureColon)...]),
            Self.constantTimeEqual(given, signature(signed)),
            let timeColon = signed.lastIndex(of: UInt8(ascii: ":")),
            Base62.decode(signed[signed.index(after: timeColon)...]) != nil
        else { return nil }
        let payload = signed[..<timeColon]
        guard payload.first != UInt8(ascii: "."), let json = Base64URL.decode(payload) else { return nil }
        return DjangoSessionData(json: json)
    }

    /// HMAC-SHA256 of `bytes` with the derived key.
    private func signature(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hmac = keyed
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

    /// When `value` was signed, or `nil` when it has no readable time (not checked against
    /// the signature: for display).
    public static func signedAt(_ value: String) -> Date? {
        let parts = value.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 3, let seconds = Base62.decode(parts[1]) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
