import Foundation

/// Python's `repr`, for logs and the keyspace inspector: `{'count': 2, 'name': 'x'}`.
extension PickleValue: CustomStringConvertible {
    /// The value as Python's `repr` prints it (the same text for the common types; floats in
    /// Swift's shortest form, which matches Python's for ordinary values).
    public var description: String {
        var text = ""
        describe(into: &text)
        return text
    }

    private func describe(into text: inout String) {
        switch self {
        case .none: text += "None"
        case .bool(let flag): text += flag ? "True" : "False"
        case .int(let number): text += String(number)
        case .bigInt(let number): text += number.description
        case .float(let number): text += Self.describe(number)
        case .string(let string): Self.quote(string, into: &text)
        case .bytes(let bytes): Self.quote(bytes, into: &text)
        case .list(let items): Self.join(items, open: "[", close: "]", into: &text)
        case .tuple(let items):
            if items.count == 1 {
                text += "("
                items[0].describe(into: &text)
                text += ",)"
            } else {
                Self.join(items, open: "(", close: ")", into: &text)
            }
        case .dict(let pairs):
            text += "{"
            for (index, pair) in pairs.enumerated() {
                if index > 0 { text += ", " }
                pair.key.describe(into: &text)
                text += ": "
                pair.value.describe(into: &text)
            }
            text += "}"
        case .set(let items):
            if items.isEmpty { text += "set()" } else { Self.join(items, open: "{", close: "}", into: &text) }
        case .frozenset(let items):
            text += "frozenset("
            if !items.isEmpty { Self.join(items, open: "{", close: "}", into: &text) }
            text += ")"
        case .datetime(let datetime):
            let date = datetime.date
            let time = datetime.time
            text += "datetime.datetime(\(date.year), \(date.month), \(date.day), "
            text += Self.clock(time) + Self.tzinfo(time.utcOffset) + ")"
        case .date(let date): text += "datetime.date(\(date.year), \(date.month), \(date.day))"
        case .time(let time): text += "datetime.time(" + Self.clock(time) + Self.tzinfo(time.utcOffset) + ")"
        case .timedelta(let delta): text += Self.describe(delta)
        case .decimal(let string): text += "Decimal('\(string)')"
        case .uuid(let uuid): text += "UUID('\(uuid.uuidString.lowercased())')"
        }
    }

    private static func join(_ items: [PickleValue], open: String, close: String, into text: inout String) {
        text += open
        for (index, item) in items.enumerated() {
            if index > 0 { text += ", " }
            item.describe(into: &text)
        }
        text += close
    }

    private static func describe(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        return "\(number)"
    }

    /// Hour and minute always; seconds and microseconds only when not zero (Python's rule).
    private static func clock(_ time: PickleTime) -> String {
        var fields = [time.hour, time.minute, time.second, time.microsecond]
        if fields.last == 0 { fields.removeLast() }
        if fields.last == 0 { fields.removeLast() }
        return fields.map(String.init).joined(separator: ", ")
    }

    private static func tzinfo(_ offset: PickleTimeDelta?) -> String {
        guard let offset else { return "" }
        if offset == PickleTimeDelta() { return ", tzinfo=datetime.timezone.utc" }
        return ", tzinfo=datetime.timezone(\(describe(offset)))"
    }

    private static func describe(_ delta: PickleTimeDelta) -> String {
        var fields: [String] = []
        if delta.days != 0 { fields.append("days=\(delta.days)") }
        if delta.seconds != 0 { fields.append("seconds=\(delta.seconds)") }
        if delta.microseconds != 0 { fields.append("microseconds=\(delta.microseconds)") }
        return "datetime.timedelta(" + (fields.isEmpty ? "0" : fields.joined(separator: ", ")) + ")"
    }

    /// A str as Python quotes it: single quotes unless it holds `'` and no `"`.
    private static func quote(_ string: String, into text: inout String) {
        let quote: Character = string.contains("'") && !string.contains("\"") ? "\"" : "'"
        text.append(quote)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where Character(scalar) == quote: text += "\\" + String(quote)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value):
                text += "\\x" + String(scalar.value, radix: 16).leftPadded(2)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text.append(quote)
    }

    /// Bytes as Python writes them: `b'ab\x00'`.
    private static func quote(_ bytes: [UInt8], into text: inout String) {
        let quote: UInt8 = bytes.contains(0x27) && !bytes.contains(0x22) ? 0x22 : 0x27
        text += "b"
        text.unicodeScalars.append(Unicode.Scalar(quote))
        for byte in bytes {
            switch byte {
            case 0x5C: text += "\\\\"
            case 0x0A: text += "\\n"
            case 0x0D: text += "\\r"
            case 0x09: text += "\\t"
            case quote: text += "\\" + String(Unicode.Scalar(quote))
            case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += "\\x" + String(byte, radix: 16).leftPadded(2)
            }
        }
        text.unicodeScalars.append(Unicode.Scalar(quote))
    }
}
