import Foundation

/// The `Decoder` behind ``FastJSON/decode(_:from:)``: reads values off a parsed tape.
///
/// Like the encoder, one object decodes a whole value, nested values included, saving and
/// restoring its position and coding path around each; strings and numbers are converted from
/// the input bytes only when asked for. Valid only inside the `withUnsafeBytes` of the input.
final class FastJSONDecoder: Decoder {
    let bytes: UnsafeBufferPointer<UInt8>
    let tape: [FastJSONTapeEntry]
    /// The tape index of the value being decoded.
    // Unchecked: saved and restored around every nested value, only by this module's code.
    @exclusivity(unchecked) private(set) var index: Int
    @exclusivity(unchecked) private(set) var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(bytes: UnsafeBufferPointer<UInt8>, tape: [FastJSONTapeEntry], index: Int = 0, codingPath: [any CodingKey] = []) {
        self.bytes = bytes
        self.tape = tape
        self.index = index
        self.codingPath = codingPath
    }

    /// A decoder of its own for a container or `superDecoder()` that may outlive the call.
    func detached(at index: Int, codingPath: [any CodingKey]) -> FastJSONDecoder {
        FastJSONDecoder(bytes: bytes, tape: tape, index: index, codingPath: codingPath)
    }

    /// The coding path of a container at `depth`, plus `key`: built only when needed.
    func path(depth: Int, key: (any CodingKey)?) -> [any CodingKey] {
        var path = Array(codingPath.prefix(depth))
        if let key { path.append(key) }
        return path
    }

