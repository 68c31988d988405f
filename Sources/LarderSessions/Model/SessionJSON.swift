/// Session values as JSON text, byte for byte as Python's `json.dumps(value, separators=(",", ":"))`
/// writes them (Django's `JSONSerializer`): no spaces, non-ASCII escaped as `\uXXXX`, object
/// keys in sorted order (Python keeps insertion order; a Swift dictionary has none, and sorted
/// keys make the signed value of a session reproducible).
///
/// Why this is not `LarderFastJSON`: FastJSON maps `Codable` Swift types to JSON for cache
/// values, where any valid JSON will do. A session is an untyped tree (``SessionValue``) whose
/// bytes are signed, and Django checks that signature over the exact text Python's `json` module
/// writes — its escaping (`\uXXXX` for every non-ASCII scalar), its float spelling (`1e+16`,
/// `1.0`) and its separators. That byte-for-byte contract is this file's whole job, and
/// ``SessionJSONParser`` reads the same trees back without going through `Decodable`. Values a
/// program stores as its own `Codable` types still go through FastJSON
/// (``DjangoSessionData`` uses `FastJSONCacheSerializer`).
enum SessionJSON {
    static func write(_ value: SessionValue, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): output.append(contentsOf: String(number).utf8)
        case .double(let number): writeDouble(number, into: &output)
        case .string(let text): writeString(text, into: &output)
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(item, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let fields):
            writeObject(fields, into: &output)
        }
    }

    static func writeObject(_ fields: [String: SessionValue], into output: inout [UInt8]) {
        output.append(UInt8(ascii: "{"))
        // One key (a counter, a user id) is the common case: skip the sort.
        if fields.count == 1, let (key, value) = fields.first {
            writeString(key, into: &output)
            output.append(UInt8(ascii: ":"))
            write(value, into: &output)
        } else {
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                write(fields[key]!, into: &output)
            }
        }
        output.append(UInt8(ascii: "}"))
    }

    /// Python's `repr(float)` for finite values (`1.5`, `1e+20`, `1e-05`); Python writes
    /// `NaN`/`Infinity`, which are not JSON, so those become `null` here.
    static func writeDouble(_ number: Double, into output: inout [UInt8]) {
        guard number.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        output.append(contentsOf: number.description.utf8)
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for unit in text.utf16 {
            switch unit {
            case 0x22: output.append(contentsOf: [0x5C, 0x22])  // \"
            case 0x5C: output.append(contentsOf: [0x5C, 0x5C])  // \\
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x20..<0x7F: output.append(UInt8(unit))
            default:
                // Control characters, DEL and everything past ASCII, UTF-16 unit by unit
                // (surrogate pairs included), as `ensure_ascii=True` does.
                output.append(contentsOf: [0x5C, UInt8(ascii: "u")])
                for shift in stride(from: 12, through: 0, by: -4) {
                    output.append(hex[Int((unit >> UInt16(shift)) & 0xF)])
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
