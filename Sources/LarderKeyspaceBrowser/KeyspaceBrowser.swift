import Hummingbird
import LarderKeyspace
import Logging
import NIOCore
import LarderRedis
/// The keyspace inspector as a read-only web page (`keyspace --web`): the databases with their
/// counts, one SCAN page of keys grouped by what wrote them, each with its TTL, type, size and
/// decoded value, searchable by pattern and paged by cursor.
///
/// It listens on 127.0.0.1 only, answers only requests addressed to `127.0.0.1` or
/// `localhost` (so another site cannot read it through DNS rebinding), only the browser that
/// opened ``address(port:)`` with the run's ``token`` (other users of the machine reach the
/// port too), never a request another site made, serves no script, and escapes every key
/// name and value (``HTML``): key names are untrusted text.
///
/// ```swift
/// let browser = KeyspaceBrowser(inspector: KeyspaceInspector(configuration: configuration), port: 8086)
/// try await browser.run { port in print(browser.address(port: port)) }   // until SIGINT or SIGTERM
/// ```
public struct KeyspaceBrowser: Sendable {
    /// What reads the keyspace.
    public var inspector: KeyspaceInspector
    /// The loopback port; 0 lets the system choose (see `onServerRunning`).
    public var port: Int
    /// The secret in the address the reader opens; a new one per run by default.
    public let token: BrowserToken
    /// The address listened on. Always the loopback address: the page shows session data.
    public static let host = "127.0.0.1"

    /// A browser for `inspector`'s server on `127.0.0.1:port`, let in with `token`.
    public init(inspector: KeyspaceInspector, port: Int = 8086, token: BrowserToken = .random()) {
        self.inspector = inspector
        self.port = port
        self.token = token
    }

    /// The address to open, token included: `http://127.0.0.1:8086/?token=...`. Opening it
    /// sets the cookie that lets this browser in for the rest of the run.
    public func address(port: Int, path: String = "/") -> String {
        "http://\(Self.host):\(port)\(path)\(path.contains("?") ? "&" : "?")token=\(token.value)"
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
        router.add(middleware: BrowserAccessMiddleware(token: token))
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