    // MARK: Decoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try FastJSONKeyedDecodingContainer<Key>(decoder: self, object: index, depth: codingPath.count))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try FastJSONUnkeyedDecodingContainer(decoder: self, array: index, depth: codingPath.count)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        FastJSONSingleValueDecodingContainer(decoder: self, index: index, depth: codingPath.count)
    }

    // MARK: Values

    /// The value at tape index `at`, decoded one level below `codingPath.prefix(depth)`.
    func unbox<T: Decodable>(_ type: T.Type, at entry: Int, depth: Int = 0, key: @autoclosure () -> (any CodingKey)? = nil) throws -> T {
        if T.self == String.self { return unsafeBitCast(try unboxString(at: entry, depth: depth, key: key()), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try unboxInteger(Int.self, at: entry, depth: depth, key: key()), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try unboxDouble(at: entry, depth: depth, key: key()), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try unboxBool(at: entry, depth: depth, key: key()), to: T.self) }
        if T.self == Data.self { return unsafeBitCast(try unboxData(at: entry, depth: depth, key: key()), to: T.self) }
        if T.self == URL.self { return unsafeBitCast(try unboxURL(at: entry, depth: depth, key: key()), to: T.self) }
        if T.self == Decimal.self { return unsafeBitCast(try unboxDecimal(at: entry, depth: depth, key: key()), to: T.self) }
        let savedIndex = index
        let savedCount = codingPath.count
        index = entry
        if codingPath.count > depth { codingPath.removeSubrange(depth...) }
        if let key = key() { codingPath.append(key) }
        defer {
            index = savedIndex
            if codingPath.count > savedCount { codingPath.removeSubrange(savedCount...) }
        }
        if let direct = T.self as? any FastJSONDirectDecodable.Type {
            return try decodeDirectly(direct, at: entry, as: type)
        }
        return try T(from: self)
    }

    /// `D` is `T`, opened from the existential metatype: the value needs no dynamic cast back.
    private func decodeDirectly<D: FastJSONDirectDecodable, T>(_ direct: D.Type, at entry: Int, as type: T.Type) throws -> T {
        unsafeBitCast(try D.decodeDirectly(from: self, at: entry), to: T.self)
    }

    func unboxBool(at entry: Int, depth: Int, key: @autoclosure () -> (any CodingKey)?) throws -> Bool {
        switch tape[entry].kind {
        case .true: return true
        case .false: return false
        default: throw mismatch(Bool.self, at: entry, path: path(depth: depth, key: key()))
        }
    }

    func unboxString(at entry: Int, depth: Int, key: @autoclosure () -> (any CodingKey)?) throws -> String {
        let token = tape[entry]
        switch token.kind {
        case .string:
            // The parser has checked that the bytes are UTF-8: nothing here becomes U+FFFD.
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
        case .escapedString:
            do {
                return try unescape(token)
            } catch {
                throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: path(depth: depth, key: key()), debugDescription: error.description, underlyingError: error))
            }
        default:
            throw mismatch(String.self, at: entry, path: path(depth: depth, key: key()))
        }
    }

    func unboxInteger<T: FixedWidthInteger>(_ type: T.Type, at entry: Int, depth: Int, key: @autoclosure () -> (any CodingKey)?) throws -> T {
        let token = tape[entry]
        switch token.kind {
        case .integer:
            var position = token.start
            let negative = bytes[position] == UInt8(ascii: "-")
            if negative { position += 1 }
            var magnitude: UInt64 = 0
            var fits = true
            while position < token.end {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[position] &- UInt8(ascii: "0")))
                if overflow1 || overflow2 {
                    fits = false
                    break
                }
                magnitude = sum
                position += 1
            }
            if fits {
                if !negative, let value = T(exactly: magnitude) { return value }
                if negative, magnitude <= UInt64(Int64.max) + 1 {
                    let signed = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
                    if let value = T(exactly: signed) { return value }
                }
            }
        case .number:
            // 1.0 or 1e3 is an integer if its value is one, as Foundation reads it.
            if let double = Double(text(of: token)), let value = T(exactly: double) { return value }
        default:
            throw mismatch(T.self, at: entry, path: path(depth: depth, key: key()))
        }
        throw DecodingError.dataCorrupted(
            DecodingError.Context(codingPath: path(depth: depth, key: key()), debugDescription: "Number \(text(of: token)) at byte \(token.start) does not fit in \(T.self).")
        )
    }

    func unboxDouble(at entry: Int, depth: Int, key: @autoclosure () -> (any CodingKey)?) throws -> Double {
        let token = tape[entry]
        guard token.kind == .integer || token.kind == .number else { throw mismatch(Double.self, at: entry, path: path(depth: depth, key: key())) }
        if let value = fastDouble(token) { return value }
        let text = text(of: token)
        guard let value = Double(text), value.isFinite else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: path(depth: depth, key: key()), debugDescription: "Number \(text) at byte \(token.start) is not representable as Double.")
            )
        }
        return value
    }

    func unboxFloat(at entry: Int, depth: Int, key: @autoclosure () -> (any CodingKey)?) throws -> Float {
        let token = tape[entry]
        guard token.kind == .integer || token.kind == .number else { throw mismatch(Float.self, at: entry, path: path(depth: depth, key: key())) }
        let text = text(of: token)
        guard let value = Float(text), value.isFinite else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: path(depth: depth, key: key()), debugDescription: "Number \(text) at byte \(token.start) is not representable as Float.")
            )
        }
        return value
    }

    /// `Data` from a base64 string, Foundation's default.
    func unboxData(at entry: Int, depth: Int, key: @autoclosure () -> (any CodingKey)?) throws -> Data {
        let string = try unboxString(at: entry, depth: depth, key: key())
        guard let data = Data(base64Encoded: string) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: path(depth: depth, key: key()), debugDescription: "The string at byte \(tape[entry].start) is not valid Base64.")
            )
        }
        return data
    }

    func unboxURL(at entry: Int, depth: Int, key: @autoclosure () -> (any CodingKey)?) throws -> URL {
        let string = try unboxString(at: entry, depth: depth, key: key())
        guard let url = URL(string: string) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: path(depth: depth, key: key()), debugDescription: "Invalid URL string \"\(string)\" at byte \(tape[entry].start).")
            )
        }
        return url
    }

    func unboxDecimal(at entry: Int, depth: Int, key: @autoclosure () -> (any CodingKey)?) throws -> Decimal {
        let token = tape[entry]
        guard token.kind == .integer || token.kind == .number else { throw mismatch(Decimal.self, at: entry, path: path(depth: depth, key: key())) }
        guard let value = Decimal(string: text(of: token)) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: path(depth: depth, key: key()), debugDescription: "Number \(text(of: token)) at byte \(token.start) is not representable as Decimal.")
            )
        }
        return value
    }

    // MARK: Helpers

    /// The error for a value of the wrong kind: `valueNotFound` for null, as Foundation does.
    func mismatch(_ type: Any.Type, at entry: Int, path: [any CodingKey]) -> DecodingError {
        let token = tape[entry]
        if token.kind == .null {
            return .valueNotFound(type, DecodingError.Context(codingPath: path, debugDescription: "Cannot get value of type \(type) -- found null value instead (at byte \(token.start))."))
        }
        return .typeMismatch(type, DecodingError.Context(codingPath: path, debugDescription: "Expected to decode \(type) but found \(Self.describe(token.kind)) instead (at byte \(token.start))."))
    }

    static func describe(_ kind: FastJSONTapeEntry.Kind) -> String {
        switch kind {
        case .null: "null"
        case .true, .false: "a boolean"
        case .integer, .number: "a number"
        case .string, .escapedString: "a string"
        case .array: "an array"
        case .object: "a dictionary"
        }
    }

    func text(of token: FastJSONTapeEntry) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
    }

    /// The key string at `entry`, escaped or not.
    func keyString(at entry: Int) throws(FastJSONSyntaxError) -> String {
        let token = tape[entry]
        if token.kind == .string { return text(of: token) }
        return try unescape(token)
    }

    /// Whether the unescaped key at `entry` is `wanted` (its UTF-8), without making a String.
    func key(at entry: Int, equals wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        let token = tape[entry]
        guard token.kind == .string else {
            guard let key = try? unescape(token) else { return false }
            return key.utf8.elementsEqual(wanted)
        }
        guard token.end - token.start == wanted.count else { return false }
        var offset = 0
        while offset < wanted.count {
            if bytes[token.start + offset] != wanted[offset] { return false }
            offset += 1
        }
        return true
    }

    /// A string with escapes, unescaped; the parser has checked the escapes' shape.
    func unescape(_ token: FastJSONTapeEntry) throws(FastJSONSyntaxError) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(token.end - token.start)
        var position = token.start
        while position < token.end {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                position += 1
                continue
            }
            let escape = bytes[position + 1]
            position += 2
            switch escape {
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                let escapeStart = position - 2
                var scalar = hex4(at: position)
                position += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one: together one scalar.
                    guard position + 6 <= token.end, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                        throw FastJSONSyntaxError("unpaired surrogate \\u\(String(scalar, radix: 16))", at: escapeStart)
                    }
                    let low = hex4(at: position + 2)
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw FastJSONSyntaxError("unpaired surrogate \\u\(String(scalar, radix: 16))", at: escapeStart)
                    }
                    position += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw FastJSONSyntaxError("unpaired surrogate \\u\(String(scalar, radix: 16))", at: escapeStart)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw FastJSONSyntaxError("invalid \\u escape", at: escapeStart) }
                utf8.append(contentsOf: UTF8.encode(unicode)!)
            default: utf8.append(escape)  // \" \\ \/
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    private func hex4(at position: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 4 | UInt32(FastJSONParser.hexValue(bytes[position + offset]) ?? 0) }
        return value
    }

    /// Exact powers of ten a `Double` holds, for ``fastDouble(_:)``.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Clinger's fast path: a mantissa below 2^53 times or divided by an exact power of ten up
    /// to 10^22 is one correctly rounded operation. Nil when the number needs the full parser.
    private func fastDouble(_ token: FastJSONTapeEntry) -> Double? {
        var position = token.start
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var mantissa: UInt64 = 0
        var exponent = 0
        var digits = 0
        var inFraction = false
        while position < token.end {
            let byte = bytes[position]
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                break
            } else {
                if mantissa != 0 || byte != UInt8(ascii: "0") { digits += 1 }
                if digits > 15 { return nil }
                mantissa = mantissa * 10 + UInt64(byte &- UInt8(ascii: "0"))
                if inFraction { exponent -= 1 }
            }
            position += 1
        }
        if position < token.end {
            position += 1
            var exponentNegative = false
            if bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                exponentNegative = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            var written = 0
            while position < token.end {
                written = written * 10 + Int(bytes[position] &- UInt8(ascii: "0"))
                if written > 1000 { return nil }
                position += 1
            }
            exponent += exponentNegative ? -written : written
        }
        guard exponent >= -22, exponent <= 22 else { return mantissa == 0 ? (negative ? -0.0 : 0.0) : nil }
        var value = Double(mantissa)
        value = exponent < 0 ? value / Self.powersOfTen[-exponent] : value * Self.powersOfTen[exponent]
        return negative ? -value : value
    }
}

