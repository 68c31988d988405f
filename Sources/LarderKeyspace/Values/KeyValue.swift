import Foundation
import LarderPickle

/// A key's value, decoded where the workspace knows how it was written, raw otherwise.
public enum KeyValue: Hashable, Sendable {
    /// Digits, as the cache stores an `Int` (so that `INCR` works on it).
    case integer(Int)
    /// JSON, as the cache's serializer writes values and cache-engine sessions.
    case json(String)
    /// A Python pickle, as Django's Redis cache backends write values and cache-engine sessions
    /// (and this library's Django presets), decoded; `compressed` when it was stored
    /// zlib-compressed (django-redis's `ZlibCompressor`).
    case pickle(PickleValue, compressed: Bool)
    /// A page cache header key's list of request headers named by `Vary` (`["HTTP_COOKIE"]`).
    case pageHeaders([String])
    /// A cached page.
    case page(PageCacheValue)
    /// A standalone-store session: Django's signed string, payload decoded, signature not checked.
    case signedSession(SignedSessionValue)
    /// Bytes shown as they are (escaped for display): another program's value, or one of ours
    /// that did not decode.
    case raw([UInt8])
    /// The first elements of a list, hash, set, sorted set or stream, and how many there are.
    case elements([String], total: Int)
    /// No such key: it expired or was deleted before it was read, or never existed.
    case missing

    /// One line for a terminal or a table cell, at most about `limit` characters of the value,
    /// with untrusted text escaped (``DisplayText``). HTML output must escape it again.
    public func summary(limit: Int = 120) -> String {
        switch self {
        case .integer(let number):
            return "integer \(number)"
        case .json(let text):
            return "JSON " + DisplayText.escaped(text, limit: limit)
        case .pickle(let value, let compressed):
            return (compressed ? "zlib pickle " : "pickle ") + DisplayText.escaped(value.description, limit: limit)
        case .pageHeaders(let headers):
            let list = "[" + headers.map { "\"\(DisplayText.escaped($0, limit: 40))\"" }.joined(separator: ", ") + "]"
            return headers.isEmpty ? "Vary headers: [] (no Vary)" : "Vary headers: \(list)"
        case .page(let page):
            let type = page.contentType.map { ", \(DisplayText.escaped($0, limit: 40))" } ?? ""
            return "page: status \(page.status), \(page.headers.count) headers\(type), body \(page.bodyBytes) bytes"
        case .signedSession(let session):
            let payload = session.json.map { DisplayText.escaped($0, limit: limit) } ?? "(zlib-compressed payload that does not decompress)"
            return "signed session \(session.isCompressed ? "(zlib) " : "")\(payload), signed \(Self.timestamp(session.signedAt)) UTC (signature not checked)"
        case .raw(let bytes):
            return "\"" + DisplayText.escaped(bytes, limit: limit) + "\""
        case .elements(let sample, let total):
            let shown = sample.map { DisplayText.escaped($0, limit: 40) }.joined(separator: ", ")
            return "\(total) element\(total == 1 ? "" : "s")" + (sample.isEmpty ? "" : ": \(shown)") + (sample.count < total ? ", …" : "")
        case .missing:
            return "(no such key: expired, deleted, or never written)"
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}
