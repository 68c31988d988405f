import Hummingbird
import NIOCore

/// A request context that carries a ``Session``, set by ``SessionMiddleware``.
public protocol SessionRequestContext: RequestContext {
    /// The request's session (``Session/unattached`` until the middleware runs).
    var session: Session { get set }
    /// The event loop of the request's connection, if known (``SessionMiddleware`` then runs
    /// the request there). Default `nil`.
    var eventLoop: (any EventLoop)? { get }
}

extension SessionRequestContext {
    /// Not known: the request runs where Hummingbird runs it.
    public var eventLoop: (any EventLoop)? { nil }
}

/// Hummingbird's `BasicRequestContext` plus a session.
///
/// ```swift
/// let router = Router(context: BasicSessionRequestContext.self)
/// router.add(middleware: SessionMiddleware(store: store))
/// ```
public struct BasicSessionRequestContext: SessionRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var session: Session
    public let eventLoop: (any EventLoop)?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        session = .unattached
        eventLoop = source.channel.eventLoop
    }
}
