import Logging
import NIOCore
import LarderRESP
/// Writes commands and matches their replies on one connection. Lives on the channel's event
/// loop; every method is called there.
///
/// Redis answers commands in the order it receives them, so the handler keeps the commands
/// written and not yet answered in a FIFO queue. Push frames (RESP3 `>`) are not replies and
/// never consume an entry. A reply that is late past its deadline, a decoding error, an
/// unexpected reply, or the channel closing fails every waiting command with a ``RedisError``
/// and closes the channel: nothing waits forever on a connection that cannot answer.
///
/// A cancelled call (see ``cancel(call:)``) is answered with ``RedisError/cancelled`` at once; a
/// command of it already written keeps its place in the queue, and its reply, when it comes,
/// is dropped, so every reply after it still goes to its own command and the connection stays
/// open for the callers sharing it. A call cancelled before its write was handed over is not
/// written at all.
///
/// Commands are encoded into one reusable buffer and written at once; one timer watches the
/// oldest command's deadline, so a command costs no allocation of its own here.
final class RedisChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var waiting = CircularBuffer<PendingReply>(initialCapacity: 16)
    private var processor: NIOSingleStepByteToMessageProcessor<RESPFrameDecoder>
    private var encoder: RESPCommandEncoder
    private var context: ChannelHandlerContext?
    private var deadlineTimer: Scheduled<Void>?
    private var armedDeadline: NIODeadline?
    /// Whether a flush is queued on the event loop: writes handed over by callers off the loop
    /// in the same tick go out in one syscall.
    private var flushQueued = false
    private let endpoint: RedisEndpoint
    private let logger: Logger
    /// Set once the connection can no longer answer; later commands fail with it at once.
    private(set) var closedError: RedisError?
    /// Calls cancelled when none of their commands was in the queue: a caller off the event loop
    /// hands its write over with `execute`, and its cancellation, handed over the same way from
    /// another thread, may come first. Their writes are dropped; the caller removes its call
    /// with ``forget(call:)`` once it has returned, so a cancellation that came after the reply
    /// leaves nothing behind.
    private var cancelledUnwritten: Set<UInt64> = []

    init(endpoint: RedisEndpoint, limits: RESPLimits, logger: Logger) {
        self.endpoint = endpoint
        self.logger = logger
        self.processor = NIOSingleStepByteToMessageProcessor(
            RESPFrameDecoder(decoder: RESPDecoder(limits: limits)),
            maximumBufferSize: nil
        )
        self.encoder = RESPCommandEncoder(buffer: ByteBufferAllocator().buffer(capacity: 256))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// How many replies are due: the length of the queue.
    var awaitedCount: Int { waiting.count }

    // MARK: Writing

    /// Encodes commands with `encode` into the reusable buffer, writes them in one go, and
    /// queues `replies` (one per command, in order, all of `call`).
    func write(
        call: UInt64, replies: some Sequence<PendingReply>, encode: (inout RESPCommandEncoder) -> Void
    ) {
        guard let context = writableContext(call: call, failing: replies) else { return }
        encoder.reset()
        encode(&encoder)
        waiting.append(contentsOf: replies)
        if let deadline = waiting.last?.deadline { watch(deadline: deadline, context: context) }
        context.writeAndFlush(wrapOutboundOut(encoder.buffer), promise: nil)
    }

    /// Writes bytes encoded elsewhere (by a caller off the event loop).
    func write(call: UInt64, bytes: ByteBuffer, replies: some Sequence<PendingReply>) {
        guard let context = writableContext(call: call, failing: replies) else { return }
        waiting.append(contentsOf: replies)
        if let deadline = waiting.last?.deadline { watch(deadline: deadline, context: context) }
        context.write(wrapOutboundOut(bytes), promise: nil)
        guard !flushQueued else { return }
        flushQueued = true
        // Runs after the writes already queued by other callers: one flush for all of them.
        context.eventLoop.assumeIsolated().execute {
            self.flushQueued = false
            self.context?.flush()
        }
    }

    /// The context to write the commands of `call` with, or `nil` after failing `replies`:
    /// the call was cancelled before they were written, or the connection cannot answer.
    private func writableContext(call: UInt64, failing replies: some Sequence<PendingReply>) -> ChannelHandlerContext? {
        let error: RedisError
        if cancelledUnwritten.remove(call) != nil {
            error = .cancelled
        } else if let context, closedError == nil {
            return context
        } else {
            error = closedError ?? .connectionClosed(endpoint)
        }
        for reply in replies { reply.fail(error) }
        return nil
    }

    // MARK: Cancelling

    /// Answers every command of `call` still waiting with ``RedisError/cancelled`` and keeps
    /// their places in the queue for their replies; when none is queued, the call's commands
    /// are not written if they come later.
    func cancel(call: UInt64) {
        var queued = false
        for index in waiting.indices where waiting[index].call == call {
            waiting[index].cancel()
            queued = true
        }
        if !queued { cancelledUnwritten.insert(call) }
    }

    /// Forgets a cancellation that found none of `call`'s commands queued, once the call has
    /// returned (answered before the cancellation came, or refused before it was written).
    func forget(call: UInt64) {
        cancelledUnwritten.remove(call)
    }

    // MARK: Reading

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
        if !reply.isAwaited {
            logger.trace("reply to a cancelled command dropped", metadata: ["command": "\(reply.name)"])
        }
        reply.succeed(token)
    }

    // MARK: Deadlines

    /// Makes sure the timer fires by `deadline` (the deadline of a command just queued).
    private func watch(deadline: NIODeadline, context: ChannelHandlerContext) {
        if let armed = armedDeadline, armed <= deadline { return }
        deadlineTimer?.cancel()
        armedDeadline = deadline
        deadlineTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            deadlineTimer = nil
            armedDeadline = nil
            checkDeadlines()
        }
    }

    /// Fails the connection if a waiting command is past its deadline; otherwise waits for the
    /// earliest remaining one. Commands answered meanwhile have left the queue, so the timer
    /// fires about once per timeout period, not once per command.
    private func checkDeadlines() {
        guard let context, !waiting.isEmpty else { return }
        let now = NIODeadline.now()
        if waiting.contains(where: { $0.deadline <= now }) {
            // Every command past its deadline says so; the others learn why the connection closed.
            var remaining = CircularBuffer<PendingReply>()
            while let reply = waiting.popFirst() {
                if reply.deadline <= now {
                    reply.fail(.commandTimeout(command: reply.name, reply.timeout))
                    logger.warning("closing connection: command timed out", metadata: ["command": "\(reply.name)", "endpoint": "\(endpoint)"])
                } else {
                    remaining.append(reply)
                }
            }
            waiting = remaining
            shutDown(context: context, error: .connectionClosed(endpoint))
        } else if let earliest = waiting.lazy.map(\.deadline).min() {
            watch(deadline: earliest, context: context)
        }
    }

    // MARK: Closing

    func channelInactive(context: ChannelHandlerContext) {
        let error = closedError ?? .connectionClosed(endpoint)
        closedError = error
        failAll(with: error)
        cancelledUnwritten.removeAll()
        deadlineTimer?.cancel()
        deadlineTimer = nil
        armedDeadline = nil
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
}
