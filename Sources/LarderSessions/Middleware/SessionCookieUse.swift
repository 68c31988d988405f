import LarderCache
/// What ``DjangoSessionMiddleware`` will do with cookies when the response goes out, told to a page
/// cache inside it through ``ResponseCookies/use`` (a `cachePage` route stores its page before
/// the middleware has added `Vary: Cookie` or `Set-Cookie`). The middleware's own rules read the
/// same predicates, so the two cannot disagree.
struct SessionCookieUse: ResponseCookieUse {
    let session: Session
    let configuration: SessionConfiguration

    /// An accessed session adds `Vary: Cookie`.
    var variesOnCookie: Bool { session.accessed }

    /// The cookie is deleted (a request that had one, whose session is now empty) or set (a
    /// session that will be saved; below 500, the only statuses a page cache stores).
    var setsCookie: Bool { deletesCookie || savesSession }

    var deletesCookie: Bool { session.requestHadCookie && session.isEmpty }

    var savesSession: Bool { (session.modified || configuration.saveEveryRequest) && !session.isEmpty }
}
