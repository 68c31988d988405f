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

    /// Writes a command's array header and its name, `*<count>\r\n$<length>\r\n<name>\r\n`, in
    /// one write; `count` counts the name, and the caller then encodes the `count - 1`
    /// arguments. The hot commands (`GET`, `SET`, ...) start so: the name's bytes are the
    /// literal's own and the header is stored in place, where ``encodeCommand(_:)`` goes through
    /// each argument's conformance in turn.
    @inlinable
    public mutating func encodeCommandHead(_ name: StaticString, count: Int) {
        let length = name.utf8CodeUnitCount
        let countDigits = Self.decimalLength(of: count)
        let lengthDigits = Self.decimalLength(of: length)
        let total = 1 + countDigits + 2 + 1 + lengthDigits + 2 + length + 2
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { free in
            var at = 0
            free[at] = UInt8(ascii: "*")
            Self.storeDecimal(count, digits: countDigits, into: UnsafeMutableRawBufferPointer(rebasing: free[(at + 1)...]))
            at += 1 + countDigits
            free[at] = 0x0D
            free[at + 1] = 0x0A
            free[at + 2] = UInt8(ascii: "$")
            at += 3
            Self.storeDecimal(length, digits: lengthDigits, into: UnsafeMutableRawBufferPointer(rebasing: free[at...]))
            at += lengthDigits
            free[at] = 0x0D
            free[at + 1] = 0x0A
            at += 2
            free.baseAddress!.advanced(by: at).copyMemory(from: name.utf8Start, byteCount: length)
            at += length
            free[at] = 0x0D
            free[at + 1] = 0x0A
            return total
        }
    }

    /// Writes `*<count>\r\n`. The caller then encodes exactly `count` elements.
    @inlinable
    public mutating func encodeArrayHeader(count: Int) {
        writeLine(marker: UInt8(ascii: "*"), number: count)
    }

    /// Writes one bulk string holding `bytes`.
    @inlinable
    public mutating func encodeBulkString(_ bytes: ByteBuffer) {
        bytes.withUnsafeReadableBytes { source in writeBulk(copying: source) }
    }

    /// Writes one bulk string holding `bytes`.
    @inlinable
    public mutating func encodeBulkString(_ bytes: some Collection<UInt8>) {
        let written: Void? = bytes.withContiguousStorageIfAvailable { source in writeBulk(copying: UnsafeRawBufferPointer(source)) }
        guard written == nil else { return }
        writeBulkHeader(length: bytes.count)
        buffer.writeBytes(bytes)
        writeCRLF()
    }

    /// Writes one bulk string holding the UTF-8 of `string`.
    @inlinable
    public mutating func encodeBulkString(_ string: String) {
        let written: Void? = string.utf8.withContiguousStorageIfAvailable { source in writeBulk(copying: UnsafeRawBufferPointer(source)) }
        guard written == nil else { return }
        writeBulkHeader(length: string.utf8.count)
        buffer.writeString(string)
        writeCRLF()
    }

    /// Writes one bulk string holding the UTF-8 of `string`.
    @inlinable
    public mutating func encodeBulkString(_ string: Substring) {
        let written: Void? = string.utf8.withContiguousStorageIfAvailable { source in writeBulk(copying: UnsafeRawBufferPointer(source)) }
        guard written == nil else { return }
        writeBulkHeader(length: string.utf8.count)
        buffer.writeBytes(string.utf8)
        writeCRLF()
    }

    /// Writes one bulk string holding the decimal digits of `number`, without a `String`.
    @inlinable
    public mutating func encodeBulkString(_ number: Int) {
        let digits = Self.decimalLength(of: number)
        writeBulk(count: digits) { free in Self.storeDecimal(number, digits: digits, into: free) }
    }

    /// Writes a bulk string of `source`'s bytes.
    @inlinable
    mutating func writeBulk(copying source: UnsafeRawBufferPointer) {
        writeBulk(count: source.count) { free in
            if let base = source.baseAddress { free.baseAddress!.copyMemory(from: base, byteCount: source.count) }
        }
    }

    /// Writes `$<count>\r\n`, the `count` bytes `body` stores in the space it is given, and
    /// `\r\n`, with one reservation and one move of the writer index: each separate write
    /// checks the buffer's uniqueness, capacity and exclusive access again, and those checks
    /// were most of the cost of encoding a short command.
    @inlinable
    mutating func writeBulk(count: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        let digits = Self.decimalLength(of: count)
        let total = 1 + digits + 2 + count + 2
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { free in
            free[0] = UInt8(ascii: "$")
            Self.storeDecimal(count, digits: digits, into: UnsafeMutableRawBufferPointer(rebasing: free[1..<(1 + digits)]))
            free[1 + digits] = 0x0D
            free[2 + digits] = 0x0A
            body(UnsafeMutableRawBufferPointer(rebasing: free[(3 + digits)..<(3 + digits + count)]))
            free[3 + digits + count] = 0x0D
            free[4 + digits + count] = 0x0A
            return total
        }
    }

    /// Stores the `digits` decimal digits of `number` (sign included) at the start of `free`.
    @inlinable
    static func storeDecimal(_ number: Int, digits: Int, into free: UnsafeMutableRawBufferPointer) {
        var magnitude = number.magnitude
        var index = digits
        repeat {
            index -= 1
            free[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        if number < 0 { free[0] = UInt8(ascii: "-") }
    }

    @inlinable
    mutating func writeBulkHeader(length: Int) {
        writeLine(marker: UInt8(ascii: "$"), number: length)
    }

    @inlinable
    mutating func writeCRLF() {
        buffer.writeInteger(UInt16(0x0D0A))  // "\r\n", big-endian
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
        let digits = Self.decimalLength(of: number)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: digits + 3) { free in
            free[0] = marker
            Self.storeDecimal(number, digits: digits, into: UnsafeMutableRawBufferPointer(rebasing: free[1..<(1 + digits)]))
            free[1 + digits] = 0x0D
            free[2 + digits] = 0x0A
            return digits + 3
        }
    }

}
