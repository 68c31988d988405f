import Foundation

/// `Foundation.Date` ↔ `datetime.datetime`: Django with `USE_TZ = True` stores aware datetimes
/// in UTC, so a `Date` is written as one (offset zero) and read from either kind: aware at its
/// offset, naive as UTC. Microseconds, as Python keeps them (a `Date` is rounded to the nearest).
extension PickleDateTime {
    /// The aware UTC datetime of `date`, to the microsecond.
    public init(_ date: Date) {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        // Clamp to what Python can hold (to 9999-12-31 23:59:59) rather than trap on a distant Date.
        let total = Int64(max(min(micros, 253_402_300_799_000_000), -62_135_596_800_000_000))
        let (seconds, microsecond) = Self.floorDivide(total, 1_000_000)
        let (days, secondOfDay) = Self.floorDivide(seconds, 86_400)
        let (year, month, day) = Self.civil(fromDays: Int(days))
        self.init(
            year: year, month: month, day: day, hour: Int(secondOfDay / 3600), minute: Int(secondOfDay % 3600 / 60),
            second: Int(secondOfDay % 60), microsecond: Int(microsecond), utcOffset: PickleTimeDelta()
        )
    }

    /// The instant this datetime names: at its offset if aware, as UTC if naive.
    public var dateValue: Date {
        let days = Self.days(fromCivil: date.year, date.month, date.day)
        var seconds = Double(days) * 86_400 + Double(time.hour * 3600 + time.minute * 60 + time.second)
        seconds += Double(time.microsecond) / 1_000_000
        if let offset = utcOffset { seconds -= offset.totalSeconds }
        return Date(timeIntervalSince1970: seconds)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = ((value % divisor) + divisor) % divisor
        return ((value - remainder) / divisor, remainder)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
