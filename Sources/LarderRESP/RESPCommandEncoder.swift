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
        writeLine(marker: UInt8(ascii: "*"), number: count)
    }

    /// Writes one bulk string holding `bytes`.
    @inlinable
    public mutating func encodeBulkString(_ bytes: ByteBuffer) {
        writeBulkHeader(length: bytes.readableBytes)
        buffer.writeImmutableBuffer(bytes)
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
        writeBulkHeader(length: Self.decimalLength(of: number))
        writeDecimal(number)
        writeCRLF()
    }

    @inlinable
    mutating func writeBulkHeader(length: Int) {
        writeLine(marker: UInt8(ascii: "$"), number: length)
    }

    @inlinable
    mutating func writeCRLF() {
        buffer.writeInteger(UInt16(0x0D0A))  // "\r\n", big-endian
    }

    /// Writes `number` in decimal straight into the buffer's free space: no temporary storage.
    @inlinable
    mutating func writeDecimal(_ number: Int) {
        let count = Self.decimalLength(of: number)
        buffer.reserveCapacity(minimumWritableBytes: count)
        buffer.withUnsafeMutableWritableBytes { free in
            var magnitude = number.magnitude
            var index = count
            repeat {
                index -= 1
                free[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if number < 0 { free[0] = UInt8(ascii: "-") }
        }
        buffer.moveWriterIndex(forwardBy: count)
    }

    /// How many bytes `number` takes in decimal, sign included.
    @inlinable
    static func decimalLength(of number: Int) -> Int {
        var count = number < 0 ? 2 : 1
        var rest = number.magnitude
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }

    /// Writes a header line, `$12\r\n` or `*3\r\n`, in one write: headers are most of the
    /// bytes of a short command, so they are built on the stack rather than byte by byte.
    @inlinable
    mutating func writeLine(marker: UInt8, number: Int) {
        if number >= 0 && number < 10 {
            // The common case (short keys, few arguments): four bytes, one integer write.
            let value = UInt32(marker) << 24 | UInt32(UInt8(ascii: "0") + UInt8(number)) << 16 | 0x0D0A
            buffer.writeInteger(value)
            return
        }
        buffer.writeInteger(marker)
        writeDecimal(number)
        writeCRLF()
    }

}
