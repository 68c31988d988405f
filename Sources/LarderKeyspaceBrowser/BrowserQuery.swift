import LarderKeyspace
/// What a request to the browser asks for: `?db=1&match=:1:*&cursor=0&count=100`.
struct BrowserQuery: Sendable {
    /// The database to show, or `nil` for the default (the first holding keys).
    var database: Int?
    /// The `MATCH` pattern, `nil` for every key.
    var pattern: String?
    /// The SCAN cursor to start from.
    var cursor: String
    /// The `COUNT` hint, and the most keys a page shows.
    var count: Int
    /// The count asked for when it was more than ``maximumCount`` (the page says so).
    var cappedFrom: Int?

    static let defaultCount = 100
    /// The most keys one page describes: each costs a pipeline of reads and a row, and a page
    /// is for reading (`keyspace groups` lists everything).
    static let maximumCount = 500

    /// Reads the query; malformed numbers are errors that name the parameter.
    init(_ query: QueryString) throws(BrowserError) {
        if let text = query["db"], !text.isEmpty {
            guard let database = Int(text), database >= 0 else {
                throw .badParameter(name: "db", value: text, expected: "a database number (0, 1, ...)")
            }
            self.database = database
        }
        pattern = query["match"].flatMap { $0.isEmpty ? nil : $0 }
        cursor = query["cursor"].flatMap { $0.isEmpty ? nil : $0 } ?? "0"
        if let text = query["count"], !text.isEmpty {
            guard let count = Int(text) else { throw .badParameter(name: "count", value: text, expected: "a number") }
            self.count = min(count, Self.maximumCount)
            if count > Self.maximumCount { cappedFrom = count }
        } else {
            count = Self.defaultCount
        }
    }

    /// The query string of a link to `database` with this pattern and count, from `cursor`.
    func link(database: Int, cursor: String = "0") -> String {
        var parts = ["db=\(database)"]
        if let pattern { parts.append("match=" + QueryString.encode(pattern)) }
        if count != Self.defaultCount { parts.append("count=\(count)") }
        if cursor != "0" { parts.append("cursor=" + QueryString.encode(cursor)) }
        return "/?" + parts.joined(separator: "&")
    }
}
