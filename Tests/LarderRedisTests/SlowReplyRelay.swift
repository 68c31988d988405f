import Foundation
import NIOCore
import NIOPosix

/// A Unix socket in front of a real Redis whose replies each arrive `delay` late, as over a
/// slow link: commands go through at once, every chunk of reply bytes is held back `delay`
/// (in order). For timeouts that bound several round trips, such as the handshake's.
final class SlowReplyRelay: Sendable {
    /// Where to connect instead of the server.
    let path: String
    private let listener: any Channel

    /// Listens on a fresh socket and relays each connection to the server on `upstreamPath`.
    init(upstreamPath: String, delay: Duration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString.prefix(8)).sock").path
        self.path = path
        listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { client in
                ClientBootstrap(group: client.eventLoop)
                    .channelInitializer { upstream in
                        upstream.eventLoop.makeCompletedFuture {
                            try upstream.pipeline.syncOperations.addHandler(Forward(to: client, delay: delay))
                        }
                    }
                    .connect(unixDomainSocketPath: upstreamPath)
                    .flatMapThrowing { upstream in
                        try client.pipeline.syncOperations.addHandler(Forward(to: upstream, delay: nil))
                    }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true)
            .get()
    }

    /// Stops listening; relayed connections end with their client's.
    func close() async {
        try? await listener.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes what one side reads to the other, `delay` late when given; closes the other side
    /// when this one closes.
    private final class Forward: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let target: any Channel
        let delay: TimeAmount?

        init(to target: any Channel, delay: Duration?) {
            self.target = target
            self.delay = delay.map { TimeAmount($0) }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data)
            guard let delay else { return target.writeAndFlush(bytes, promise: nil) }
            let target = self.target
            context.eventLoop.scheduleTask(in: delay) { target.writeAndFlush(bytes, promise: nil) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            target.close(promise: nil)
            context.fireChannelInactive()
        }
    }
}
