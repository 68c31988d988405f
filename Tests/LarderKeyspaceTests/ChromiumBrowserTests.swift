import Foundation
import RedisTestSupport
import XCTest

/// The browser page as Debian's headless Chromium renders it, on a private server seeded with
/// chapter keys and hostile ones: every key listed with its TTL, the `<script>` key shown as
/// text, and no script run. Also takes the chapter's screenshot.
final class ChromiumBrowserTests: XCTestCase {
    func testRenderedPageListsTheKeysWithTTLsAndRunsNoScript() async throws {
        guard let chromium = HeadlessChromium.find() else { return XCTFail(HeadlessChromium.installHint) }
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        try await ChapterKeys.seed(server)

        try await RunningBrowser.with(server) { browser in
            let dom = try await chromium.dumpDOM(browser.tokenAddress("/?db=1"))
            XCTAssertTrue(dom.contains("<title>Redis keyspace: db1</title>"), "the title is ours, not one a script set:\n\(dom.prefix(400))")
            XCTAssertFalse(dom.contains("data-pwned=\""), "a script from the data ran (it sets data-pwned on <body>)")
            XCTAssertFalse(dom.lowercased().contains("<script"), "a <script> element from the data is in the DOM")
            XCTAssertFalse(dom.lowercased().contains("<img"), "an <img> element from the data is in the DOM")
            XCTAssertTrue(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the script key is not shown as text")
            XCTAssertTrue(dom.contains("&lt;img src=x onerror="), "the HTML value is not shown as text")

            // Every key, in a row with its TTL: (name) ... (TTL in seconds).
            let rows = Self.rows(in: dom)
            for (key, _, ttl) in ChapterKeys.cacheDatabase {
                let name = Self.escaped(key)
                let row = try XCTUnwrap(rows.first { $0.name == name }, "\(key) is not listed; rows: \(rows.map(\.name))")
                if let ttl {
                    let shown = try XCTUnwrap(Int(row.ttl.dropLast(2)), "TTL '\(row.ttl)' of \(key)")
                    XCTAssertTrue((ttl - 60...ttl).contains(shown), "\(key): TTL \(row.ttl), set \(ttl) s")
                } else {
                    XCTAssertEqual(row.ttl, "no expiry", key)
                }
            }
            for section in ["page-cache", "other"] { XCTAssertTrue(dom.contains("id=\"\(section)\""), "no \(section) section") }
            XCTAssertTrue(dom.contains("Cache API (chapter 04): version 2"))
            XCTAssertTrue(dom.contains("Sessions (chapter 05): cached DB engine"))

            // A search for a pattern that is itself markup: echoed in the form, escaped.
            let search = try await chromium.dumpDOM(browser.tokenAddress("/?db=1&match=%22%3E%3Cscript%3Edocument.title%3D%27PWNED%27%3C%2Fscript%3E*"))
            XCTAssertFalse(search.lowercased().contains("<script"))
            XCTAssertTrue(search.contains("<title>Redis keyspace: db1</title>"), "a script from the pattern ran")
            XCTAssertTrue(search.contains("value=\"&quot;&gt;&lt;script&gt;document.title='PWNED'&lt;/script&gt;*\""), "the pattern is not echoed escaped")

            // The script key's own page.
            let detail = try await chromium.dumpDOM(browser.tokenAddress("/key?db=1&key=%3Cscript%3Ealert(1)%3C%2Fscript%3E"))
            XCTAssertFalse(detail.lowercased().contains("<script"))
            XCTAssertTrue(detail.contains("<h2 class=\"name\">&lt;script&gt;alert(1)&lt;/script&gt;</h2>"), String(detail.prefix(2000)))

            // The chapter's screenshot (KEYSPACE_SCREENSHOT=chapters/images/keyspace-browser.png to keep it).
            let file = ProcessInfo.processInfo.environment["KEYSPACE_SCREENSHOT"].map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("keyspace-\(UUID().uuidString).png")
            try await chromium.screenshot(browser.tokenAddress("/?db=1"), to: file, width: 1400, height: 1500)
            let png = try Data(contentsOf: file)
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
            XCTAssertGreaterThan(png.count, 10_000, "an empty screenshot?")
            if ProcessInfo.processInfo.environment["KEYSPACE_SCREENSHOT"] == nil { try? FileManager.default.removeItem(at: file) }
        }
    }

    /// The key rows of a dumped DOM: escaped name and TTL text.
    static func rows(in dom: String) -> [(name: String, ttl: String)] {
        dom.components(separatedBy: "<tr class=\"key\">").dropFirst().compactMap { row in
            guard let name = between(row, "<td class=\"name\"><a href=\"", "</a>").flatMap({ $0.components(separatedBy: "\">").dropFirst().joined(separator: "\">") }),
                let ttl = between(row, "<td class=\"ttl num\">", "</td>")
            else { return nil }
            return (name, ttl)
        }
    }

    static func between(_ text: String, _ start: String, _ end: String) -> String? {
        guard let from = text.range(of: start), let to = text.range(of: end, range: from.upperBound..<text.endIndex) else { return nil }
        return String(text[from.upperBound..<to.lowerBound])
    }

    /// A key as Chromium serializes it in text: `&`, `<`, `>` escaped (quotes are not, in text).
    static func escaped(_ key: String) -> String {
        key.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
