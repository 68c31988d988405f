import NIOCore
import LarderRedis
import LarderKeyspace
/// One key as a table row: name (a link to its page), type, TTL, size, encoding, value.
enum KeyRow {
    /// The columns, the same widths in every table, and their headings.
    static let header: HTML = """
        <colgroup><col class="c-key"><col class="c-type"><col class="c-ttl"><col class="c-memory"><col class="c-encoding"><col></colgroup>\
        <tr><th>key</th><th>type</th><th>TTL</th><th>memory</th><th>encoding</th><th>value</th></tr>
        """

    static func html(_ key: KeyDescription) -> HTML {
        let link = "/key?db=\(key.database)&key=" + QueryString.encode(bytes: Array(key.key.bytes.readableBytesView))
        let truncated: HTML = key.isTruncated ? " <span class=\"note\">(\(key.length ?? 0) bytes, only the start read)</span>" : ""
        return """
            <tr class="key"><td class="name"><a href="\(link)">\(key.name(limit: 160))</a></td>\
            <td class="type">\(key.type)</td><td class="ttl num">\(key.ttlText)</td>\
            <td class="memory num">\(Size.text(key.memoryBytes))</td><td class="encoding">\(key.encoding ?? "-")</td>\
            <td class="value">\(key.value.summary(limit: 160))\(truncated)</td></tr>
            """
    }
}

/// Byte counts as people read them.
enum Size {
    static func text(_ bytes: Int?) -> String {
        guard let bytes else { return "-" }
        if bytes < 1024 { return "\(bytes) B" }
        let kibibytes = Double(bytes) / 1024
        if kibibytes < 1024 { return "\(Int((kibibytes * 10).rounded()) / 10).\(Int((kibibytes * 10).rounded()) % 10) KiB" }
        let mebibytes = kibibytes / 1024
        return "\(Int((mebibytes * 10).rounded()) / 10).\(Int((mebibytes * 10).rounded()) % 10) MiB"
    }
}
