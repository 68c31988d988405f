import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the operating system's connect errors into ``RedisError`` cases that say what to do.
enum ConnectErrorMapping {
    static func map(_ error: any Error, endpoint: RedisEndpoint, timeout: Duration) -> RedisError {
        if let error = error as? RedisError { return error }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return .connectTimeout(endpoint, timeout)
        }
        if let connectionError = error as? NIOConnectionError {
            // Host-based connects try every address; report the first attempt's failure.
            if let first = connectionError.connectionErrors.first {
                return map(first.error, endpoint: endpoint, timeout: timeout)
            }
            if let dnsError = connectionError.dnsAError ?? connectionError.dnsAAAAError {
                return .connectFailed(endpoint, reason: "cannot resolve the host name (\(dnsError))")
            }
        }
        guard let ioError = error as? IOError else {
            return .connectFailed(endpoint, reason: "\(error)")
        }
        switch (ioError.errnoCode, endpoint) {
        case (ENOENT, .unixSocket(let path)):
            return .socketNotFound(path: path)
        case (EACCES, .unixSocket(let path)), (EPERM, .unixSocket(let path)):
            return .permissionDenied(path: path, status: UnixSocketStatus(path: path), user: .current)
        case (ECONNREFUSED, _):
            return .connectionRefused(endpoint)
        case (ENOTDIR, .unixSocket(let path)):
            return .socketNotFound(path: path)
        case (ETIMEDOUT, _):
            return .connectTimeout(endpoint, timeout)
        default:
            return .connectFailed(endpoint, reason: String(cString: strerror(ioError.errnoCode)))
        }
    }
}
