import Foundation
import LarderPickle
import LarderZlib

/// Decodes a string value by what wrote its key (``KeyKind``).
enum KeyValueDecoder {
    /// The value of a key of `kind`, given its bytes (`complete` false when only a preview was
    /// read), and the kind confirmed: a bare DB-0 key whose value is not a signed session is
    /// not a session after all, and becomes ``KeyKind/other``.
    static func decode(_ bytes: [UInt8], kind: KeyKind, complete: Bool) -> (KeyKind, KeyValue) {
        switch kind {
        case .pageHeader:
            if complete, let headers = try? JSONDecoder().decode([String].self, from: Data(bytes)) {
                return (kind, .pageHeaders(headers))
            }
            return (kind, .raw(bytes))
        case .page:
            if complete, let page = PageCacheValue(http: bytes) { return (kind, .page(page)) }
            return (kind, .raw(bytes))
        case .session(.redisStore, _):
            if complete, let text = String(validating: bytes, as: UTF8.self), let session = SignedSessionValue(text) {
                return (kind, .signedSession(session))
            }
            return (.other, .raw(bytes))
        case .session, .cacheEntry:
            return (kind, cacheValue(bytes, complete: complete))
        case .other:
            return (kind, .raw(bytes))
        }
    }

    /// The cache's encodings: an integer as its digits, anything else as JSON, or as Django's
    /// backends write it, a pickle (`0x80`, its `PROTO` opcode, first), maybe zlib-compressed
    /// (`0x78` first, zlib's header), as django-redis's `ZlibCompressor` leaves it.
    static func cacheValue(_ bytes: [UInt8], complete: Bool) -> KeyValue {
        guard complete else { return .raw(bytes) }
        if let integer = integer(bytes) { return .integer(integer) }
        if bytes.first == 0x80, let value = try? Pickle.decode(bytes) { return .pickle(value, compressed: false) }
        if bytes.first == 0x78, let inflated = try? Zlib.decompress(bytes, maximumSize: maximumInflatedSize),
            inflated.first == 0x80, let value = try? Pickle.decode(inflated)
        {
            return .pickle(value, compressed: true)
        }
        if (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil,
            let text = String(validating: bytes, as: UTF8.self)
        {
            return .json(text)
        }
        return .raw(bytes)
    }

    /// The most a compressed value may inflate to before the inspector shows it raw: the
    /// inspector reads other programs' values, and a zip bomb must not take its memory.
    static let maximumInflatedSize = 16 << 20

    /// Digits with an optional `-`, as Redis's `int` encoding holds them (no `+`, no spaces).
    static func integer(_ bytes: [UInt8]) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        let digits = bytes.first == UInt8(ascii: "-") ? bytes.dropFirst() : bytes[...]
        guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(String(decoding: bytes, as: UTF8.self))
    }
}
