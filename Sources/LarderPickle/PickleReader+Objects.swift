import Foundation

/// The allow-listed types: what `REDUCE`, `NEWOBJ` and `BUILD` make of them, from the exact
/// shapes CPython 3.11 writes at protocols 2 to 5 (`pickletools.dis` of each).
extension PickleReader {
    func allowedGlobal(module: String, name: String) throws(PickleError) -> PickleGlobal {
        guard let global = PickleGlobal(module: module, name: name) else {
            throw fail(.forbiddenGlobal, "\(module) \(name) is not allow-listed")
        }
        return global
    }

    /// `global(*arguments)` for an allow-listed global.
    mutating func reduce(_ global: PickleGlobal, arguments: [Slot]) throws(PickleError) -> Slot {
        switch global {
        case .datetime:
            // datetime(b'\x07\xe8\x01\x02\x03\x04\x05\x00\x00\x00'[, tzinfo]): year (2, big-endian), month,
            // day, hour (top bit: fold), minute, second, microsecond (3, big-endian).
            let (state, offset) = try packedState(arguments, length: 10, type: "datetime")
            let date = try makeDate(state[0...3])
            let time = try makeTime(state[4...9], offset: offset)
            return .value(.datetime(PickleDateTime(date: date, time: time)))
        case .date:
            let (state, offset) = try packedState(arguments, length: 4, type: "date")
            guard offset == nil else { throw fail(.malformed, "a date with a tzinfo") }
            return .value(.date(try makeDate(state[0...3])))
        case .time:
            let (state, offset) = try packedState(arguments, length: 6, type: "time")
            return .value(.time(try makeTime(state[0...5], offset: offset)))
        case .timedelta:
            guard arguments.count == 3, case .value(.int(let days)) = arguments[0], case .value(.int(let seconds)) = arguments[1],
                case .value(.int(let microseconds)) = arguments[2]
            else { throw fail(.malformed, "timedelta arguments are not (days, seconds, microseconds)") }
            guard abs(days) <= 999_999_999, (0..<86_400).contains(seconds), (0..<1_000_000).contains(microseconds) else {
                throw fail(.invalidValue, "timedelta(\(days), \(seconds), \(microseconds)) out of range")
            }
            return .value(.timedelta(PickleTimeDelta(days: days, seconds: seconds, microseconds: microseconds)))
        case .timezone:
            guard arguments.count == 1, case .value(.timedelta(let offset)) = arguments[0] else {
                throw fail(.invalidValue, "a timezone with a name, or not of one timedelta: only fixed offsets are read")
            }
            guard abs(offset.totalSeconds) < 86_400 else { throw fail(.invalidValue, "a timezone offset of a day or more") }
            return .timezone(offset)
        case .decimal:
            guard arguments.count == 1, case .value(.string(let text)) = arguments[0] else {
                throw fail(.malformed, "Decimal arguments are not one str")
            }
            guard Self.isDecimalText(text) else { throw fail(.invalidValue, "Decimal(\(text.debugDescription)) is not a number") }
            return .value(.decimal(text))
        case .uuid:
            throw fail(.malformed, "uuid.UUID called with REDUCE; CPython writes NEWOBJ and BUILD")
        case .set, .frozenset:
            let items: [Slot]
            switch arguments.count {
            case 0: items = []
            case 1:
                guard case .node(let index) = arguments[0], nodes[index].kind.matches(.list) else {
                    throw fail(.malformed, "\(global) of something that is not a list")
                }
                items = nodes[index].items
            default: throw fail(.malformed, "\(global) with \(arguments.count) arguments")
            }
            return try makeNode(global == .set ? .set : .frozenset, items)
        case .bytearray, .bytes:
            switch arguments.count {
            case 0: return .value(.bytes([]))
            case 1:
                guard case .value(.bytes(let bytes)) = arguments[0] else { throw fail(.malformed, "\(global) of something that is not bytes") }
                return .value(.bytes(bytes))
            default: throw fail(.malformed, "\(global) with \(arguments.count) arguments")
            }
        case .codecsEncode:
            guard arguments.count == 2, case .value(.string(let text)) = arguments[0], case .value(.string(let encoding)) = arguments[1],
                encoding == "latin1" || encoding == "latin-1"
            else { throw fail(.malformed, "_codecs.encode arguments are not (str, 'latin1')") }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { throw fail(.invalidValue, "_codecs.encode of a character beyond latin1") }
                bytes.append(UInt8(scalar.value))
            }
            return .value(.bytes(bytes))
        }
    }

    /// `BUILD`: the state of a `uuid.UUID` made by `NEWOBJ`, `{'int': n}` (and `'is_safe'` when known).
    mutating func build(state: Slot) throws(PickleError) {
        guard case .node(let target) = try top(), nodes[target].kind.matches(.pendingUUID) else {
            throw fail(.malformed, "BUILD of something other than a new uuid.UUID")
        }
        guard case .node(let stateIndex) = state, nodes[stateIndex].kind.matches(.dict) else {
            throw fail(.malformed, "uuid.UUID state that is not a dict")
        }
        var uuidInt: PickleValue? = nil
        let pairs = nodes[stateIndex].items
        for index in stride(from: 0, to: pairs.count - 1, by: 2) {
            guard case .value(.string(let key)) = pairs[index] else { throw fail(.malformed, "uuid.UUID state with a key not a str") }
            switch key {
            case "int":
                guard case .value(let value) = pairs[index + 1] else { throw fail(.malformed, "uuid.UUID int that is not an int") }
                uuidInt = value
            case "is_safe":
                break  // uuid.SafeUUID: how the UUID was generated, not part of its value
            default:
                throw fail(.malformed, "uuid.UUID state with key \(key.debugDescription)")
            }
        }
        let bytes: [UInt8]
        switch uuidInt {
        case .int(let value) where value >= 0:
            bytes = withUnsafeBytes(of: UInt64(value).bigEndian) { Array(repeating: 0, count: 8) + Array($0) }
        case .bigInt(let value) where !value.isNegative && value.twosComplementLittleEndian.count <= 17:
            var little = value.twosComplementLittleEndian
            if little.count == 17 { little.removeLast() }  // the sign byte of a value with bit 127 set
            bytes = Array(repeating: 0, count: 16 - little.count) + little.reversed()
        default:
            throw fail(.invalidValue, "uuid.UUID int that is not in 0..<2**128")
        }
        let uuid = UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
        nodes[target].kind = .uuid(.uuid(uuid))
    }

    /// The packed bytes of a datetime/date/time (bytes at protocol 3+, latin1 str at 2 is
    /// already bytes after `_codecs.encode`) and its tzinfo, if any.
    private func packedState(_ arguments: [Slot], length: Int, type: String) throws(PickleError) -> ([UInt8], PickleTimeDelta?) {
        guard (1...2).contains(arguments.count) else { throw fail(.malformed, "\(type) with \(arguments.count) arguments") }
        let packed: [UInt8]
        switch arguments[0] {
        case .value(.bytes(let bytes)): packed = bytes
        case .value(.string(let text)):
            // A protocol 0/1 form CPython can still read; protocol 2+ writes bytes.
            packed = text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        default: throw fail(.malformed, "\(type) state that is not bytes")
        }
        guard packed.count == length else { throw fail(.invalidValue, "\(type) state of \(packed.count) bytes, not \(length)") }
        guard arguments.count == 2 else { return (packed, nil) }
        switch arguments[1] {
        case .timezone(let offset): return (packed, offset)
        case .value(.none): return (packed, nil)
        default: throw fail(.invalidValue, "a \(type) tzinfo other than datetime.timezone (zoneinfo, pytz...): only fixed offsets are read")
        }
    }

    private func makeDate(_ state: ArraySlice<UInt8>) throws(PickleError) -> PickleDate {
        let base = state.startIndex
        let year = Int(state[base]) << 8 | Int(state[base + 1])
        let month = Int(state[base + 2])
        let day = Int(state[base + 3])
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else {
            throw fail(.invalidValue, "a date \(year)-\(month)-\(day) out of range")
        }
        return PickleDate(year: year, month: month, day: day)
    }

    private func makeTime(_ state: ArraySlice<UInt8>, offset: PickleTimeDelta?) throws(PickleError) -> PickleTime {
        let base = state.startIndex
        let hour = Int(state[base] & 0x7F)  // the top bit is `fold`, which a fixed offset does not need
        let minute = Int(state[base + 1])
        let second = Int(state[base + 2])
        let microsecond = Int(state[base + 3]) << 16 | Int(state[base + 4]) << 8 | Int(state[base + 5])
        guard hour < 24, minute < 60, second < 60, microsecond < 1_000_000 else {
            throw fail(.invalidValue, "a time \(hour):\(minute):\(second).\(microsecond) out of range")
        }
        return PickleTime(hour: hour, minute: minute, second: second, microsecond: microsecond, utcOffset: offset)
    }

    /// What `decimal.Decimal(str)` accepts: a number, `NaN`/`sNaN` (with digits), `Infinity`/`Inf`.
    static func isDecimalText(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        let lower = rest.lowercased()
        if ["inf", "infinity"].contains(lower) { return true }
        if lower.hasPrefix("nan") || lower.hasPrefix("snan") {
            return lower.drop(while: { $0.isLetter }).allSatisfy(\.isASCII) && lower.drop(while: { $0.isLetter }).allSatisfy(\.isNumber)
        }
        var sawDigit = false
        var sawPoint = false
        var index = rest.startIndex
        while index < rest.endIndex {
            let character = rest[index]
            if character.isASCII, character.isNumber {
                sawDigit = true
            } else if character == "." && !sawPoint {
                sawPoint = true
            } else if character == "e" || character == "E" {
                var exponent = rest[rest.index(after: index)...]
                if exponent.first == "-" || exponent.first == "+" { exponent = exponent.dropFirst() }
                return sawDigit && !exponent.isEmpty && exponent.allSatisfy { $0.isASCII && $0.isNumber }
            } else {
                return false
            }
            index = rest.index(after: index)
        }
        return sawDigit
    }
}
