import Guide
import RedisTestSupport

/// The chapters as they run when their shown output is checked (`ShownOutputTests`) or
/// refreshed (`swift run guide refresh-output`): chapters 01 and 02 read the server setup.sh
/// configured; the others write, so they run, in order, on one private `redis-server` that
/// starts empty. Chapter 06's keyspace is then what chapters 03–05 leave behind on any machine,
/// not what one reader's server has collected, so its measured block can be compared.
public enum ShownOutputRun {
    /// Chapters 01 and 02 configured with `reader`, the others with `written`.
    public static func chapters(reader: GuideSettings, written: GuideSettings) -> [Chapter] {
        AllChapters.chapters(reader).filter { $0.number <= 2 } + AllChapters.chapters(written).filter { $0.number > 2 }
    }

    /// Runs `body` with the settings of a new private server (Unix socket only, no TCP), and
    /// stops it and removes its folder afterwards.
    ///
    /// - Throws: what starting the server throws (`redis-server` missing), or what `body` throws.
    public static func withPrivateServer<T>(_ body: (GuideSettings) async throws -> T) async throws -> T {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        return try await body(GuideSettings(socketPath: server.socketPath))
    }
}
