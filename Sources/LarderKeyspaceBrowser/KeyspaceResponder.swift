import Hummingbird
import LarderKeyspace
import LarderRedis
/// Answers the browser's two pages from the inspector; every failure is a short page naming
/// the fix, never a stack trace.
struct KeyspaceResponder: Sendable {
    var inspector: KeyspaceInspector

    /// How much of each string value a list page reads (`GETRANGE 0 4095`): enough to decode
    /// every value the chapters write; a longer one is shown raw, marked, and read in full (up
    /// to the inspector's ``KeyspaceInspector/previewBytes``) only on its own page.
    static let listPreviewBytes = 4096

    var server: String { inspector.configuration.endpoint.description }

    /// `/?db=1&match=:1:*&cursor=0&count=100`.
    func keyspace(_ query: QueryString) async -> Response {
        do {
            let request = try BrowserQuery(query)
            let overview = try await inspector.overview()
            let database = request.database ?? overview.entries.first?.database ?? 0
            if let count = overview.databaseCount, database >= count {
                throw KeyspaceError.noSuchDatabase(database, databases: count)
            }
            var inspector = inspector
            inspector.previewBytes = min(inspector.previewBytes, Self.listPreviewBytes)
            let page = try await inspector.page(
                database: database, cursor: request.cursor, match: request.pattern, count: request.count,
                pageSize: request.count)
            return HTMLResponse.page(KeyspacePageView(server: server, overview: overview, query: request, page: page).html)
        } catch {
            return Self.failure(error)
        }
    }

    /// `/key?db=1&key=%3A1%3Amy-key`.
    func key(_ query: QueryString) async -> Response {
        do {
            guard let text = query["db"], let database = Int(text), database >= 0 else {
                throw BrowserError.badParameter(name: "db", value: query["db"] ?? "", expected: "a database number")
            }
            guard let name = query.bytes("key") else { throw BrowserError.badParameter(name: "key", value: "", expected: "a key name") }
            let key = RedisKey(ByteBuffer(bytes: name))
            guard let description = try await inspector.describe([key], database: database).first else {
                throw BrowserError.notFound(path: "/key")
            }
            return HTMLResponse.page(KeyDetailView(server: server, key: description).html)
        } catch {
            return Self.failure(error)
        }
    }

    static func failure(_ error: any Error) -> Response {
        switch error {
        case is BrowserError: HTMLResponse.error(error, status: .badRequest)
        case let error as KeyspaceError where error.code == .redis: HTMLResponse.error(error, status: .badGateway)
        case is KeyspaceError: HTMLResponse.error(error, status: .badRequest)
        default: HTMLResponse.error(error, status: .internalServerError)
        }
    }
}
