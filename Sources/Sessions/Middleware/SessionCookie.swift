import Foundation

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
    /// The cookie that carries `key`, expiring `cookieAge` seconds after `now` (no
    /// `expires`/`Max-Age` with expire-at-browser-close).
    static func set(key: String, configuration: SessionConfiguration, now: Date = Date()) -> String {
        var parts = ["\(configuration.cookieName)=\(key)"]
        if let domain = configuration.cookieDomain { parts.append("Domain=\(domain)") }
        if !configuration.expireAtBrowserClose {
            parts.append("expires=\(httpDate(now.timeIntervalSince1970 + Double(configuration.cookieAge)))")
        }
        if configuration.cookieHTTPOnly { parts.append("HttpOnly") }
        if !configuration.expireAtBrowserClose { parts.append("Max-Age=\(configuration.cookieAge)") }
        parts.append("Path=\(configuration.cookiePath)")
        if let sameSite = configuration.cookieSameSite { parts.append("SameSite=\(sameSite)") }
        if configuration.cookieSecure { parts.append("Secure") }
        return parts.joined(separator: "; ")
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

    /// RFC 7231's date, `Thu, 10 Dec 2026 14:40:27 GMT` (Django's `http_date`).
    static func httpDate(_ secondsSince1970: Double) -> String {
        var seconds = time_t(secondsSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// The value of cookie `name` in a `Cookie` request header, or `nil`.
    static func value(named name: String, in header: Substring) -> Substring? {
        for pair in header.split(separator: ";") {
            let trimmed = pair.drop { $0 == " " }
            guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
            var value = trimmed[trimmed.index(after: equals)...]
            while value.last == " " { value = value.dropLast() }
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
            return value
        }
        return nil
    }
}
