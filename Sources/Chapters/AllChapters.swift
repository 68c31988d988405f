import Guide

/// Every chapter built so far, in the guide's order.
public enum AllChapters {
    /// The chapters, configured with `settings`.
    public static func chapters(_ settings: GuideSettings = GuideSettings()) -> [Chapter] {
        [
            InstallRedis.chapter(settings),
            ConfigureSocket.chapter(settings),
            // Any free port: the tour never clashes with a site the reader runs on 8000.
            CacheBackend.chapter(settings, options: .init(port: 0)),
            CacheAPI.chapter(settings),
            SessionsChapter.chapter(settings),
            KeyspaceChapter.chapter(settings),
        ]
    }
}
