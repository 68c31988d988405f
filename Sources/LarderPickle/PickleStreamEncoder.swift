import Foundation
import NIOCore

/// The `Encoder` behind ``PickleEncoder``'s bytes: writes opcodes into the ``PickleWriter`` as
/// `encode(to:)` runs, with no value tree in between (issue #15: the tree cost 4 of every 5
/// microseconds of an encode).
///
/// It writes exactly what ``PickleWriter`` writes for the tree ``PickleEncoding`` would build.
/// A container opens as `EMPTY_DICT`/`EMPTY_LIST` and `MEMOIZE`; its first element opens a
/// `MARK`, which a container of one element takes back (CPython writes `SETITEM`/`APPEND` then);
/// batches close every 1000 elements, as CPython's.
///
/// The stream follows well-nested encoding, which is what synthesized conformances do. Where a
/// custom `encode(to:)` does something a stream cannot follow — a nested or super container, a
/// key encoded twice in one container (a Python dict keeps its first position), a container
/// used after its value ended, a pickle reaching a 64 KiB frame boundary — it throws
/// ``Fallback`` and ``PickleEncoder`` encodes the value again through the tree, so the bytes are
/// the same either way. Any other error does the same, so the error a caller sees is the tree's.
final class PickleStreamEncoder: Swift.Encoder {
    /// The stream cannot follow this value; the tree encoder must.
    struct Fallback: Error {}

    /// One value being encoded through `encode(to:)`: the container it asked for and its progress.
    struct Level {
        enum Kind { case unset, dict, list, single, conflicted }
        var kind = Kind.unset
        /// Tells this level from a later one at the same depth, for containers kept past their value.
        let id: Int
        /// How many keys of `path` are this value's coding path.
        let pathDepth: Int
        /// Where this level's keys start in `keys`.
        let keysStart: Int
        var count = 0
        /// Where the first `MARK` is, taken back if the container ends with one element.
        var markIndex = 0
        var batchOpen = false
        /// The keys so far, once there are too many to compare one by one.
        var keySet: Set<String>?
    }

    /// Keys up to this many per dict are checked for repeats one by one, beyond it by a set.
    static let linearKeyLimit = 16

    // Unchecked: reached only through this module's containers, one call at a time.
    @exclusivity(unchecked) var writer: PickleWriter
    @exclusivity(unchecked) var levels: [Level] = []
    @exclusivity(unchecked) var keys: [String] = []
    @exclusivity(unchecked) var path: [any CodingKey] = []
    var nextID = 0
    /// Set when a nested or super container was handed out: the tree must encode this value.
    var refused = false

    var codingPath: [any CodingKey] { path }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(writer: PickleWriter) {
        self.writer = writer
        levels.reserveCapacity(8)
        keys.reserveCapacity(16)
    }

    /// `value` pickled at `version` and appended to `buffer`; throws ``Fallback`` (or whatever
    /// `encode(to:)` threw) with `buffer`'s bytes unspecified past its writer index on entry.
    static func encode<T: Encodable>(_ value: T, protocol version: Int, into buffer: inout ByteBuffer) throws {
        let encoder = PickleStreamEncoder(writer: try PickleWriter(protocol: version, buffer: buffer))
        buffer = ByteBuffer()  // hands the storage to the writer without a copy
        defer { buffer = encoder.writer.buffer }
        let frameLengthIndex = encoder.writer.frameLengthIndex
        try encoder.write(value)
        if encoder.refused { throw Fallback() }
        if let frameLengthIndex {
            // A pickle reaching 64 KiB needs CPython's frame cuts, which the stream does not make.
            let payload = encoder.writer.buffer.writerIndex - frameLengthIndex - 8
            guard encoder.writer.frameLengthIndex == frameLengthIndex, payload < PickleWriter.frameSizeTarget else { throw Fallback() }
        }
        encoder.writer.buffer = encoder.writer.finish()
    }

    // MARK: Values

    /// Writes `value` as one Python object at the current coding path.
    func write<T: Encodable>(_ value: T) throws {
        if try writeScalar(value) { return }
        try writeComposite(value)
    }

    /// Writes `value`, an element at `key` of the current level.
    func write<T: Encodable, Key: CodingKey>(_ value: T, key: Key) throws {
        if try writeScalar(value) { return }
        path.append(key)
        defer { path.removeLast() }
        try writeComposite(value)
    }

