import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a server could not listen on `host:port`, in words a reader can act on:
/// `127.0.0.1:8000 is already in use (errno 98, EADDRINUSE): stop the other server or pass --port N`.
///
/// NIO describes the same failure as `bind(descriptor:ptr:bytes:): Address already in use)
/// (errno: 98)`: a stray parenthesis, and no word of what to do.
public struct ListenError: Error, Sendable, CustomStringConvertible {
    /// The address the server tried to listen on.
    public let host: String
    /// The port it tried.
    public let port: Int
    /// The `errno` of the failed `bind` or `listen`: `EADDRINUSE` (98 on Linux, 48 on macOS), ...
    public let code: Int32

    /// The failure to listen on `host:port` with `errno` `code`.
    public init(host: String, port: Int, code: Int32) {
        self.host = host
        self.port = port
        self.code = code
    }

    /// The failure `error` stands for when a server on `host:port` stopped before listening,
    /// or `nil` when `error` is not a system call's `IOError`.
    public init?(host: String, port: Int, error: any Error) {
        guard let error = error as? IOError else { return nil }
        self.init(host: host, port: port, code: error.errnoCode)
    }

    public var description: String {
        switch code {
        case EADDRINUSE:
            "\(host):\(port) is already in use (errno \(code), EADDRINUSE): stop the other server or pass --port N"
        case EACCES:
            "\(host):\(port) is a privileged port (errno \(code), EACCES): pass --port 1024 or above"
        case EADDRNOTAVAIL:
            "\(host) is not an address of this machine (errno \(code), EADDRNOTAVAIL): pass --host 127.0.0.1"
        default:
            "cannot listen on \(host):\(port): \(String(cString: strerror(code))) (errno \(code)): pass another --port"
        }
    }
}
