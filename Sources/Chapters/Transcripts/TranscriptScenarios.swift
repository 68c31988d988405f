import Foundation
import Guide
import RedisTestSupport
import WebTestSupport

/// A named starting point for a chapter's shell transcripts (`<!-- transcript: NAME -->`):
/// private servers in the state the chapter describes, made by the chapter's own code.
public struct TranscriptScenario: Sendable {
    /// The name the chapter's marker uses.
    public let name: String
    /// What the scenario sets up, in a sentence.
    public let summary: String
    /// Starts the servers and writes their keys.
    let prepare: @Sendable () async throws -> TranscriptStage
}

/// Every scenario a chapter's transcript can name. Each starts a private `redis-server`
/// configured as `setup.sh` configures the reader's (a Unix socket with mode 770, no TCP,
/// 16 databases): the transcripts never read or write the reader's server.
public enum TranscriptScenarios {
    /// The scenarios, by name.
    public static let all: [TranscriptScenario] = [articleDemo, readersServer, cacheBackendSite, cacheAPIKeys, keyspaceAfterChapters03And04, sharedWithDjango, yourOwnApp]

    /// The scenario named `name`, or `nil`.
    public static func named(_ name: String) -> TranscriptScenario? { all.first { $0.name == name } }

    /// Chapter 02's throwaway server with the article's edit (no `port`, no `bind`,
    /// `unixsocketperm 700`), started by the chapter's own command in a network namespace of its
    /// own, so that the port 6379 it opens on every interface is a private one, and a `/tmp` of
    /// its own, so that its `/tmp/article-demo` is too.
    static let articleDemo = TranscriptScenario(
        name: "article-demo",
        summary: "chapter 02's article-demo server, in network and /tmp namespaces of its own"
    ) {
        try await prepared { stage in
            try await stage.isolateNetwork(privateTmp: true)
            // The chapter's commands, as it shows them (chapters/02-configure-socket.md).
            try await stage.execute("mkdir -p /tmp/article-demo")
            // In the foreground (`--daemonize no`), so that the stage owns it and stops it.
            try stage.startInBackground("redis-server --unixsocket /tmp/article-demo/redis.sock --unixsocketperm 700 --dir /tmp/article-demo --save \"\" --daemonize no")
            let up = await waitUntil(limit: .seconds(10)) { (try? await stage.execute("redis-cli -s /tmp/article-demo/redis.sock ping")) == "PONG" ? true : nil }
            guard up != nil else { throw TranscriptError(text: "the article-demo redis-server did not answer PING within 10 s") }
        }
    }

    /// The reader's own server, as `./setup.sh` left it, read only: for the chapter 02 checks
    /// that show the reader's socket. Its commands run as they are (PING, `ls -l`).
    static let readersServer = TranscriptScenario(
        name: "readers-server",
        summary: "the reader's own server at /var/run/redis/redis.sock, read only"
    ) {
        try TranscriptStage()
    }

    /// Chapter 03 after `swift run cache-backend`: its site serving on (what `curl` sees as)
    /// `127.0.0.1:8000`, nothing cached yet.
    static let cacheBackendSite = TranscriptScenario(
        name: "cache-backend-site",
        summary: "chapter 03's site serving 127.0.0.1:8000 on an empty private Redis"
    ) {
        try await prepared { stage in
            let server = try await PrivateRedisServer.start()
            stage.use(server)
            try await serveCacheBackendSite(on: server, in: stage)
        }
    }

    /// Chapter 04 after `swift run cache-api`: its five keys in DB 1, 300 s each.
    static let cacheAPIKeys = TranscriptScenario(
        name: "cache-api-keys",
        summary: "chapter 04's steps run on a private Redis"
    ) {
        try await prepared { stage in
            let server = try await PrivateRedisServer.start()
            stage.use(server)
            try await runChapter(CacheAPI.chapter(GuideSettings(socketPath: server.socketPath)))
        }
    }

