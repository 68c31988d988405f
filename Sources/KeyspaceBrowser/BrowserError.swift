/// A request the browser cannot answer as asked.
enum BrowserError: Error, Sendable, CustomStringConvertible {
    /// A query parameter that is not what the page sends (a link edited by hand).
    case badParameter(name: String, value: String, expected: String)
    /// A request for a page that does not exist.
    case notFound(path: String)
    /// A `Host` header other than this machine's loopback name: a page on another site trying
    /// to read this one through DNS rebinding.
    case foreignHost(String)

    var description: String {
        switch self {
        case .badParameter(let name, let value, let expected):
            "the parameter \(name)=\(value) is not \(expected)"
        case .notFound(let path):
            "there is no page \(path) here: start from /"
        case .foreignHost(let host):
            "refused: this page answers to 127.0.0.1 and localhost only, not to Host: \(host)"
        }
    }
}
