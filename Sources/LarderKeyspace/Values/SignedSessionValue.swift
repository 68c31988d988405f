import Foundation
import LarderZlib

/// Django's signed session string, as the standalone Redis session store keeps it:
/// `base64url(JSON):timestamp:signature` (`django.core.signing`, `TimestampSigner`).
///
/// Reading the payload needs no secret: the signature protects the data against changes, it
/// does not hide it. This type does not check the signature (that needs the app's
/// `SECRET_KEY`); it shows what the session holds, and says so.
public struct SignedSessionValue: Hashable, Sendable {
    /// The session dictionary as JSON text, inflated first when the payload is compressed (a
    /// leading `.`: zlib, which Django uses when it makes the payload shorter); `nil` when a
    /// compressed payload does not inflate to JSON.
    public var json: String?
    /// When the value was signed (its base62 timestamp, seconds since 1970).
    public var signedAt: Date
    /// The signature, base64url, as stored. Not checked.
    public var signature: String
    /// Whether the payload is zlib-compressed.
    public var isCompressed: Bool

    /// Parses `value`, or returns `nil` when it is not in Django's signed format.
    public init?(_ value: String) {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[1].isEmpty, !parts[2].isEmpty,
            let seconds = Self.base62(parts[1]),
            parts[2].allSatisfy({ Self.isBase64URL($0) })
        else { return nil }
        var payload = parts[0]
        isCompressed = payload.hasPrefix(".")
        if isCompressed { payload = payload.dropFirst() }
        guard !payload.isEmpty, payload.allSatisfy({ Self.isBase64URL($0) }),
            let data = Self.base64URLDecoded(payload)
        else { return nil }
        if isCompressed {
            if let inflated = try? Zlib.decompress(data, maximumSize: KeyValueDecoder.maximumInflatedSize),
                (try? JSONSerialization.jsonObject(with: Data(inflated), options: [.fragmentsAllowed])) != nil
            {
                json = String(decoding: inflated, as: UTF8.self)
            } else {
                json = nil
            }
        } else {
            guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil,
                let text = String(data: data, encoding: .utf8)
            else { return nil }
            json = text
        }
        signedAt = Date(timeIntervalSince1970: TimeInterval(seconds))
        signature = String(parts[2])
    }

    static func isBase64URL(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_")
    }

    /// Decodes unpadded base64url (`-` and `_` for `+` and `/`).
    static func base64URLDecoded(_ text: Substring) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard)
    }

    /// Django's `b62_decode`: digits, then `A-Z`, then `a-z`.
    static func base62(_ text: Substring) -> Int? {
        var value = 0
        for character in text.utf8 {
            let digit: Int
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(character - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = Int(character - UInt8(ascii: "A")) + 10
            case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = Int(character - UInt8(ascii: "a")) + 36
            default: return nil
            }
            let (times, overflow) = value.multipliedReportingOverflow(by: 62)
            let (sum, overflow2) = times.addingReportingOverflow(digit)
            guard !overflow, !overflow2 else { return nil }
            value = sum
        }
        return value
    }
}
