import Logging
import NIOCore
import RESP

/// Matches replies to commands on one connection.
///
/// Redis answers commands in the order it receives them, so the handler keeps the promises of
/// the commands written and not yet answered in a FIFO queue. Push frames (RESP3 `>`) are not
/// replies and never consume a promise. Any decoding error, an unexpected reply, or the channel
/// closing fails every waiting promise with a ``RedisError`` and closes the channel: nothing
/// waits forever on a connection that cannot answer.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private var waiting = CircularBuffer<EventLoopPromise<RESPToken>>(initialCapacity: 16)
    private var processor: NIOSingleStepByteToMessageProcessor<RESPFrameDecoder>
    private let endpoint: RedisEndpoint
    private let logger: Logger
    /// Set once the connection can no longer answer; later writes fail with it at once.
    private var closedError: RedisError?

    init(endpoint: RedisEndpoint, limits: RESPLimits, logger: Logger) {
        self.endpoint = endpoint
        self.logger = logger
        self.processor = NIOSingleStepByteToMessageProcessor(
            RESPFrameDecoder(decoder: RESPDecoder(limits: limits)),
            maximumBufferSize: nil
        )
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let closedError {
            fail(request.replies, with: closedError)
            promise?.fail(closedError)
            return
        }
        switch request.replies {
        case .one(let reply): waiting.append(reply)
        case .many(let replies): waiting.append(contentsOf: replies)
        }
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        do {
            try processor.process(buffer: bytes) { token in
                self.deliver(token, context: context)
            }
        } catch let error as RESPDecodeError {
            logger.warning("closing connection: invalid reply", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            shutDown(context: context, error: .protocolError(endpoint, error))
        } catch {
            shutDown(context: context, error: .connectFailed(endpoint, reason: "\(error)"))
        }
    }

    private func deliver(_ token: RESPToken, context: ChannelHandlerContext) {
        if token.type == .push {
            logger.debug("push frame ignored", metadata: ["frame": "\(token.shortDescription)"])
            return
        }
        guard let reply = waiting.popFirst() else {
            logger.warning("closing connection: reply without a command", metadata: ["reply": "\(token.shortDescription)"])
            shutDown(context: context, error: .connectionClosed(endpoint))
            return
        }
        reply.succeed(token)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(with: closedError ?? .connectionClosed(endpoint))
        closedError = closedError ?? .connectionClosed(endpoint)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
        shutDown(context: context, error: .connectionClosed(endpoint))
    }

    private func shutDown(context: ChannelHandlerContext, error: RedisError) {
        if closedError == nil { closedError = error }
        failAll(with: error)
        context.close(promise: nil)
    }

    private func failAll(with error: RedisError) {
        while let reply = waiting.popFirst() { reply.fail(error) }
    }

    private func fail(_ replies: RedisRequest.Replies, with error: RedisError) {
        switch replies {
        case .one(let reply): reply.fail(error)
        case .many(let replies): for reply in replies { reply.fail(error) }
        }
    }
}
