import ArgumentParser
import Guide
import KeyspaceBrowser
import RedisKeyspace
import WebTestSupport

struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "web", abstract: "The read-only browser page, on 127.0.0.1 only.")
    static let defaultPort = 8086

    @OptionGroup var server: ServerOptions
    @Option(help: PortArgument.help("The port on 127.0.0.1.", default: WebCommand.defaultPort), transform: PortArgument.parse)
    var port = WebCommand.defaultPort

    func run() async throws {
        try await Self.serve(try server.inspector(), port: port)
    }

    /// Serves the browser on `port` until Ctrl-C.
    ///
    /// - Throws: ``ListenError`` when the port is taken (or otherwise refused).
    static func serve(_ inspector: KeyspaceInspector, port: Int) async throws {
        do {
            try await KeyspaceBrowser(inspector: inspector, port: port).run { port in
                Terminal().print("keyspace browser on http://\(KeyspaceBrowser.host):\(port)/ (read-only; Ctrl-C to stop)")
            }
        } catch {
            // The server runs until a signal: a system call's error means it could not listen.
            throw ListenError(host: KeyspaceBrowser.host, port: port, error: error) ?? error
        }
    }
}
