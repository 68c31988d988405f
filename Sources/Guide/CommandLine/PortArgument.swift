import ArgumentParser

/// `--port N` for the servers a reader starts (`cache-backend`, `sessions --serve`,
/// `keyspace --web`): a TCP port in 0...65535, where 0 asks the system for a free one (each
/// server prints the port it got, so the reader still knows where to point `curl`).
///
/// A port is 16 bits on the wire: without this check `--port 99999` would be cut to
/// 99999 mod 65536 = 34463 on its way to the socket, and the server would listen there
/// without a word.
///
/// ```swift
/// @Option(help: PortArgument.help("The port to listen on.", default: 8000), transform: PortArgument.parse)
/// var port = 8000
/// ```
public enum PortArgument {
    /// The ports accepted: every TCP port, 0 meaning "any free one".
    public static let range = 0...65535

    /// The port `argument` names.
    ///
    /// - Throws: `ValidationError` naming `argument` and ``range`` when it is not a whole
    ///   number in the range; ArgumentParser prints it after the option's name.
    public static func parse(_ argument: String) throws -> Int {
        guard let port = Int(argument), range.contains(port) else {
            throw ValidationError(
                "a port is a number in \(range.lowerBound)...\(range.upperBound), not \(argument): pass one in that range (0 picks a free port)")
        }
        return port
    }

    /// The option's help: `summary`, the range, what 0 means, and the default (which
    /// ArgumentParser does not show by itself for an option parsed by a `transform`).
    public static func help(_ summary: String, default port: Int) -> ArgumentHelp {
        ArgumentHelp("\(summary) \(range.lowerBound)...\(range.upperBound); 0 picks a free port, printed once the server listens. (default: \(port))")
    }
}
