import ArgumentParser
import Guide
import LarderKeyspaceBrowser
import LarderKeyspace
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
            let browser = KeyspaceBrowser(inspector: inspector, port: port)
            try await browser.run { port in
                let terminal = Terminal()
                terminal.print("keyspace browser (read-only; Ctrl-C to stop), open:")
                terminal.print("    \(browser.address(port: port))")
                terminal.print("the token in it lets only your browser in: other users of this machine reach the port, not your sessions")
            }
        } catch {
            // The server runs until a signal: a system call's error means it could not listen.
            throw ListenError(host: KeyspaceBrowser.host, port: port, error: error) ?? error
        }
    }
}
