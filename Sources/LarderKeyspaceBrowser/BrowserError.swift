/// A request the browser cannot answer as asked.
enum BrowserError: Error, Sendable, CustomStringConvertible {
    /// A query parameter that is not what the page sends (a link edited by hand).
    case badParameter(name: String, value: String, expected: String)
    /// A request for a page that does not exist.
    case notFound(path: String)
    /// A `Host` header other than this machine's loopback name: a page on another site trying
    /// to read this one through DNS rebinding.
    case foreignHost(String)
    /// A request another site made (a link, image, form or script on a page elsewhere), told
    /// by its `Sec-Fetch-Site` or `Origin` header.
    case crossSite(header: String, value: String)
    /// A request with neither the run's token nor its cookie.
    case missingToken
    /// A `?token=` that is not this run's.
    case wrongToken

    var description: String {
        switch self {
        case .badParameter(let name, let value, let expected):
            "the parameter \(name)=\(value) is not \(expected)"
        case .notFound(let path):
            "there is no page \(path) here: start from /"
        case .foreignHost(let host):
            "refused: this page answers to 127.0.0.1 and localhost only, not to Host: \(host)"
        case .crossSite(let header, let value):
            "refused: another site made this request (\(header): \(value)); the page answers only its own links. "
                + "Open the address keyspace --web printed in your browser's address bar"
        case .missingToken:
            "this page shows session data, so it answers only the browser that opened the address keyspace --web printed "
                + "when it started (http://127.0.0.1:PORT/?token=...): open that address, which sets a cookie for this run. "
                + "Lost it? Stop keyspace --web (Ctrl-C) and start it again: each run prints a new token"
        case .wrongToken:
            "the token in this address is not this run's: open the address the running keyspace --web printed "
                + "(each run draws a new token, so an address from an earlier run no longer works)"
        }
    }
}