    /// Writes a value that never reaches its own `encode(to:)`, as ``PickleEncoding`` boxes it; false for any other.
    @inline(__always)
    private func writeScalar<T: Encodable>(_ value: T) throws -> Bool {
        if T.self == String.self {
            try writer.writeString(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            writer.writeInt(unsafeBitCast(value, to: Int.self))
        } else if T.self == Double.self {
            writeFloat(unsafeBitCast(value, to: Double.self))
        } else if T.self == Bool.self {
            writeBool(unsafeBitCast(value, to: Bool.self))
        } else if T.self == PickleValue.self {
            try writer.write(unsafeBitCast(value, to: PickleValue.self))
        } else if T.self == Date.self {
            try writer.write(.datetime(PickleDateTime(unsafeBitCast(value, to: Date.self))))
        } else if T.self == Data.self {
            try writer.write(.bytes([UInt8](unsafeBitCast(value, to: Data.self))))
        } else if T.self == Decimal.self {
            try writer.write(.decimal(unsafeBitCast(value, to: Decimal.self).description))
        } else if T.self == UUID.self {
            try writer.write(.uuid(unsafeBitCast(value, to: UUID.self)))
        } else if T.self == URL.self {
            try writer.writeString(unsafeBitCast(value, to: URL.self).absoluteString)
        } else {
            return false
        }
        return true
    }

    private func writeComposite<T: Encodable>(_ value: T) throws {
        if let direct = T.self as? any PickleStreamDirectEncodable.Type { return try writeDirectly(direct, value) }
        levels.append(Level(id: nextID, pathDepth: path.count, keysStart: keys.count))
        nextID &+= 1
        try value.encode(to: self)
        try closeLevel()
    }

    /// `D` is `T`, opened from the existential metatype, so `value` is one without a cast.
    private func writeDirectly<D: PickleStreamDirectEncodable, T>(_ direct: D.Type, _ value: T) throws {
        try unsafeBitCast(value, to: D.self).encodeDirectly(to: self)
    }

    /// Ends the innermost value: closes its container's last batch, or takes back the `MARK` of a
    /// container of one element.
    private func closeLevel() throws {
        let level = levels.removeLast()
        keys.removeSubrange(level.keysStart...)
        switch level.kind {
        case .unset, .conflicted: throw Fallback()  // encoded nothing, or mixed containers
        case .single: return
        case .dict: try closeBatches(level, closing: PickleOpcode.setItems, single: PickleOpcode.setItem)
        case .list: try closeBatches(level, closing: PickleOpcode.appends, single: PickleOpcode.append)
        }
    }

    private func closeBatches(_ level: Level, closing: UInt8, single: UInt8) throws {
        if level.count == 1 {
            let end = writer.buffer.writerIndex
            _ = try writer.buffer.copyBytes(at: level.markIndex + 1, to: level.markIndex, length: end - level.markIndex - 1)
            writer.buffer.moveWriterIndex(to: end - 1)
            writer.op(single)
        } else if level.batchOpen {
            writer.op(closing)
        }
    }

    func writeFloat(_ value: Double) {
        writer.op(PickleOpcode.binFloat)
        writer.buffer.writeInteger(value.bitPattern, endianness: .big)
    }

    func writeBool(_ value: Bool) { writer.op(value ? PickleOpcode.newTrue : PickleOpcode.newFalse) }

    /// An unsigned value beyond `Int.max` is a Python int all the same.
    func writeUnsigned(_ value: UInt64) {
        if let small = Int(exactly: value) { return writer.writeInt(small) }
        writer.writeLong(PickleBigInt(twosComplementLittleEndian: withUnsafeBytes(of: value.littleEndian) { Array($0) } + [0]))
    }

    // MARK: Levels and containers

    /// The innermost level, if it is the one `id` names and holds `kind`; ``Fallback`` otherwise.
    @inline(__always)
    func current(_ index: Int, _ id: Int, _ kind: Level.Kind) throws {
        guard index >= 0, index == levels.count - 1, levels[index].id == id, levels[index].kind == kind else { throw Fallback() }
    }

    /// Starts an element of the innermost container: its `MARK` if a batch is to open.
    @inline(__always)
    func beginElement(_ index: Int) {
        if !levels[index].batchOpen {
            if levels[index].count == 0 { levels[index].markIndex = writer.buffer.writerIndex }
            writer.op(PickleOpcode.mark)
            levels[index].batchOpen = true
        }
    }

    /// Ends an element of the innermost container, closing its batch at 1000.
    @inline(__always)
    func endElement(_ index: Int, closing: UInt8) {
        levels[index].count += 1
        if levels[index].count % PickleWriter.batchSize == 0 {
            writer.op(closing)
            levels[index].batchOpen = false
        }
    }

    /// Starts a dict entry: checks `key` is new to the dict and writes it.
    func beginEntry(_ key: String, _ index: Int, _ id: Int) throws {
        try current(index, id, .dict)
        let start = levels[index].keysStart
        if let inserted = levels[index].keySet?.insert(key).inserted {
            guard inserted else { throw Fallback() }
        } else {
            for position in start..<keys.count where keys[position] == key { throw Fallback() }
            keys.append(key)
            if keys.count - start >= Self.linearKeyLimit { levels[index].keySet = Set(keys[start...]) }
        }
        beginElement(index)
        try writer.writeString(key)
    }

    /// The innermost level as `kind`, opening its container; a different kind than before is a fallback.
    private func open(_ kind: Level.Kind) -> (index: Int, id: Int) {
        guard let index = levels.indices.last else { return (-1, -1) }  // an encoder kept past its value
        if levels[index].kind == .unset {
            levels[index].kind = kind
            writer.op(kind == .dict ? PickleOpcode.emptyDict : PickleOpcode.emptyList)
            writer.memoize()
        } else if levels[index].kind != kind {
            levels[index].kind = .conflicted
        }  // the same container asked for again continues it
        return (index, levels[index].id)
    }

    func path(depth: Int) -> [any CodingKey] { Array(path.prefix(depth)) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let (index, id) = open(.dict)
        return KeyedEncodingContainer(PickleStreamKeyedContainer<Key>(encoder: self, index: index, id: id))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let (index, id) = open(.list)
        return PickleStreamUnkeyedContainer(encoder: self, index: index, id: id)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        PickleStreamSingleContainer(encoder: self, index: levels.count - 1, id: levels.last?.id ?? -1)
    }
}
