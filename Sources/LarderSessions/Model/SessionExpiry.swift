import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A session's own expiry, Django's `request.session.set_expiry(value)`, kept in the session
/// under `_session_expiry` (``DjangoSessionData/expiryKey``) so that Django and this library
/// read the same value:
///
/// | Django                           | here                        | stored                                   |
/// |----------------------------------|-----------------------------|------------------------------------------|
/// | `set_expiry(300)`                | `.seconds(300)`             | `300`                                    |
/// | `set_expiry(0)`                  | `.browserClose`             | `0`                                      |
/// | `set_expiry(datetime)`/`timedelta` | `.date(date)`             | `"2026-12-07T10:00:00.250000+00:00"`     |
/// | `set_expiry(None)`               | `nil`                       | (key removed)                            |
///
/// With none set, the configuration decides (`SESSION_COOKIE_AGE`, `SESSION_EXPIRE_AT_BROWSER_CLOSE`).
public enum SessionExpiry: Sendable, Hashable {
    /// Expires after this many seconds without a save (the session's age, each time it is
    /// saved); `0` means when the browser closes (``browserClose``), the store then keeping it
    /// the configured age.
    case seconds(Int)
    /// Expires at this moment, whenever it is saved. Stored as Python's `datetime.isoformat()`
    /// of the UTC time, with an offset (`+00:00`), as Django with `USE_TZ = True` writes it.
    case date(Date)

    /// Django's `set_expiry(0)`: a cookie without `Max-Age`, gone when the browser closes.
    public static var browserClose: Self { .seconds(0) }
}

extension DjangoSessionData {
    /// The key Django keeps a session's own expiry under: `_session_expiry`.
    public static let expiryKey = "_session_expiry"

    /// The session's own expiry (``SessionExpiry``), or `nil` when none is set (or the stored
    /// value is not one Django writes: a number or an ISO 8601 date string).
    ///
    /// Setting it stores the value as Django's `set_expiry` does; setting `nil` removes it.
    /// A value read from Django is left as it was unless set here, so writing the session back
    /// keeps Django's exact text.
    public var expiry: SessionExpiry? {
        get {
            switch values[Self.expiryKey] {
            case .int(let seconds): .seconds(seconds)
            // Python's int(): a float expiry counts its whole seconds.
            case .double(let seconds) where seconds.isFinite: .seconds(Int(seconds))
            case .string(let text): PythonISODate.parse(text).map(SessionExpiry.date)
            default: nil
            }
        }
        set {
            switch newValue {
            case nil: values.removeValue(forKey: Self.expiryKey)
            case .seconds(let seconds): values[Self.expiryKey] = .int(seconds)
            case .date(let date): values[Self.expiryKey] = .string(PythonISODate.format(date))
            }
        }
    }

    /// How many seconds from `now` the session lives (Django's `get_expiry_age`): its own
    /// ``expiry`` if set (seconds as they are; a date's distance from `now`, whole seconds,
    /// rounded down, negative once past), else `cookieAge`. `0` (browser close) also gives
    /// `cookieAge`, how long the store keeps such a session.
    public func expiryAge(cookieAge: Int, now: Date = Date()) -> Int {
        switch expiry {
        case nil, .seconds(0): cookieAge
        case .seconds(let seconds): seconds
        case .date(let date): Int(date.timeIntervalSince(now).rounded(.down))
        }
    }

    /// When the session expires (Django's `get_expiry_date`, the `expire_date` of the
    /// `django_session` row): its own ``expiry`` date if set, else `now` plus its seconds, or
    /// plus `cookieAge` when it has none (or `0`).
    public func expiryDate(cookieAge: Int, now: Date = Date()) -> Date {
        switch expiry {
        case .date(let date): date
        case nil, .seconds(0): now.addingTimeInterval(TimeInterval(cookieAge))
        case .seconds(let seconds): now.addingTimeInterval(TimeInterval(seconds))
        }
    }

    /// Whether the cookie is dropped when the browser closes (Django's
    /// `get_expire_at_browser_close`): `configured` (`SESSION_EXPIRE_AT_BROWSER_CLOSE`) when
    /// the session sets no expiry, else whether its expiry is `0`.
    public func expiresAtBrowserClose(configured: Bool) -> Bool {
        guard let expiry else { return configured }
        return expiry == .browserClose
    }
}

/// Python's `datetime.isoformat()` and `datetime.fromisoformat()` for the instants Django stores
/// in `_session_expiry`.
enum PythonISODate {
    /// `2026-12-07T10:00:00.250000+00:00`; no fraction when the microseconds are 0, as Python.
    static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = time_t(micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000)
        let fraction = Int(micros - Int64(seconds) * 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
            + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
        if fraction != 0 { text += ".\(pad(fraction, 6))" }
        return text + "+00:00"
    }

    /// The instant in `text`: `YYYY-MM-DD`, then optionally one separator character and
    /// `HH[:MM[:SS[.ffffff]]]`, then optionally `Z`, `±HH:MM[:SS]` or `±HHMM`. A time without an
    /// offset is taken as UTC (Django with `USE_TZ = True` always writes one). `nil` otherwise.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + width] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += width
            return value
        }
        func skip(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0, micros = 0
        if index < bytes.count, bytes[index] != UInt8(ascii: "+"), bytes[index] != UInt8(ascii: "-"), bytes[index] != UInt8(ascii: "Z") {
            index += 1  // the separator: Python accepts any single character
            guard let h = number(2), h < 24 else { return nil }
            hour = h
            if skip(":") {
                guard let m = number(2), m < 60 else { return nil }
                minute = m
                if skip(":") {
                    guard let s = number(2), s < 60 else { return nil }
                    second = s
                    if skip(".") || skip(",") {
                        var digits = 0
                        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                            if digits < 6 { micros = micros * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                            digits += 1
                            index += 1
                        }
                        guard digits > 0 else { return nil }
                        for _ in digits..<max(digits, 6) { micros *= 10 }
                    }
                }
            }
        }
        var offset = 0
        if skip("Z") {
            offset = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2) else { return nil }
            _ = skip(":")
            guard let minutes = number(2) else { return nil }
            var offsetSeconds = 0
            if skip(":") {
                guard let s = number(2) else { return nil }
                offsetSeconds = s
            }
            offset = sign * (hours * 3600 + minutes * 60 + offsetSeconds)
        }
        guard index == bytes.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let utc = Int(timegm(&parts)) - offset
        return Date(timeIntervalSince1970: TimeInterval(utc) + TimeInterval(micros) / 1_000_000)
    }
}
