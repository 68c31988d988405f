import Foundation
import NIOCore

/// Writes a ``PickleValue`` as CPython 3.11's C pickler does, straight into one `ByteBuffer`.
///
/// Byte-identical to `pickle.dumps(v, protocol)` at every protocol 2 to 5 for every type
/// (the interop tests check each) as long as no list, dict or str *object* occurs twice in the
/// Python value: CPython writes a repeated object once and a memo reference after, which a value
/// alone cannot know (`x = [1]; [x, x]` differs; `pickle.loads` reads ours back equal all the
/// same). Also not reproduced: CPython writes a str or bytes of 64 KiB or more outside its frames.
struct PickleWriter {
    let version: Int
    var buffer: ByteBuffer
    /// Where the current frame's 8-byte length goes (protocol 4+).
    var frameLengthIndex: Int?
    /// The next memo index.
    var memoCount = 0
    /// Memo indices of the classes written so far (each written once, as CPython does).
    var globals: [PickleGlobal: Int] = [:]
    /// Memo indices of module-name strs (`'datetime'`), which CPython shares by identity.
    var moduleNames: [String: Int] = [:]
    /// The memo index of `datetime.timezone.utc`, a singleton.
    var utcIndex: Int?
    /// The memo index of protocol 2's `'latin1'`, one str object CPython reuses.
    var latin1Index: Int?

    /// CPython's `_FRAME_SIZE_TARGET`: a frame is closed at the first object boundary past 64 KiB.
    static let frameSizeTarget = 64 * 1024
    /// CPython's `_FRAME_SIZE_MIN`: a smaller pickle is written with no frame.
    static let frameSizeMin = 4
    /// CPython's batch size for `APPENDS`, `SETITEMS`, `ADDITEMS`.
    static let batchSize = 1000

    init(protocol version: Int, buffer: ByteBuffer) throws(PickleError) {
        guard (2...5).contains(version) else { throw .unencodable("protocol \(version): only 2 to 5 are written") }
        self.version = version
        self.buffer = buffer
        // Room for a typical cache value at once, rather than growing byte by byte from empty.
        self.buffer.reserveCapacity(minimumWritableBytes: 256)
        self.buffer.writeInteger(PickleOpcode.proto)
        self.buffer.writeInteger(UInt8(version))
        if version >= 4 { openFrame() }
    }

    // MARK: Frames

