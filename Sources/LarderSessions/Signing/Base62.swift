/// Django's base 62 (`django.utils.baseconv`, `signing.b62_encode`): digits, then `A-Z`, then
/// `a-z`. Timestamps in signed values are written this way.
enum Base62 {
    static let digits: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    static func encode(_ value: Int) -> String {
        precondition(value >= 0, "Django's signed timestamps are never negative")
        if value == 0 { return "0" }
        var remaining = value
        var reversed: [UInt8] = []
        while remaining > 0 {
            reversed.append(digits[remaining % 62])
            remaining /= 62
        }
        return String(decoding: reversed.reversed(), as: UTF8.self)
    }

    static func decode(_ text: some Collection<UInt8>) -> Int? {
        guard !text.isEmpty else { return nil }
        var value = 0
        for character in text {
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
