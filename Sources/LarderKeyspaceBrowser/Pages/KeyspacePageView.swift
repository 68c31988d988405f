import LarderRedis
import LarderKeyspace
/// The main page: the databases with their counts, the search form, one SCAN page of the
/// chosen database grouped by what wrote each key, and the link to the next page.
struct KeyspacePageView {
    var server: String
    var overview: KeyspaceOverview
    var query: BrowserQuery
    var page: KeyspacePage

    var html: HTML {
        let groups = KeyGroups(page.keys)
        let noKeys: HTML = groups.isEmpty ? "<p class=\"note\">No keys on this page.</p>" : ""
        return Layout.page(
            title: "Redis keyspace: db\(page.database)", server: server,
            body: """
                \(databases)
                \(searchForm)
                <p class="scan">SCAN \(page.cursor)\(page.pattern.map { " MATCH \($0)" } ?? "") COUNT \(query.count): \
                \(page.keys.count) key\(page.keys.count == 1 ? "" : "s") in \(page.scanCalls) call\(page.scanCalls == 1 ? "" : "s"), \
                next cursor \(page.nextCursor)\(page.isLast ? " (the scan is complete)" : "")</p>
                \(capped)
                \(noKeys)
                \(pageCache(groups.pages))
                \(groups.cacheVersions.map(cacheVersion))
                \(groups.sessions.map(sessions))
                \(other(groups.other))
                \(pager)
                """)
    }

    /// Says so when the count asked for was more than a page shows.
    var capped: HTML {
        guard let asked = query.cappedFrom else { return "" }
        return """
            <p class="note capped">COUNT \(asked) is more than one page shows: capped at \(BrowserQuery.maximumCount). \
            Follow the next-page link, or list every key with keyspace groups (or redis-cli --scan).</p>
            """
    }

    /// `INFO keyspace` as a table, each database a link.
    var databases: HTML {
        let count = overview.databaseCount ?? max(16, (overview.entries.map(\.database).max() ?? 0) + 1)
        let rows = overview.entries.map { entry -> HTML in
            let current: HTML = entry.database == page.database ? " class=\"current\"" : ""
            return """
                <tr><td><a\(current) href="\(query.link(database: entry.database))">db\(entry.database)</a></td>\
                <td class="num">\(entry.keys)</td><td class="num">\(entry.expires)</td>\
                <td class="num">\(entry.averageTTLMilliseconds / 1000) s</td></tr>
                """
        }
        let empty: HTML = overview.entries.isEmpty ? "<tr><td colspan=\"4\" class=\"note\">every database is empty</td></tr>" : ""
        return """
            <section class="dbs"><h2>Databases (INFO keyspace)</h2>
            <table><tr><th>database</th><th>keys</th><th>with a TTL</th><th>average TTL (sampled)</th></tr>\(rows)\(empty)</table>
            <p class="note">\(count) databases; the ones not listed hold no key. Showing db\(page.database).</p></section>
            """
    }

    var searchForm: HTML {
        """
        <form method="get" action="/"><input type="hidden" name="db" value="\(page.database)">
        <label>MATCH <input name="match" value="\(query.pattern ?? "")" placeholder="*"></label>
        <label>COUNT <input name="count" value="\(query.count)" size="6"></label>
        <button type="submit">SCAN</button></form>
        """
    }

    func pageCache(_ groups: [PageCacheGroup]) -> HTML {
        guard !groups.isEmpty else { return "" }
        let bodies = groups.map { group -> HTML in
            let pages = group.pages.count
            let headline = "URL md5 \(group.pairing.urlHash)" + (group.pairing.suffix.isEmpty ? "" : " · \(group.pairing.suffix)")
                + (group.headers.isEmpty ? " · no header list: never served" : "")
                + " · \(pages) page\(pages == 1 ? "" : "s")"
            return """
                <tbody class="page-group"><tr class="group"><th colspan="6">\(headline)</th></tr>\
                \(group.headers.map(KeyRow.html))\(group.pages.map(KeyRow.html))</tbody>
                """
        }
        return """
            <section id="page-cache"><h2>Page cache (chapter 03): header lists and pages, by URL</h2>
            <table class="keys">\(KeyRow.header)\(bodies)</table></section>
            """
    }

    func cacheVersion(_ group: CacheVersionGroup) -> HTML {
        let prefix = group.id.prefix.isEmpty ? "" : ", key prefix \(group.id.prefix)"
        return """
            <section class="cache-api"><h2>Cache API (chapter 04): version \(group.id.version)\(prefix)</h2>
            <table class="keys">\(KeyRow.header)\(group.keys.map(KeyRow.html))</table></section>
            """
    }

    func sessions(_ group: SessionGroup) -> HTML {
        """
        <section class="sessions"><h2>Sessions (chapter 05): \(group.engine.title)</h2>
        <table class="keys">\(KeyRow.header)\(group.keys.map(KeyRow.html))</table></section>
        """
    }

    func other(_ keys: [KeyDescription]) -> HTML {
        guard !keys.isEmpty else { return "" }
        return """
            <section id="other"><h2>Other keys (shown raw)</h2>
            <table class="keys">\(KeyRow.header)\(keys.map(KeyRow.html))</table></section>
            """
    }

    var pager: HTML {
        let first: HTML = page.cursor == "0" ? "" : "<a href=\"\(query.link(database: page.database))\">first page</a> · "
        if page.isLast { return "<nav class=\"pager\">\(first)end of the scan</nav>" }
        return """
            <nav class="pager">\(first)<a rel="next" href="\(query.link(database: page.database, cursor: page.nextCursor))">next page (cursor \(page.nextCursor))</a></nav>
            """
    }
}
