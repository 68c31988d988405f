import NIOCore

extension RESPToken: CustomStringConvertible {
    /// The value in a readable form, e.g. `"PONG"`, `(integer) 42`, `1) "a"` lists as
    /// `["a", "b"]`, maps as `{"k": "v"}`. Long strings are shown in full; see
    /// ``shortDescription`` for error messages.
    public var description: String { render(limit: .max) }

    /// The value cut to about 60 characters, for error messages.
    public var shortDescription: String { render(limit: 60) }

    func render(limit: Int) -> String {
        func quoted(_ buffer: ByteBuffer) -> String {
            let shown = buffer.getSlice(at: buffer.readerIndex, length: min(buffer.readableBytes, limit)) ?? buffer
            var text = "\""
            for scalar in String(decoding: shown.readableBytesView, as: UTF8.self).unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\r": text += "\\r"
                case "\n": text += "\\n"
                case "\t": text += "\\t"
                default:
                    // Two hex digits always, so that byte 0x01 followed by "f" cannot read as 0x1f.
                    if scalar.value < 0x20 {
                        text += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                    } else {
                        text.unicodeScalars.append(scalar)
                    }
                }
            }
            text += "\""
            if buffer.readableBytes > limit { text += "… (\(buffer.readableBytes) bytes)" }
            return text
        }
        func list(_ elements: some Sequence<RESPToken>, count: Int, open: String, close: String) -> String {
            var parts: [String] = []
            var length = 0
            for element in elements {
                let part = element.render(limit: limit)
                length += part.count
                parts.append(part)
                if length > limit, parts.count < count { parts.append("… \(count - parts.count) more"); break }
            }
            return open + parts.joined(separator: ", ") + close
        }
        switch value {
        case .simpleString(let text), .bulkString(let text): return quoted(text)
        case .simpleError(let text), .bulkError(let text):
            let shown = text.getSlice(at: text.readerIndex, length: min(text.readableBytes, limit)) ?? text
            return "(error) " + String(buffer: shown) + (text.readableBytes > limit ? "… (\(text.readableBytes) bytes)" : "")
        case .verbatimString(_, let content): return quoted(content)
        case .integer(let number): return "(integer) \(number)"
        case .double(let number): return "(double) \(number)"
        case .boolean(let flag): return "(boolean) \(flag)"
        case .null: return "(nil)"
        case .bigNumber(let digits): return "(big number) " + String(buffer: digits)
        case .array(let elements): return list(elements, count: elements.count, open: "[", close: "]")
        case .set(let elements): return list(elements, count: elements.count, open: "(set) [", close: "]")
        case .push(let elements): return list(elements, count: elements.count, open: "(push) [", close: "]")
        case .map(let pairs):
            var parts: [String] = []
            var length = 0
            for pair in pairs {
                let part = pair.key.render(limit: limit) + ": " + pair.value.render(limit: limit)
                length += part.count
                parts.append(part)
                if length > limit, parts.count < pairs.count {
                    parts.append("… \(pairs.count - parts.count) more")
                    break
                }
            }
            return "{" + parts.joined(separator: ", ") + "}"
        }
    }
}
