import Guide

/// Every chapter built so far, in the guide's order.
public enum AllChapters {
    /// The chapters, configured with `settings`.
    public static func chapters(_ settings: GuideSettings = GuideSettings()) -> [Chapter] {
        [
            InstallRedis.chapter(settings),
            ConfigureSocket.chapter(settings),
            CacheAPI.chapter(settings),
            KeyspaceChapter.chapter(settings),
        ]
    }
}
