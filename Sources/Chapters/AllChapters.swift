import Guide

/// Every chapter built so far, in the guide's order.
public enum AllChapters {
    /// The chapters, configured with `settings`.
    public static func chapters(_ settings: GuideSettings = GuideSettings()) -> [Chapter] {
        [
            InstallRedis.chapter(settings),
            ConfigureSocket.chapter(settings),
            // The article's 127.0.0.1:8000, or any free port while the reader's site has it.
            CacheBackend.chapter(settings, options: .init(port: 8000, anyFreePortIfTaken: true)),
            CacheAPI.chapter(settings),
            SessionsChapter.chapter(settings),
            KeyspaceChapter.chapter(settings),
            SharingWithDjango.chapter(settings),
            // On private servers of its own (TLS, Sentinel, Cluster): never the reader's.
            BeyondOneRedis.chapter(settings),
        ]
    }
}