    mutating func openFrame() {
        buffer.writeInteger(PickleOpcode.frame)
        frameLengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt64(0))
    }

    /// Writes the open frame's length, or removes its header if the frame is too small to be worth one.
    mutating func closeFrame() {
        guard let index = frameLengthIndex else { return }
        frameLengthIndex = nil
        let length = buffer.writerIndex - index - 8
        if length >= Self.frameSizeMin {
            buffer.setInteger(UInt64(length), at: index, endianness: .little)
        } else {
            // Tiny pickle (`N.`): shift its few bytes over the header.
            let payload = buffer.getBytes(at: index + 8, length: length) ?? []
            buffer.moveWriterIndex(to: index - 1)
            buffer.writeBytes(payload)
        }
    }

    /// Starts a new frame if the current one has passed the target size (pickle.py's `commit_frame`).
    mutating func frameBoundary() {
        if let index = frameLengthIndex, buffer.writerIndex - index - 8 >= Self.frameSizeTarget {
            closeFrame()
            openFrame()
        }
    }

    /// Ends the pickle with `STOP` and returns the bytes.
    mutating func finish() -> ByteBuffer {
        buffer.writeInteger(PickleOpcode.stop)
        closeFrame()
        return buffer
    }

    // MARK: Primitives

    mutating func op(_ byte: UInt8) { buffer.writeInteger(byte) }

    /// Stores the top of the stack in the next memo slot, and returns its index.
    @discardableResult
    mutating func memoize() -> Int {
        if version >= 4 {
            op(PickleOpcode.memoize)
        } else if memoCount < 256 {
            op(PickleOpcode.binPut)
            buffer.writeInteger(UInt8(memoCount))
        } else {
            op(PickleOpcode.longBinPut)
            buffer.writeInteger(UInt32(truncatingIfNeeded: memoCount), endianness: .little)
        }
        memoCount += 1
        return memoCount - 1
    }

    mutating func memoGet(_ index: Int) {
        if index < 256 {
            op(PickleOpcode.binGet)
            buffer.writeInteger(UInt8(index))
        } else {
            op(PickleOpcode.longBinGet)
            buffer.writeInteger(UInt32(truncatingIfNeeded: index), endianness: .little)
        }
    }

    mutating func writeInt(_ value: Int) {
        if value >= 0 && value <= 0xFF {
            op(PickleOpcode.binInt1)
            buffer.writeInteger(UInt8(value))
        } else if value >= 0 && value <= 0xFFFF {
            op(PickleOpcode.binInt2)
            buffer.writeInteger(UInt16(value), endianness: .little)
        } else if let small = Int32(exactly: value) {
            op(PickleOpcode.binInt)
            buffer.writeInteger(small, endianness: .little)
        } else {
            writeLong(PickleBigInt(value))
        }
    }

    mutating func writeLong(_ value: PickleBigInt) {
        let bytes = value.twosComplementLittleEndian
        if bytes.count < 256 {
            op(PickleOpcode.long1)
            buffer.writeInteger(UInt8(bytes.count))
        } else {
            op(PickleOpcode.long4)
            buffer.writeInteger(UInt32(truncatingIfNeeded: bytes.count), endianness: .little)
        }
        buffer.writeBytes(bytes)
    }

    mutating func writeString(_ text: String) throws(PickleError) {
        let count = text.utf8.count
        if version >= 4 && count < 256 {
            op(PickleOpcode.shortBinUnicode)
            buffer.writeInteger(UInt8(count))
        } else if count <= Int(UInt32.max) {
            op(PickleOpcode.binUnicode)
            buffer.writeInteger(UInt32(count), endianness: .little)
        } else if version >= 4 {
            op(PickleOpcode.binUnicode8)
            buffer.writeInteger(UInt64(count), endianness: .little)
        } else {
            throw .unencodable("a str of \(count) bytes needs protocol 4")
        }
        buffer.writeString(text)
        memoize()
    }

    /// Bytes as protocol 3+ writes them: `SHORT_BINBYTES`, `BINBYTES`, `BINBYTES8`.
    mutating func writeBinBytes(_ bytes: [UInt8]) throws(PickleError) {
        if bytes.count < 256 {
            op(PickleOpcode.shortBinBytes)
            buffer.writeInteger(UInt8(bytes.count))
        } else if bytes.count <= Int(UInt32.max) {
            op(PickleOpcode.binBytes)
            buffer.writeInteger(UInt32(bytes.count), endianness: .little)
        } else if version >= 4 {
            op(PickleOpcode.binBytes8)
            buffer.writeInteger(UInt64(bytes.count), endianness: .little)
        } else {
            throw .unencodable("bytes of \(bytes.count) bytes need protocol 4")
        }
        buffer.writeBytes(bytes)
        memoize()
    }

    /// Bytes at any protocol: protocol 2 has no bytes opcode and writes `_codecs.encode(str, 'latin1')`.
    mutating func writeBytes(_ bytes: [UInt8]) throws(PickleError) {
        guard version < 3 else { return try writeBinBytes(bytes) }
        if bytes.isEmpty {
            writeGlobal(.bytes)
            op(PickleOpcode.emptyTuple)
        } else {
            writeGlobal(.codecsEncode)
            var latin1 = String.UnicodeScalarView()
            for byte in bytes { latin1.append(Unicode.Scalar(byte)) }
            try writeString(String(latin1))
            if let latin1Index {
                memoGet(latin1Index)
            } else {
                try writeString("latin1")
                latin1Index = memoCount - 1
            }
            op(PickleOpcode.tuple2)
            memoize()
        }
        op(PickleOpcode.reduce)
        memoize()
    }

    /// A class, once per pickle: later uses fetch it from the memo.
    mutating func writeGlobal(_ global: PickleGlobal) {
        if let index = globals[global] { return memoGet(index) }
        let (module, name) = global.qualifiedName(protocol: version)
        if version >= 4 {
            if let index = moduleNames[module] {
                memoGet(index)
            } else {
                try? writeString(module)  // short ASCII: cannot fail
                moduleNames[module] = memoCount - 1
            }
            try? writeString(name)
            op(PickleOpcode.stackGlobal)
        } else {
            op(PickleOpcode.global)
            buffer.writeString(module + "\n" + name + "\n")
        }
        globals[global] = memoize()
    }

    /// `MARK items... closing` in batches of 1000, as CPython's C pickler does for an exact list,
    /// dict or set; `single` (`APPEND`, `SETITEM`) alone for a container of one element.
    mutating func writeBatches(_ items: ArraySlice<PickleValue>, closing: UInt8, single: UInt8?) throws(PickleError) {
        if let single, items.count == 1, let only = items.first {
            try write(only)
            op(single)
            return
        }
        var start = items.startIndex
        while start < items.endIndex {
            let end = min(start + Self.batchSize, items.endIndex)
            op(PickleOpcode.mark)
            for item in items[start..<end] { try write(item) }
            op(closing)
            start = end
        }
    }
}
