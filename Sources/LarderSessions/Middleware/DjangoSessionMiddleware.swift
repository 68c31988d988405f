import LarderCache
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import LarderRedis
/// Django's `DjangoSessionMiddleware` on Hummingbird: puts a lazily loaded ``Session`` in the
/// request context and, when the response goes out, applies Django's rules
/// (`DjangoSessionMiddleware.process_response`):
///
/// - a session that was accessed adds `Vary: Cookie`;
/// - a modified session (or any, with ``SessionConfiguration/saveEveryRequest``) that is not
///   empty is saved, unless the status is 500 or more, and its cookie sent;
/// - a request that had the cookie and whose session is now empty gets the cookie deleted;
/// - a session deleted by another request while this one ran ends this one with 400 (Django's
///   `SessionInterrupted`), never silently recreated;
/// - a store that cannot be reached answers 503 with a short body (the store logs one line
///   per outage), and requests work again as soon as it is back.
///
/// A page cache inside it (a `cachePage` route) stores the response before these rules run;
/// the middleware tells it what they will do through ``ResponseCookies/use``, so a page whose
/// request used the session is stored per cookie, or not at all when it sets one.
///
/// ```swift
/// let router = Router(context: BasicDjangoSessionRequestContext.self)
/// router.add(middleware: DjangoSessionMiddleware(store: try CacheSessionStore(cache: cache)))
/// router.get("session") { _, context in ... context.session ... }
/// ```
/// Add it before the routes that use sessions: Hummingbird applies middleware to the routes
/// added after it.
public struct DjangoSessionMiddleware<Context: DjangoSessionRequestContext>: RouterMiddleware {
    /// Where sessions live.
    public let store: any SessionStore
    /// The cookie and save settings.
    public let configuration: SessionConfiguration
    /// Whether the rest of the request runs on its connection's event loop (when the context
    /// knows it and it is one of NIO's shared group, Hummingbird's default), so that the store's commands, sent on that loop's Redis connection
    /// (``EventLoopRedisClient``), are written and answered on one thread without hand-offs.
    /// Routes must then not block (no synchronous file or database calls). Default `true`.
    public let runsOnEventLoop: Bool

    /// The middleware for `store`, with Django's defaults unless `configuration` says otherwise.
    public init(store: any SessionStore, configuration: SessionConfiguration = SessionConfiguration(), runsOnEventLoop: Bool = true) {
        self.store = store
        self.configuration = configuration
        self.runsOnEventLoop = runsOnEventLoop
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var cookieValue: Substring?
        for header in request.headers[values: .cookie] {
            if let value = SessionCookie.value(named: configuration.cookieName, in: Substring(header)) {
                cookieValue = value
                break
            }
        }
        let key = cookieValue.flatMap { SessionKey.isValid($0) ? String($0) : nil }
        let session = Session(
            store: store, key: key, age: configuration.cookieAge, expireAtBrowserClose: configuration.expireAtBrowserClose,
            requestHadCookie: cookieValue != nil)
        var context = context
        context.session = session

        if runsOnEventLoop, let eventLoop = context.eventLoop, let executor = EventLoopExecutors.executor(for: eventLoop) {
            return try await withTaskExecutorPreference(executor) {
                try await respond(request, context: context, session: session, next: next)
            }
        }
        return try await respond(request, context: context, session: session, next: next)
    }

    /// Runs the rest of the chain, then applies Django's rules to the response.
    func respond(_ request: Request, context: Context, session: Session, next: (Request, Context) async throws -> Response) async throws -> Response {
        let cookieUse = SessionCookieUse(session: session, configuration: configuration)
        var response: Response
        do {
            response = try await ResponseCookies.$use.withValue(cookieUse) {
                try await next(request, context)
            }
        } catch let error as SessionError {
            return Self.errorResponse(error, logger: context.logger)
        }

        if cookieUse.deletesCookie {
            response.headers.append(HTTPField(name: .setCookie, value: SessionCookie.delete(configuration: configuration)))
            Self.varyOnCookie(&response)
            return response
        }
        if session.accessed { Self.varyOnCookie(&response) }
        if cookieUse.savesSession && response.status.code < 500 {
            do {
                try await session.save()
            } catch {
                return Self.errorResponse(error, logger: context.logger)
            }
            if let key = session.key {
                // The session's own `_session_expiry` first, then the configuration (Django's
                // get_expire_at_browser_close and get_expiry_age).
                let now = Date()
                let maxAge = session.cookieMaxAge(now: now)
                response.headers.append(
                    HTTPField(name: .setCookie, value: SessionCookie.set(key: key, configuration: configuration, maxAge: maxAge, now: now)))
            }
        }
        return response
    }

    /// Django's `patch_vary_headers(response, ("Cookie",))`.
    static func varyOnCookie(_ response: inout Response) {
        let existing = response.headers[values: .vary]
        guard !existing.isEmpty else {
            response.headers[.vary] = "Cookie"
            return
        }
        let names = existing.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        if names.contains(where: { $0 == "*" || $0.lowercased() == "cookie" }) { return }
        response.headers[.vary] = (names + ["Cookie"]).joined(separator: ", ")
    }

    /// A short plain-text answer: 503 for an unreachable store, 400 for an interrupted
    /// session, 500 otherwise. No stack trace, no internals beyond one sentence.
    static func errorResponse(_ error: SessionError, logger: Logger) -> Response {
        let status: HTTPResponse.Status
        let text: String
        switch error.code {
        case .storeUnavailable:
            status = .serviceUnavailable
            text = "Service unavailable: the session store cannot be reached. Try again in a moment.\n"
        case .interrupted:
            status = .badRequest
            text = "Bad request: the session was deleted before the request completed (did you log out in another tab?).\n"
        default:
            logger.error("session error: \(error)")
            status = .internalServerError
            text = "Server error: the session could not be used.\n"
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        if status == .serviceUnavailable { headers[.retryAfter] = "5" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
