/// The page around every view: title, style, and the read-only note. No script at all: the
/// page works without JavaScript, and the Content-Security-Policy forbids any.
enum Layout {
    static func page(title: String, server: String, body: HTML) -> HTML {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(title)</title>
        <style>\(style)</style>
        </head>
        <body>
        <header><h1><a href="/">Redis keyspace</a></h1><p class="server">\(server) · read-only: SCAN, TYPE, PTTL, OBJECT ENCODING, MEMORY USAGE, GETRANGE</p></header>
        <main>
        \(body)
        </main>
        </body>
        </html>
        """
    }

    static let style: HTML = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5em 2em;color:#222}
        header{border-bottom:1px solid #ccc;margin-bottom:1em}
        h1{font-size:1.4em;margin:.6em 0 .2em} h1 a{color:inherit;text-decoration:none}
        h2{font-size:1.15em;margin:1.4em 0 .4em} .server{color:#666;margin:0 0 .6em}
        table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:.25em .6em;border-bottom:1px solid #eee;vertical-align:top}
        th{background:#f4f4f4} td.name,td.value,pre{font-family:ui-monospace,monospace;word-break:break-all}
        td.num{text-align:right;white-space:nowrap} tr.group th{background:#eef3fb;font-weight:normal}
        .dbs a.current{font-weight:bold} .note{color:#666} .error{color:#a00;font-weight:bold}
        form{margin:.8em 0} input[name=match]{width:24em;font-family:ui-monospace,monospace}
        nav.pager{margin:1em 0} table.keys{table-layout:fixed} .c-key{width:42%} .c-type{width:4.5em}
        .c-ttl{width:7em} .c-memory{width:5.5em} .c-encoding{width:5.5em}
        """
}
