import Hummingbird
import NIOCore

/// A request context that carries a ``Session``, set by ``DjangoSessionMiddleware``.
public protocol DjangoSessionRequestContext: RequestContext {
    /// The request's session (``Session/unattached`` until the middleware runs).
    var session: Session { get set }
    /// The event loop of the request's connection, if known (``DjangoSessionMiddleware`` then runs
    /// the request there). Default `nil`.
    var eventLoop: (any EventLoop)? { get }
}

extension DjangoSessionRequestContext {
    /// Not known: the request runs where Hummingbird runs it.
    public var eventLoop: (any EventLoop)? { nil }
}

/// Hummingbird's `BasicRequestContext` plus a session.
///
/// ```swift
/// let router = Router(context: BasicDjangoSessionRequestContext.self)
/// router.add(middleware: DjangoSessionMiddleware(store: store))
/// ```
public struct BasicDjangoSessionRequestContext: DjangoSessionRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var session: Session
    public let eventLoop: (any EventLoop)?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        session = .unattached
        eventLoop = source.channel.eventLoop
    }
}
