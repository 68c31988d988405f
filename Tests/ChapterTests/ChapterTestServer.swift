import Guide
import RedisTestSupport

/// Where the chapter tests that write (chapters 03 and 04) run their chapters: a private
/// redis-server configured like the live one (Unix socket only, mode 770, no TCP, 16
/// databases), never the reader's. A reader's own `:1:a` or `:1:craig` must survive
/// `swift test`; ``ReadersKeysTests`` checks that they do.
enum ChapterTestServer {
    static let suite = SuiteServer()

    /// The chapters' settings for the private server, started on first use.
    static func settings() async throws -> GuideSettings {
        GuideSettings(socketPath: try await suite.server().socketPath)
    }
}