    /// Chapter 06's keyspace: chapter 03's site asked for `/` and `/plain` (two pages, two keys
    /// each), then chapter 04's steps (five keys): nine keys in DB 1.
    static let keyspaceAfterChapters03And04 = TranscriptScenario(
        name: "keyspace-after-03-04",
        summary: "chapter 03's site asked for / and /plain, then chapter 04's steps, on a private Redis"
    ) {
        try await prepared { stage in
            let server = try await PrivateRedisServer.start()
            stage.use(server)
            let site = try await serveCacheBackendSite(on: server, in: stage)
            for path in ["/", "/plain"] {
                guard let result = ShellCommand.run("/bin/bash", "-c", "CURL_HOME='\(stage.directory.path)' curl -sf -o /dev/null http://127.0.0.1:8000\(path)"),
                      result.status == 0
                else { throw TranscriptError(text: "chapter 03's site did not answer GET \(path) through curl") }
            }
            await site.stop()
            try await runChapter(CacheAPI.chapter(GuideSettings(socketPath: server.socketPath)))
            // `keyspace --web`'s port, any free one, shown as the default 8086.
            let port = try LoopbackPort.unused()
            stage.commandRewrites.append(("keyspace --web", "keyspace --web --port \(port)"))
            stage.outputRewrites.append(("127.0.0.1:\(port)", "127.0.0.1:8086"))
            stage.servers.append((prefix: "swift run keyspace --web", readyWhen: "the token in it lets"))
        }
    }

    /// Chapter 07 after `swift run sharing-with-django`: Django's and Swift's values in DB 2.
    static let sharedWithDjango = TranscriptScenario(
        name: "shared-with-django",
        summary: "chapter 07's steps (a real Django beside the Swift side) run on a private Redis"
    ) {
        try await prepared { stage in
            let server = try await PrivateRedisServer.start()
            stage.use(server)
            try await runChapter(SharingWithDjango.chapter(GuideSettings(socketPath: server.socketPath)))
        }
    }

    /// The page's own app (`swift run my-app`, this package's `your-app`) on an empty private
    /// Redis, in a network namespace of its own so that its fixed port 8080 is free.
    static let yourOwnApp = TranscriptScenario(
        name: "your-own-app",
        summary: "the your-app target on a private Redis, on 127.0.0.1:8080 of a network namespace of its own"
    ) {
        try await prepared { stage in
            let server = try await PrivateRedisServer.start()
            stage.use(server)
            try await stage.isolateNetwork()
            stage.executableAliases["my-app"] = "your-app"
            stage.servers.append((prefix: "swift run my-app", readyWhen: "Server started and listening"))
        }
    }

    /// A new stage, set up by `setUp`; taken down again if `setUp` throws.
    static func prepared(_ setUp: (TranscriptStage) async throws -> Void) async throws -> TranscriptStage {
        let stage = try TranscriptStage()
        do {
            try await setUp(stage)
            return stage
        } catch {
            await stage.tearDown()
            throw error
        }
    }

    /// Chapter 03's site on a free port of `server`, reached by `curl http://127.0.0.1:8000/`.
    @discardableResult
    static func serveCacheBackendSite(on server: PrivateRedisServer, in stage: TranscriptStage) async throws -> RunningSite {
        let site = try await CacheBackend.serve(GuideSettings(socketPath: server.socketPath), host: "127.0.0.1", port: 0)
        stage.onTeardown { await site.stop() }
        try stage.route(curlTo: 8000, to: site.port)
        return site
    }

    /// Runs `chapter`, failing with its first failed step.
    static func runChapter(_ chapter: Chapter) async throws {
        let report = await chapter.run()
        if let failure = report.outcomes.compactMap(\.failure).first {
            throw TranscriptError(text: "chapter \(chapter.paddedNumber) failed on the private server: \(failure)")
        }
    }
}
