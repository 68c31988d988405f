import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A Unix datagram socket that receives a service's `sd_notify` messages (`READY=1`), the way
/// systemd learns that a `Type=notify` service is up. Lets tests wait for a server's own
/// readiness signal instead of polling or sleeping.
final class ReadinessSocket: @unchecked Sendable {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        unlink(path)
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            Glibc.close(descriptor)
            throw POSIXError(.ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            bytes.copyBytes(from: path.utf8)
            bytes[path.utf8.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    /// Waits on a dispatch thread (never blocking Swift's cooperative pool) until a message
    /// containing `READY=1` arrives, `stillRunning` turns false, or `timeout` passes.
    func waitForReady(timeout: Duration, stillRunning: @escaping @Sendable () -> Bool) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let deadline = ContinuousClock.now + timeout
                var buffer = [UInt8](repeating: 0, count: 4096)
                while ContinuousClock.now < deadline, stillRunning() {
                    var poller = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
                    // Wake every 100 ms to notice a server that exited without notifying.
                    guard poll(&poller, 1, 100) > 0 else { continue }
                    let count = recv(self.descriptor, &buffer, buffer.count, 0)
                    guard count > 0 else { continue }
                    let message = String(decoding: buffer.prefix(count), as: UTF8.self)
                    if message.split(separator: "\n").contains("READY=1") {
                        continuation.resume(returning: true)
                        return
                    }
                }
                continuation.resume(returning: false)
            }
        }
    }

    func close() {
        Glibc.close(descriptor)
        unlink(path)
    }
}
