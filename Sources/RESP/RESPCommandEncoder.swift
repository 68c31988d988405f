import NIOCore

/// Writes commands as RESP arrays of bulk strings straight into one reusable buffer.
///
/// No intermediate value is built per command: headers and arguments are written in place.
/// Several commands may be encoded back to back to send them as one pipelined write.
///
/// ```swift
/// var encoder = RESPCommandEncoder()
/// encoder.encodeCommand("SET", "my_key", "value", "EX", 30)
/// // encoder.buffer: *5\r\n$3\r\nSET\r\n$6\r\nmy_key\r\n$5\r\nvalue\r\n$2\r\nEX\r\n$2\r\n30\r\n
/// ```
public struct RESPCommandEncoder: Sendable {
    /// The bytes encoded so far.
    public var buffer: ByteBuffer

    /// Creates an encoder writing into `buffer` (appending after its current contents).
    @inlinable
    public init(buffer: ByteBuffer = ByteBuffer()) {
        self.buffer = buffer
    }

    /// Empties the buffer, keeping its capacity for the next command.
    @inlinable
    public mutating func reset() {
        buffer.clear()
    }

    /// Encodes one command: an array whose elements are the bulk strings of every argument.
    /// Optional arguments that are `nil` and empty arrays contribute nothing.
    @inlinable
    public mutating func encodeCommand<each Argument: RESPRenderable>(_ arguments: repeat each Argument) {
        var count = 0
        for argument in repeat each arguments { count += argument.respEntries }
        encodeArrayHeader(count: count)
        for argument in repeat each arguments { argument.encode(into: &self) }
    }

    /// Writes `*<count>\r\n`. The caller then encodes exactly `count` elements.
    @inlinable
    public mutating func encodeArrayHeader(count: Int) {
        buffer.writeInteger(UInt8(ascii: "*"))
        writeDecimal(count)
        writeCRLF()
    }

    /// Writes one bulk string holding `bytes`.
    @inlinable
    public mutating func encodeBulkString(_ bytes: ByteBuffer) {
        writeBulkHeader(length: bytes.readableBytes)
        var bytes = bytes
        buffer.writeBuffer(&bytes)
        writeCRLF()
    }

    /// Writes one bulk string holding `bytes`.
    @inlinable
    public mutating func encodeBulkString(_ bytes: some Collection<UInt8>) {
        writeBulkHeader(length: bytes.count)
        buffer.writeBytes(bytes)
        writeCRLF()
    }

    /// Writes one bulk string holding the UTF-8 of `string`.
    @inlinable
    public mutating func encodeBulkString(_ string: String) {
        writeBulkHeader(length: string.utf8.count)
        buffer.writeString(string)
        writeCRLF()
    }

    /// Writes one bulk string holding the UTF-8 of `string`.
    @inlinable
    public mutating func encodeBulkString(_ string: Substring) {
        writeBulkHeader(length: string.utf8.count)
        buffer.writeBytes(string.utf8)
        writeCRLF()
    }

    /// Writes one bulk string holding the decimal digits of `number`, without a `String`.
    @inlinable
    public mutating func encodeBulkString(_ number: Int) {
        let digits = Self.decimalDigitCount(number)
        writeBulkHeader(length: digits)
        writeDecimal(number)
        writeCRLF()
    }

    @inlinable
    mutating func writeBulkHeader(length: Int) {
        buffer.writeInteger(UInt8(ascii: "$"))
        writeDecimal(length)
        writeCRLF()
    }

    @inlinable
    mutating func writeCRLF() {
        buffer.writeInteger(UInt16(0x0D0A))  // "\r\n", big-endian
    }

    /// Writes `number` in decimal, digit by digit, into the buffer.
    @inlinable
    mutating func writeDecimal(_ number: Int) {
        if number < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        let count = Self.decimalDigitCount(magnitude)
        let start = buffer.writerIndex
        buffer.writeRepeatingByte(UInt8(ascii: "0"), count: count)
        var index = start + count - 1
        while magnitude >= 10 {
            buffer.setInteger(UInt8(ascii: "0") + UInt8(magnitude % 10), at: index)
            magnitude /= 10
            index -= 1
        }
        buffer.setInteger(UInt8(ascii: "0") + UInt8(magnitude), at: index)
    }

    @inlinable
    static func decimalDigitCount(_ number: Int) -> Int {
        (number < 0 ? 1 : 0) + decimalDigitCount(number.magnitude)
    }

    @inlinable
    static func decimalDigitCount(_ magnitude: UInt) -> Int {
        var count = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }
}
