import Foundation
import NIOCore
import NIOPosix
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Real sockets in the states a client meets when something is wrong: a socket file nobody
// listens on, and peers that are not Redis servers. (A loopback port nobody listens on:
// RedisTestSupport's `LoopbackPort.unused()`.)

extension XCTestCase {
    /// A fresh folder under the temporary directory, removed when the test ends. Short, so that
    /// socket paths in it stay well under `sun_path`'s 108 bytes.
    func makeTemporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("redis-tests-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }
}

enum SocketFixtures {
    /// Binds an `AF_UNIX` stream socket at `path` and closes it without listening: the file
    /// stays, as a server killed with SIGKILL leaves it, and connecting to it is refused.
    static func makeStaleSocketFile(at path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        guard path.utf8.count < MemoryLayout.size(ofValue: address.sun_path) else { throw POSIXError(.ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            bytes.copyBytes(from: path.utf8)
            bytes[path.utf8.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}

/// A server on a Unix socket that is not Redis, behaving as `behaviour` says with every client.
final class FakePeer: Sendable {
    enum Behaviour: Sendable {
        /// Answers whatever it receives with `HTTP/1.1 400 Bad Request`, as a web server would.
        case answerHTTP400
        /// Accepts and reads, and never answers (a stopped or wedged server).
        case neverAnswer
        /// Closes each connection as soon as it is accepted.
        case closeOnAccept
    }

    let path: String
    private let channel: any Channel

    private init(path: String, channel: any Channel) {
        self.path = path
        self.channel = channel
    }

    /// Listens at `path` until ``close()``.
    static func start(at path: String, behaviour: Behaviour) async throws -> FakePeer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    switch behaviour {
                    case .answerHTTP400: try child.pipeline.syncOperations.addHandler(HTTP400Responder())
                    case .neverAnswer: try child.pipeline.syncOperations.addHandler(Swallower())
                    case .closeOnAccept: try child.pipeline.syncOperations.addHandler(Closer())
                    }
                }
            }
            .bind(unixDomainSocketPath: path).get()
        return FakePeer(path: path, channel: channel)
    }

    /// Stops listening.
    func close() async {
        try? await channel.close()
    }

    private final class HTTP400Responder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\n\r\n")), promise: nil)
        }
    }

    private final class Swallower: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
    }

    private final class Closer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        func channelActive(context: ChannelHandlerContext) { context.close(promise: nil) }
    }
}
