import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `Set-Cookie` values Django writes, attribute for attribute and in its order (Python's
/// `SimpleCookie` sorts them by name):
///
/// ```
/// sessionid=<key>; expires=Thu, 10 Dec 2026 14:40:27 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax
/// sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax
/// ```
enum SessionCookie {
    /// The cookie that carries `key`, expiring `maxAge` seconds after `now`, or without
    /// `expires`/`Max-Age` when `maxAge` is `nil` (a browser-session cookie). The session decides
    /// `maxAge` (``Session/cookieMaxAge(now:)``); ``set(key:configuration:now:)`` is the
    /// configuration's alone.
    static func set(key: String, configuration: SessionConfiguration, maxAge: Int?, now: Date = Date()) -> String {
        var parts = ["\(configuration.cookieName)=\(key)"]
        if let domain = configuration.cookieDomain { parts.append("Domain=\(domain)") }
        if let maxAge {
            parts.append("expires=\(cachedHTTPDate(Int(now.timeIntervalSince1970.rounded(.down)) + maxAge))")
        }
        if configuration.cookieHTTPOnly { parts.append("HttpOnly") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        parts.append("Path=\(configuration.cookiePath)")
        if let sameSite = configuration.cookieSameSite { parts.append("SameSite=\(sameSite)") }
        if configuration.cookieSecure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    /// The cookie for a session that sets no expiry of its own: ``SessionConfiguration/cookieAge``,
    /// or none with ``SessionConfiguration/expireAtBrowserClose``.
    static func set(key: String, configuration: SessionConfiguration, now: Date = Date()) -> String {
        set(key: key, configuration: configuration, maxAge: configuration.expireAtBrowserClose ? nil : configuration.cookieAge, now: now)
    }

    /// Django's `delete_cookie`: an empty value that expired in 1970. `Secure` only for
    /// `__Secure-`/`__Host-` names or `SameSite=None`, as Django decides.
    static func delete(configuration: SessionConfiguration) -> String {
        var parts = ["\(configuration.cookieName)=\"\""]
        if let domain = configuration.cookieDomain { parts.append("Domain=\(domain)") }
        parts.append("expires=Thu, 01 Jan 1970 00:00:00 GMT")
        parts.append("Max-Age=0")
        parts.append("Path=\(configuration.cookiePath)")
        if let sameSite = configuration.cookieSameSite { parts.append("SameSite=\(sameSite)") }
        let name = configuration.cookieName
        if name.hasPrefix("__Secure-") || name.hasPrefix("__Host-") || configuration.cookieSameSite?.lowercased() == "none" {
            parts.append("Secure")
        }
        return parts.joined(separator: "; ")
    }

    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The last date formatted: every response of one second carries the same `expires`.
    private static let lastDate = Mutex<(seconds: Int, text: String)>((-1, ""))

    static func cachedHTTPDate(_ seconds: Int) -> String {
        if let text = lastDate.withLock({ $0.seconds == seconds ? $0.text : nil }) { return text }
        let text = httpDate(Double(seconds))
        lastDate.withLock { $0 = (seconds, text) }
        return text
    }

    /// RFC 7231's date, `Thu, 10 Dec 2026 14:40:27 GMT` (Django's `http_date`).
    static func httpDate(_ secondsSince1970: Double) -> String {
        var seconds = time_t(secondsSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// The value of cookie `name` in a `Cookie` request header, or `nil`. Scans the bytes
    /// once, without splitting the header into parts (it runs on every request).
    static func value(named name: String, in header: Substring) -> Substring? {
        let bytes = header.utf8
        var index = bytes.startIndex
        while index < bytes.endIndex {
            // Skip the spaces before a pair, then compare its name.
            while index < bytes.endIndex, bytes[index] == UInt8(ascii: " ") { index = bytes.index(after: index) }
            var nameIndex = name.utf8.startIndex
            var cursor = index
            while cursor < bytes.endIndex, nameIndex < name.utf8.endIndex, bytes[cursor] == name.utf8[nameIndex] {
                cursor = bytes.index(after: cursor)
                nameIndex = name.utf8.index(after: nameIndex)
            }
            let pairEnd = bytes[index...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
            if nameIndex == name.utf8.endIndex, cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: "=") {
                var value = header[bytes.index(after: cursor)..<pairEnd]
                while value.last == " " { value = value.dropLast() }
                if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
                return value
            }
            index = pairEnd < bytes.endIndex ? bytes.index(after: pairEnd) : pairEnd
        }
        return nil
    }
}
