import Hummingbird
import RedisKeyspace
import Logging
import NIOCore
import Redis

/// The keyspace inspector as a read-only web page (`keyspace --web`): the databases with their
/// counts, one SCAN page of keys grouped by what wrote them, each with its TTL, type, size and
/// decoded value, searchable by pattern and paged by cursor.
///
/// It listens on 127.0.0.1 only, answers only requests addressed to `127.0.0.1` or
/// `localhost` (so another site cannot read it through DNS rebinding), serves no script, and
/// escapes every key name and value (``HTML``): key names are untrusted text.
///
/// ```swift
/// let browser = KeyspaceBrowser(inspector: KeyspaceInspector(configuration: configuration), port: 8086)
/// try await browser.run()   // until SIGINT or SIGTERM
/// ```
public struct KeyspaceBrowser: Sendable {
    /// What reads the keyspace.
    public var inspector: KeyspaceInspector
    /// The loopback port; 0 lets the system choose (see `onServerRunning`).
    public var port: Int
    /// The address listened on. Always the loopback address: the page shows session data.
    public static let host = "127.0.0.1"

    /// A browser for `inspector`'s server on `127.0.0.1:port`.
    public init(inspector: KeyspaceInspector, port: Int = 8086) {
        self.inspector = inspector
        self.port = port
    }

    /// Serves the page until SIGINT or SIGTERM.
    ///
    /// - Parameter onServerRunning: called with the port once the server listens.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onServerRunning: onServerRunning).runService()
    }

    /// The Hummingbird application, to run as a service among others (in a `ServiceGroup`).
    public func application(
        logger: Logger = Logger(label: "keyspace-browser"), onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: LoopbackOnlyMiddleware())
        let responder = KeyspaceResponder(inspector: inspector)
        router.get("/") { request, _ in await responder.keyspace(QueryString(request.uri.query)) }
        router.get("/key") { request, _ in await responder.key(QueryString(request.uri.query)) }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(Self.host, port: port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
