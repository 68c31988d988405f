import LarderKeyspace
/// One key in full: what wrote it, its type, TTL, encoding, memory, length and whole value.
struct KeyDetailView {
    var server: String
    var key: KeyDescription

    var html: HTML {
        let back = "/?db=\(key.database)"
        return Layout.page(
            title: "Redis key: \(key.name(limit: 80))", server: server,
            body: """
                <p><a href="\(back)">← db\(key.database)</a></p>
                <h2 class="name">\(key.name())</h2>
                <table class="detail">
                <tr><th>database</th><td>\(key.database)</td></tr>
                <tr><th>written by</th><td>\(key.kind.title)</td></tr>
                <tr><th>type</th><td class="type">\(key.type)</td></tr>
                <tr><th>TTL</th><td class="ttl">\(key.ttlText)</td></tr>
                <tr><th>encoding</th><td>\(key.encoding ?? "-")</td></tr>
                <tr><th>memory</th><td>\(Size.text(key.memoryBytes))</td></tr>
                <tr><th>length</th><td>\(key.length.map { "\($0) \(key.type == "string" ? "bytes" : "elements")" } ?? "-")</td></tr>
                </table>
                <h2>Value</h2>
                <pre class="value">\(key.value.summary(limit: 100_000))</pre>
                \(pageHeaders)
                """)
    }

    /// A cached page's headers, one per row.
    var pageHeaders: HTML {
        guard case .page(let page) = key.value else { return "" }
        let rows = page.headers.map { header -> HTML in
            "<tr><td>\(header.first ?? "")</td><td>\(header.dropFirst().joined(separator: ", "))</td></tr>"
        }
        return "<h2>Stored response headers</h2><table><tr><th>name</th><th>value</th></tr>\(rows)</table>"
    }
}
