/// A Python `int` beyond 64 bits, as pickle stores it: little-endian two's complement bytes.
///
/// Only storage, comparison and conversion to and from decimal text: a cache value is read and
/// written, not computed with, so this needs no arbitrary-precision arithmetic library.
/// (`uuid.UUID` state, a 128-bit int, is the common case in Django's data.)
public struct PickleBigInt: Sendable, Hashable, CustomStringConvertible {
    /// The shortest little-endian two's complement form (`LONG1`'s payload): `[0x00, 0x80]` is 32768.
    public let twosComplementLittleEndian: [UInt8]

    /// Python refuses `str(n)` beyond this many digits (`sys.get_int_max_str_digits()`); so does
    /// ``description``, which would otherwise take time quadratic in the length.
    static let maxDecimalDigits = 4300

    /// The int whose little-endian two's complement bytes are `bytes` (any length; normalised).
    public init(twosComplementLittleEndian bytes: [UInt8]) {
        var bytes = bytes
        // Drop sign-extension bytes that the next byte's top bit makes redundant.
        while bytes.count > 1 {
            let last = bytes[bytes.count - 1]
            let next = bytes[bytes.count - 2]
            if (last == 0 && next & 0x80 == 0) || (last == 0xFF && next & 0x80 != 0) {
                bytes.removeLast()
            } else {
                break
            }
        }
        self.twosComplementLittleEndian = bytes
    }

    /// The int `value`.
    public init(_ value: Int) {
        self.init(twosComplementLittleEndian: withUnsafeBytes(of: value.littleEndian) { Array($0) })
    }

    /// The int written in decimal, e.g. `"-18446744073709551616"`; nil if `text` is not one.
    public init?(_ text: String) {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative || digits.first == "+" { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var magnitude: [UInt8] = [0]  // little-endian base 256
        for character in digits.utf8 {
            guard character >= 0x30, character <= 0x39 else { return nil }
            var carry = Int(character - 0x30)
            for index in magnitude.indices {
                let product = Int(magnitude[index]) * 10 + carry
                magnitude[index] = UInt8(truncatingIfNeeded: product)
                carry = product >> 8
            }
            while carry > 0 {
                magnitude.append(UInt8(truncatingIfNeeded: carry))
                carry >>= 8
            }
        }
        magnitude.append(0)  // room for the sign bit
        self.init(twosComplementLittleEndian: negative ? Self.negated(magnitude) : magnitude)
    }

    /// True below zero.
    public var isNegative: Bool { (twosComplementLittleEndian.last ?? 0) & 0x80 != 0 }

    /// The value as an `Int`, if it fits 64 bits.
    public var intValue: Int? {
        let bytes = twosComplementLittleEndian
        guard bytes.count <= 8 else { return nil }
        var value: UInt64 = isNegative ? UInt64.max : 0
        for (index, byte) in bytes.enumerated() {
            value &= ~(UInt64(0xFF) << (8 * index))
            value |= UInt64(byte) << (8 * index)
        }
        return Int(bitPattern: UInt(value))
    }

    /// The value in decimal, as Python's `repr`: `1180591620717411303424`. Beyond 4300 digits,
    /// a placeholder naming the size (Python itself refuses those).
    public var description: String {
        let bytes = twosComplementLittleEndian
        // 4300 decimal digits are about 1786 bytes.
        guard bytes.count <= 1786 else { return "<int of \(bytes.count) bytes>" }
        var magnitude = isNegative ? Self.negated(bytes) : bytes
        var chunks: [UInt32] = []  // base 10^9, least significant first
        while magnitude.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for index in magnitude.indices.reversed() {
                let current = (remainder << 8) | UInt64(magnitude[index])
                magnitude[index] = UInt8(current / 1_000_000_000)
                remainder = current % 1_000_000_000
            }
            chunks.append(UInt32(remainder))
            while magnitude.count > 1, magnitude.last == 0 { magnitude.removeLast() }
        }
        guard let top = chunks.last else { return "0" }
        var text = isNegative ? "-" : ""
        text += String(top)
        for chunk in chunks.dropLast().reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text
    }

    /// Two's complement negation of little-endian bytes (invert, add one), one byte wider.
    static func negated(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes.map { ~$0 }
        result.append(bytes.last.map { $0 & 0x80 != 0 ? 0x00 : 0xFF } ?? 0xFF)
        for index in result.indices {
            let (sum, overflow) = result[index].addingReportingOverflow(1)
            result[index] = sum
            if !overflow { break }
        }
        return result
    }
}
