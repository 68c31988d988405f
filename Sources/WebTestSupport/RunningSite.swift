import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A Hummingbird application started in this process, for a chapter's demo, a test or a
/// benchmark: ``start(_:)`` returns once the server listens (on the port it got), ``stop()``
/// shuts it down and waits.
public final class RunningSite: Sendable {
    /// The port the server listens on.
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.group = group
        self.task = task
    }

    /// What went wrong starting a site.
    public struct StartError: Error, CustomStringConvertible {
        /// Why.
        public let reason: String
        public var description: String { reason }
    }

    /// Starts `router` on `host:port` (port 0: any free port) and returns when it listens.
    /// The router may use any request context Hummingbird's `Application` can create
    /// (`BasicRequestContext`, or one carrying a session for chapter 05).
    ///
    /// - Throws: ``StartError`` when the server stops before listening; when the system refused
    ///   the address (say, the port is taken), its reason is a ``ListenError``'s.
    public static func start<Context: RequestContext>(
        _ router: Router<Context>, host: String = "127.0.0.1", port: Int = 0,
        logger: Logger = Logger(label: "site")
    ) async throws -> RunningSite where Context.Source == ApplicationRequestContextSource {
        let (listening, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? port)
                continuation.finish()
            },
            logger: logger)
        // A service group of our own, so that stop() shuts the server down gracefully
        // (open connections finish their response) instead of cancelling it.
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        for await boundPort in listening {
            return RunningSite(port: boundPort, group: group, task: task)
        }
        // The stream ended without a port: the server stopped before listening.
        do {
            try await task.value
            throw StartError(reason: "the server on \(host):\(port) stopped before it listened")
        } catch let error as StartError {
            throw error
        } catch {
            throw StartError(reason: ListenError(host: host, port: port, error: error)?.description ?? "cannot listen on \(host):\(port): \(error)")
        }
    }

    /// Stops the server gracefully and waits until it has stopped.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    /// Runs until the server stops (Ctrl-C stops the process).
    public func wait() async throws {
        try await task.value
    }
}