// MARK: - Containers

struct FastJSONKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: FastJSONDecoder
    /// The object's tape index.
    let object: Int
    let depth: Int
    /// Key to value index, for objects too large to search member by member.
    private let lookup: [String: Int]?

    /// Up to this many members, a key is found by comparing bytes; above, with a dictionary.
    private static var searchLimit: Int { 12 }

    init(decoder: FastJSONDecoder, object: Int, depth: Int) throws {
        let token = decoder.tape[object]
        guard token.kind == .object else {
            let path = decoder.path(depth: depth, key: nil)
            if token.kind == .null {
                throw DecodingError.valueNotFound(
                    KeyedDecodingContainer<Key>.self,
                    DecodingError.Context(codingPath: path, debugDescription: "Cannot get keyed decoding container -- found null value instead (at byte \(token.start)).")
                )
            }
            throw decoder.mismatch([String: Any].self, at: object, path: path)
        }
        self.decoder = decoder
        self.object = object
        self.depth = depth
        if token.end > Self.searchLimit {
            var lookup: [String: Int] = [:]
            lookup.reserveCapacity(token.end)
            var entry = object + 1
            while entry < token.next {
                let name: String
                do {
                    name = try decoder.keyString(at: entry)
                } catch {
                    throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.path(depth: depth, key: nil), debugDescription: error.description, underlyingError: error))
                }
                if lookup[name] == nil { lookup[name] = entry + 1 }
                entry = decoder.tape[entry + 1].next
            }
            self.lookup = lookup
        } else {
            self.lookup = nil
        }
    }

    var codingPath: [any CodingKey] { decoder.path(depth: depth, key: nil) }

    /// Each key once, as Foundation lists them: a repeated key is one key, whose value is the
    /// first (``valueIndex(_:)``). Synthesized enum decoding counts these, and `Dictionary`
    /// decodes each one. In input order (Foundation's order is its dictionary's).
    var allKeys: [Key] {
        let token = decoder.tape[object]
        var keys: [Key] = []
        var names: [String] = []  // the names so far, where there is no lookup and may be repeats
        var entry = object + 1
        while entry < token.next {
            if let name = try? decoder.keyString(at: entry), isFirst(name, at: entry, among: &names), let key = Key(stringValue: name) { keys.append(key) }
            entry = decoder.tape[entry + 1].next
        }
        return keys
    }

    /// Whether the key `name` at tape index `entry` is its first appearance in the object.
    private func isFirst(_ name: String, at entry: Int, among names: inout [String]) -> Bool {
        if let lookup { return lookup[name] == entry + 1 }
        if decoder.tape[object].end < 2 { return true }
        if names.contains(name) { return false }
        names.append(name)
        return true
    }

    /// The tape index of `key`'s value; of the first, if the object has the key twice.
    private func valueIndex(_ key: Key) -> Int? {
        if let lookup { return lookup[key.stringValue] }
        var name = key.stringValue
        return name.withUTF8 { wanted in
            let end = decoder.tape[object].next
            var entry = object + 1
            while entry < end {
                if decoder.key(at: entry, equals: wanted) { return entry + 1 }
                entry = decoder.tape[entry + 1].next
            }
            return nil
        }
    }

    private func require(_ key: Key) throws -> Int {
        guard let index = valueIndex(key) else {
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(codingPath: codingPath, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\") in the object at byte \(decoder.tape[object].start).")
            )
        }
        return index
    }

    func contains(_ key: Key) -> Bool { valueIndex(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { decoder.tape[try require(key)].kind == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.unboxBool(at: require(key), depth: depth, key: key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder.unboxString(at: require(key), depth: depth, key: key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder.unboxDouble(at: require(key), depth: depth, key: key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder.unboxFloat(at: require(key), depth: depth, key: key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder.unboxInteger(type, at: require(key), depth: depth, key: key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder.unboxInteger(type, at: require(key), depth: depth, key: key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder.unboxInteger(type, at: require(key), depth: depth, key: key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder.unboxInteger(type, at: require(key), depth: depth, key: key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder.unboxInteger(type, at: require(key), depth: depth, key: key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder.unboxInteger(type, at: require(key), depth: depth, key: key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder.unboxInteger(type, at: require(key), depth: depth, key: key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder.unboxInteger(type, at: require(key), depth: depth, key: key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder.unboxInteger(type, at: require(key), depth: depth, key: key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder.unboxInteger(type, at: require(key), depth: depth, key: key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.unbox(type, at: require(key), depth: depth, key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let nested = decoder.detached(at: try require(key), codingPath: decoder.path(depth: depth, key: key))
        return try nested.container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let nested = decoder.detached(at: try require(key), codingPath: decoder.path(depth: depth, key: key))
        return try nested.unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        guard let index = superIndex() else {
            throw DecodingError.keyNotFound(FastJSONCodingKey.super, DecodingError.Context(codingPath: codingPath, debugDescription: "No value associated with key \"super\"."))
        }
        return decoder.detached(at: index, codingPath: decoder.path(depth: depth, key: FastJSONCodingKey.super))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        decoder.detached(at: try require(key), codingPath: decoder.path(depth: depth, key: key))
    }

    /// The value of a `super` member, found by bytes (`Key` may have no `super` case).
    private func superIndex() -> Int? {
        var name = "super"
        return name.withUTF8 { wanted in
            var entry = object + 1
            while entry < decoder.tape[object].next {
                if decoder.key(at: entry, equals: wanted) { return entry + 1 }
                entry = decoder.tape[entry + 1].next
            }
            return nil
        }
    }
}

struct FastJSONUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: FastJSONDecoder
    let depth: Int
    private let total: Int
    private(set) var currentIndex = 0
    /// The tape index of the element at `currentIndex`.
    private var position: Int

    init(decoder: FastJSONDecoder, array: Int, depth: Int) throws {
        let token = decoder.tape[array]
        guard token.kind == .array else {
            let path = decoder.path(depth: depth, key: nil)
            if token.kind == .null {
                throw DecodingError.valueNotFound(
                    (any UnkeyedDecodingContainer).self,
                    DecodingError.Context(codingPath: path, debugDescription: "Cannot get unkeyed decoding container -- found null value instead (at byte \(token.start)).")
                )
            }
            throw decoder.mismatch([Any].self, at: array, path: path)
        }
        self.decoder = decoder
        self.depth = depth
        self.total = token.end
        self.position = array + 1
    }

    var codingPath: [any CodingKey] { decoder.path(depth: depth, key: nil) }
    var count: Int? { total }
    var isAtEnd: Bool { currentIndex >= total }
    private var key: FastJSONCodingKey { FastJSONCodingKey(intValue: currentIndex) }

    /// The current element's tape index; the index only moves on once it is decoded.
    private func element(_ type: Any.Type) throws -> Int {
        guard currentIndex < total else {
            throw DecodingError.valueNotFound(type, DecodingError.Context(codingPath: decoder.path(depth: depth, key: key), debugDescription: "Unkeyed container is at end."))
        }
        return position
    }

    private mutating func advance() {
        position = decoder.tape[position].next
        currentIndex += 1
    }

    private mutating func next<T>(_ decode: (Int) throws -> T) throws -> T {
        let value = try decode(try element(T.self))
        advance()
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard decoder.tape[try element(Any?.self)].kind == .null else { return false }
        advance()
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { [decoder, depth, key] in try decoder.unboxBool(at: $0, depth: depth, key: key) } }
    mutating func decode(_ type: String.Type) throws -> String { try next { [decoder, depth, key] in try decoder.unboxString(at: $0, depth: depth, key: key) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next { [decoder, depth, key] in try decoder.unboxDouble(at: $0, depth: depth, key: key) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next { [decoder, depth, key] in try decoder.unboxFloat(at: $0, depth: depth, key: key) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next { [decoder, depth, key] in try decoder.unboxInteger(type, at: $0, depth: depth, key: key) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next { [decoder, depth, key] in try decoder.unboxInteger(type, at: $0, depth: depth, key: key) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next { [decoder, depth, key] in try decoder.unboxInteger(type, at: $0, depth: depth, key: key) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next { [decoder, depth, key] in try decoder.unboxInteger(type, at: $0, depth: depth, key: key) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next { [decoder, depth, key] in try decoder.unboxInteger(type, at: $0, depth: depth, key: key) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next { [decoder, depth, key] in try decoder.unboxInteger(type, at: $0, depth: depth, key: key) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next { [decoder, depth, key] in try decoder.unboxInteger(type, at: $0, depth: depth, key: key) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next { [decoder, depth, key] in try decoder.unboxInteger(type, at: $0, depth: depth, key: key) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next { [decoder, depth, key] in try decoder.unboxInteger(type, at: $0, depth: depth, key: key) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next { [decoder, depth, key] in try decoder.unboxInteger(type, at: $0, depth: depth, key: key) } }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next { [decoder, depth, key] in try decoder.unbox(type, at: $0, depth: depth, key: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next { [decoder, depth, key] in try decoder.detached(at: $0, codingPath: decoder.path(depth: depth, key: key)).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next { [decoder, depth, key] in try decoder.detached(at: $0, codingPath: decoder.path(depth: depth, key: key)).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next { [decoder, depth, key] in decoder.detached(at: $0, codingPath: decoder.path(depth: depth, key: key)) }
    }
}

struct FastJSONSingleValueDecodingContainer: SingleValueDecodingContainer {
    let decoder: FastJSONDecoder
    let index: Int
    let depth: Int

    var codingPath: [any CodingKey] { decoder.path(depth: depth, key: nil) }

    func decodeNil() -> Bool { decoder.tape[index].kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.unboxBool(at: index, depth: depth, key: nil) }
    func decode(_ type: String.Type) throws -> String { try decoder.unboxString(at: index, depth: depth, key: nil) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.unboxDouble(at: index, depth: depth, key: nil) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.unboxFloat(at: index, depth: depth, key: nil) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.unboxInteger(type, at: index, depth: depth, key: nil) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.unboxInteger(type, at: index, depth: depth, key: nil) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.unboxInteger(type, at: index, depth: depth, key: nil) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.unboxInteger(type, at: index, depth: depth, key: nil) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.unboxInteger(type, at: index, depth: depth, key: nil) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.unboxInteger(type, at: index, depth: depth, key: nil) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.unboxInteger(type, at: index, depth: depth, key: nil) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.unboxInteger(type, at: index, depth: depth, key: nil) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.unboxInteger(type, at: index, depth: depth, key: nil) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.unboxInteger(type, at: index, depth: depth, key: nil) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.unbox(type, at: index, depth: depth, key: nil)
    }
}
