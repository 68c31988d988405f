import Hummingbird
import NIOCore

/// Responses carrying a page.
enum HTMLResponse {
    static func page(_ html: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html.markup)))
    }

    /// A short page naming the problem, its text escaped like everything else; with a link
    /// back to the keyspace unless the request was refused (403), where it would only lead to
    /// the same refusal.
    static func error(_ error: any Error, status: HTTPResponse.Status) -> Response {
        let back: HTML = status == .forbidden ? "" : "<p><a href=\"/\">back to the keyspace</a></p>"
        return page(
            """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Redis keyspace: error</title></head>
            <body><p class="error">\("\(error)")</p>\(back)</body></html>
            """, status: status)
    }
}
