/// A `datetime.timedelta`: days, seconds and microseconds, normalised as Python does
/// (`0 <= seconds < 86400`, `0 <= microseconds < 1_000_000`; `days` carries the sign).
public struct PickleTimeDelta: Sendable, Hashable {
    /// Whole days; negative for a negative duration.
    public var days: Int
    /// Seconds within the day, `0..<86400`.
    public var seconds: Int
    /// Microseconds within the second, `0..<1_000_000`.
    public var microseconds: Int

    /// A duration of `days`, `seconds` and `microseconds`, normalised as Python's `timedelta(...)` does.
    public init(days: Int = 0, seconds: Int = 0, microseconds: Int = 0) {
        let (extraSeconds, micro) = Self.floorDivide(microseconds, 1_000_000)
        let (extraDays, secs) = Self.floorDivide(seconds + extraSeconds, 86_400)
        self.days = days + extraDays
        self.seconds = secs
        self.microseconds = micro
    }

    /// The duration in whole seconds plus a fraction, e.g. `7200` for `timedelta(hours=2)`.
    public var totalSeconds: Double { Double(days) * 86_400 + Double(seconds) + Double(microseconds) / 1_000_000 }

    /// Python's `divmod` for a positive divisor: the remainder is never negative.
    static func floorDivide(_ value: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
        let remainder = ((value % divisor) + divisor) % divisor
        return ((value - remainder) / divisor, remainder)
    }
}

/// A `datetime.date`.
public struct PickleDate: Sendable, Hashable {
    /// The year, `1...9999`.
    public var year: Int
    /// The month, `1...12`.
    public var month: Int
    /// The day of the month, `1...31`.
    public var day: Int

    /// The date `year`-`month`-`day` (not checked against the calendar: the writer checks ranges).
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }
}

/// A `datetime.time`, naive (``utcOffset`` is nil) or with a fixed offset.
public struct PickleTime: Sendable, Hashable {
    /// The hour, `0...23`.
    public var hour: Int
    /// The minute, `0...59`.
    public var minute: Int
    /// The second, `0...59`.
    public var second: Int
    /// The microsecond, `0...999_999`.
    public var microsecond: Int
    /// The offset of its `datetime.timezone`, nil for a naive time.
    public var utcOffset: PickleTimeDelta?

    /// The time `hour`:`minute`:`second`.`microsecond`, naive unless `utcOffset` is given.
    public init(hour: Int, minute: Int, second: Int = 0, microsecond: Int = 0, utcOffset: PickleTimeDelta? = nil) {
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
        self.utcOffset = utcOffset
    }
}

/// A `datetime.datetime`, naive (``utcOffset`` is nil) or aware with a fixed offset: Django with
/// `USE_TZ = True` stores aware datetimes in UTC (`datetime.timezone.utc`, offset zero).
public struct PickleDateTime: Sendable, Hashable {
    /// The date part.
    public var date: PickleDate
    /// The time of day; its ``PickleTime/utcOffset`` is the datetime's.
    public var time: PickleTime

    /// The offset of its `datetime.timezone`, nil for a naive datetime.
    public var utcOffset: PickleTimeDelta? {
        get { time.utcOffset }
        set { time.utcOffset = newValue }
    }

    /// The datetime of `date` at `time`.
    public init(date: PickleDate, time: PickleTime) {
        self.date = date
        self.time = time
    }

    /// The datetime from its fields, naive unless `utcOffset` is given (`PickleTimeDelta()` is UTC).
    public init(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0,
        utcOffset: PickleTimeDelta? = nil
    ) {
        self.date = PickleDate(year: year, month: month, day: day)
        self.time = PickleTime(hour: hour, minute: minute, second: second, microsecond: microsecond, utcOffset: utcOffset)
    }
}
