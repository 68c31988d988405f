import Foundation
import NIOCore

/// Each kind of value, in the opcodes CPython 3.11 writes for it (checked with `pickletools.dis`).
extension PickleWriter {
    mutating func write(_ value: PickleValue) throws(PickleError) {
        frameBoundary()
        switch value {
        case .none: op(PickleOpcode.none)
        case .bool(let flag): op(flag ? PickleOpcode.newTrue : PickleOpcode.newFalse)
        case .int(let number): writeInt(number)
        case .bigInt(let number): writeLong(number)
        case .float(let number):
            op(PickleOpcode.binFloat)
            buffer.writeInteger(number.bitPattern, endianness: .big)
        case .string(let text): try writeString(text)
        case .bytes(let bytes): try writeBytes(bytes)
        case .list(let items):
            op(PickleOpcode.emptyList)
            memoize()
            try writeBatches(items[...], closing: PickleOpcode.appends, single: PickleOpcode.append)
        case .tuple(let items): try writeTuple(items)
        case .dict(let pairs):
            op(PickleOpcode.emptyDict)
            memoize()
            try writeDict(pairs)
        case .set(let items):
            if version >= 4 {
                op(PickleOpcode.emptySet)
                memoize()
                try writeBatches(items[...], closing: PickleOpcode.addItems, single: nil)
            } else {
                try writeReduceOfList(.set, items)
            }
        case .frozenset(let items):
            if version >= 4 {
                op(PickleOpcode.mark)
                for item in items { try write(item) }
                op(PickleOpcode.frozenset)
                memoize()
            } else {
                try writeReduceOfList(.frozenset, items)
            }
        case .datetime(let datetime):
            try writeTemporal(.datetime, packed: try Self.packed(datetime.date) + Self.packed(datetime.time), offset: datetime.utcOffset)
        case .date(let date):
            try writeTemporal(.date, packed: try Self.packed(date), offset: nil)
        case .time(let time):
            try writeTemporal(.time, packed: try Self.packed(time), offset: time.utcOffset)
        case .timedelta(let delta):
            try writeTimeDelta(delta)
        case .decimal(let text):
            writeGlobal(.decimal)
            try writeString(text)
            op(PickleOpcode.tuple1)
            memoize()
            op(PickleOpcode.reduce)
            memoize()
        case .uuid(let uuid):
            writeGlobal(.uuid)
            op(PickleOpcode.emptyTuple)
            op(PickleOpcode.newObj)
            memoize()
            op(PickleOpcode.emptyDict)
            memoize()
            try writeString("int")
            let big = withUnsafeBytes(of: uuid.uuid) { Array($0.reversed()) + [0] }
            let number = PickleBigInt(twosComplementLittleEndian: big)
            if let small = number.intValue { writeInt(small) } else { writeLong(number) }
            op(PickleOpcode.setItem)
            op(PickleOpcode.build)
        }
    }

    private mutating func writeTuple(_ items: [PickleValue]) throws(PickleError) {
        switch items.count {
        case 0:
            op(PickleOpcode.emptyTuple)
            return
        case 1...3:
            for item in items { try write(item) }
            op([PickleOpcode.tuple1, PickleOpcode.tuple2, PickleOpcode.tuple3][items.count - 1])
        default:
            op(PickleOpcode.mark)
            for item in items { try write(item) }
            op(PickleOpcode.tuple)
        }
        memoize()
    }

    private mutating func writeDict(_ pairs: [PickleValue.Pair]) throws(PickleError) {
        if pairs.count == 1, let pair = pairs.first {
            try write(pair.key)
            try write(pair.value)
            op(PickleOpcode.setItem)
            return
        }
        var start = 0
        while start < pairs.count {
            let end = min(start + Self.batchSize, pairs.count)
            op(PickleOpcode.mark)
            for pair in pairs[start..<end] {
                try write(pair.key)
                try write(pair.value)
            }
            op(PickleOpcode.setItems)
            start = end
        }
    }

    /// `set(list)` / `frozenset(list)`: how protocols 2 and 3 write sets.
    private mutating func writeReduceOfList(_ global: PickleGlobal, _ items: [PickleValue]) throws(PickleError) {
        writeGlobal(global)
        op(PickleOpcode.emptyList)
        memoize()
        try writeBatches(items[...], closing: PickleOpcode.appends, single: PickleOpcode.append)
        op(PickleOpcode.tuple1)
        memoize()
        op(PickleOpcode.reduce)
        memoize()
    }

    /// `datetime(packed[, tz])`, `date(packed)`, `time(packed[, tz])`.
    private mutating func writeTemporal(_ global: PickleGlobal, packed: [UInt8], offset: PickleTimeDelta?) throws(PickleError) {
        writeGlobal(global)
        try writeBytes(packed)
        if let offset {
            try writeTimeZone(offset)
            op(PickleOpcode.tuple2)
        } else {
            op(PickleOpcode.tuple1)
        }
        memoize()
        op(PickleOpcode.reduce)
        memoize()
    }

    /// `timezone(timedelta(...))`; `timezone.utc` is one object, written once per pickle.
    private mutating func writeTimeZone(_ offset: PickleTimeDelta) throws(PickleError) {
        let isUTC = offset == PickleTimeDelta()
        if isUTC, let utcIndex { return memoGet(utcIndex) }
        guard abs(offset.totalSeconds) < 86_400 else { throw .unencodable("a UTC offset of a day or more") }
        writeGlobal(.timezone)
        try writeTimeDelta(offset)
        op(PickleOpcode.tuple1)
        memoize()
        op(PickleOpcode.reduce)
        let index = memoize()
        if isUTC { utcIndex = index }
    }

    private mutating func writeTimeDelta(_ delta: PickleTimeDelta) throws(PickleError) {
        guard abs(delta.days) <= 999_999_999, (0..<86_400).contains(delta.seconds), (0..<1_000_000).contains(delta.microseconds) else {
            throw .unencodable("timedelta(\(delta.days), \(delta.seconds), \(delta.microseconds)) is out of Python's range")
        }
        writeGlobal(.timedelta)
        writeInt(delta.days)
        writeInt(delta.seconds)
        writeInt(delta.microseconds)
        op(PickleOpcode.tuple3)
        memoize()
        op(PickleOpcode.reduce)
        memoize()
    }

    /// A date's 4 packed bytes: year (big-endian), month, day.
    static func packed(_ date: PickleDate) throws(PickleError) -> [UInt8] {
        guard (1...9999).contains(date.year), (1...12).contains(date.month), (1...31).contains(date.day) else {
            throw .unencodable("the date \(date.year)-\(date.month)-\(date.day) is out of Python's range")
        }
        return [UInt8(date.year >> 8), UInt8(date.year & 0xFF), UInt8(date.month), UInt8(date.day)]
    }

    /// A time's 6 packed bytes: hour, minute, second, microsecond (3, big-endian).
    static func packed(_ time: PickleTime) throws(PickleError) -> [UInt8] {
        guard (0..<24).contains(time.hour), (0..<60).contains(time.minute), (0..<60).contains(time.second),
            (0..<1_000_000).contains(time.microsecond)
        else {
            throw .unencodable("the time \(time.hour):\(time.minute):\(time.second).\(time.microsecond) is out of Python's range")
        }
        let micro = time.microsecond
        return [UInt8(time.hour), UInt8(time.minute), UInt8(time.second), UInt8(micro >> 16), UInt8((micro >> 8) & 0xFF), UInt8(micro & 0xFF)]
    }
}
