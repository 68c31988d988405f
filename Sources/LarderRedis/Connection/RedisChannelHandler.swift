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
/// What the connection's state is and how it changes is decided by ``StateMachine``; the
/// handler performs the actions its transitions return (write, answer, arm the timer, close).
///
/// Commands are encoded into one reusable buffer; one timer watches the oldest command's
/// deadline, so a command costs no allocation of its own here. Commands written on the loop for
/// a flush on its next tick (a cluster client's node shares) are appended to that buffer and
/// leave together at the flush: one buffer per connection per tick, not one per call.
final class RedisChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var stateMachine: StateMachine<ChannelHandlerContext>
    private var processor: NIOSingleStepByteToMessageProcessor<RESPFrameDecoder>
    /// The reusable buffer: the bytes encoded on the loop and not yet handed to the channel
    /// (empty but for the commands waiting for the next tick's flush).
    private var encoder: RESPCommandEncoder
    /// The timer of the deadline the state machine armed: set while one is armed. Only the
    /// handle lives here, to cancel it; when it fires is the machine's business.
    private var deadlineTimer: Scheduled<Void>?
    private let endpoint: RedisEndpoint
    private let logger: Logger
    /// Where push frames go once the connection subscribed (see `RedisConnection.subscribe`);
    /// `nil` until then, and push frames are dropped. Finished when the channel goes inactive.
    private var pushes: AsyncStream<RESPToken>.Continuation?

    init(endpoint: RedisEndpoint, limits: RESPLimits, logger: Logger) {
        self.endpoint = endpoint
        self.logger = logger
        self.stateMachine = StateMachine(endpoint: endpoint)
        self.processor = NIOSingleStepByteToMessageProcessor(
            RESPFrameDecoder(decoder: RESPDecoder(limits: limits)),
            maximumBufferSize: nil
        )
        self.encoder = RESPCommandEncoder(buffer: ByteBufferAllocator().buffer(capacity: 256))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        stateMachine.handlerAdded(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finishPushes()
        if let shutdown = stateMachine.handlerRemoved() { perform(shutdown) }
    }

    /// How many replies are due: the length of the queue.
    var awaitedCount: Int { stateMachine.pendingCount }

    // MARK: Writing

    /// Encodes commands with `encode` into the reusable buffer, writes them in one go, and
    /// queues `replies` (one per command, in order, all of `call`).
    func write(
        call: UInt64, replies: some Sequence<PendingReply>, encode: (inout RESPCommandEncoder) -> Void
    ) {
        switch stateMachine.sendCommand(call: call, replies: replies, coalescingFlush: false) {
        case .write(let context, _, let deadline):
            if let deadline { armTimer(at: deadline, context: context) }
            // After any bytes waiting for the next tick: they were queued first.
            encode(&encoder)
            handOverEncoded(context: context, flush: true)
        case .fail(let error):
            for reply in replies { reply.fail(error) }
        }
    }

    /// Encodes commands with `encode` after those waiting in the reusable buffer and queues
    /// `replies`; the bytes leave with the flush on the loop's next tick, together with what
    /// other callers write on the loop meanwhile (one buffer, one write system call).
    func writeOnNextTick(
        call: UInt64, replies: some Sequence<PendingReply>, encode: (inout RESPCommandEncoder) -> Void
    ) {
        switch stateMachine.sendCommand(call: call, replies: replies, coalescingFlush: true) {
        case .write(let context, let flush, let deadline):
            if let deadline { armTimer(at: deadline, context: context) }
            encode(&encoder)
            switch flush {
            case .now: handOverEncoded(context: context, flush: true)
            case .onNextTick: flushOnNextTick(context: context)
            case .alreadyQueued: break
            }
        case .fail(let error):
            for reply in replies { reply.fail(error) }
        }
    }

    /// Writes bytes encoded elsewhere (by a caller off the event loop).
    func write(call: UInt64, bytes: ByteBuffer, replies: some Sequence<PendingReply>) {
        switch stateMachine.sendCommand(call: call, replies: replies, coalescingFlush: true) {
        case .write(let context, let flush, let deadline):
            if let deadline { armTimer(at: deadline, context: context) }
            // The bytes encoded on the loop before these go first.
            handOverEncoded(context: context, flush: false)
            switch flush {
            case .now:
                context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            case .onNextTick:
                context.write(wrapOutboundOut(bytes), promise: nil)
                flushOnNextTick(context: context)
            case .alreadyQueued:
                context.write(wrapOutboundOut(bytes), promise: nil)
            }
        case .fail(let error):
            for reply in replies { reply.fail(error) }
        }
    }

    /// Queues the flush for the loop's next tick: it runs after the writes already queued by
    /// other callers, one flush for all of them.
    private func flushOnNextTick(context: ChannelHandlerContext) {
        context.eventLoop.assumeIsolated().execute {
            if let context = self.stateMachine.flushDue() {
                self.handOverEncoded(context: context, flush: true)
            } else {
                self.encoder.reset()  // closed meanwhile: its commands were failed
            }
        }
    }

    /// Hands the bytes waiting in the reusable buffer to the channel, and flushes when `flush`
    /// says so. The buffer is emptied after the flush: a socket has usually written it by
    /// then and let go of it, so its storage is reused; otherwise a new one is made.
    private func handOverEncoded(context: ChannelHandlerContext, flush: Bool) {
        guard encoder.buffer.readableBytes > 0 else {
            if flush { context.flush() }
            return
        }
        context.write(wrapOutboundOut(encoder.buffer), promise: nil)
        if flush { context.flush() }
        encoder.reset()
    }

    // MARK: Cancelling

    /// Answers every command of `call` still waiting with ``RedisError/cancelled`` and keeps
    /// their places in the queue for their replies; when none is queued, the call's commands
    /// are not written if they come later.
    func cancel(call: UInt64) {
        switch stateMachine.cancel(call: call) {
        case .failCancelled(let replies):
            for reply in replies { reply.fail(.cancelled) }
        case .doNothing:
            break
        }
    }

    /// Forgets a cancellation that found none of `call`'s commands queued, once the call has
    /// returned (answered before the cancellation came, or refused before it was written).
    func forget(call: UInt64) {
        stateMachine.forget(call: call)
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        do {
            try processor.process(buffer: bytes) { token in
                self.deliver(token)
            }
        } catch let error as RESPDecodeError {
            logger.warning("closing connection: invalid reply", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            if let shutdown = stateMachine.errorCaught(.protocolError(endpoint, error)) { perform(shutdown) }
        } catch {
            if let shutdown = stateMachine.errorCaught(.connectFailed(endpoint, reason: "\(error)")) { perform(shutdown) }
        }
    }

    /// Sends every push frame from now on to `continuation`, and finishes it when the channel
    /// closes (at once if it is closed already).
    func receivePushes(into continuation: AsyncStream<RESPToken>.Continuation, channelIsActive: Bool) {
        pushes?.finish()
        pushes = continuation
        if !channelIsActive { finishPushes() }
    }

    private func finishPushes() {
        pushes?.finish()
        pushes = nil
    }

    private func deliver(_ token: RESPToken) {
        if token.type == .push {
            // Never a reply: a push consumes no entry of the queue, subscribed or not.
            if let pushes {
                pushes.yield(token)
            } else {
                logger.debug("push frame ignored", metadata: ["frame": "\(token.shortDescription)"])
            }
            return
        }
        switch stateMachine.receivedReply() {
        case .succeed(let reply):
            reply.succeed(token)
        case .drop(let reply):
            logger.trace("reply to a cancelled command dropped", metadata: ["command": "\(reply.name)"])
        case .shutDown(let shutdown):
            logger.warning("closing connection: reply without a command", metadata: ["reply": "\(token.shortDescription)"])
            perform(shutdown)
        case .ignore:
            logger.trace("reply after the connection was given up ignored", metadata: ["reply": "\(token.shortDescription)"])
        }
    }

    // MARK: Deadlines

    /// Arms the timer for `deadline`, replacing the one armed (the machine re-arms only for an
    /// earlier deadline, or after the timer fired).
    private func armTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        deadlineTimer?.cancel()
        deadlineTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            deadlineTimer = nil
            deadlineFired(now: context.eventLoop.now)
        }
    }

    private func deadlineFired(now: NIODeadline) {
        switch stateMachine.deadlineFired(now: now) {
        case .timeOut(let expired, let shutdown):
            // Every command past its deadline says so; the others learn why the connection closed.
            for reply in expired {
                reply.fail(.commandTimeout(command: reply.name, reply.timeout))
                logger.warning("closing connection: command timed out", metadata: ["command": "\(reply.name)", "endpoint": "\(endpoint)"])
            }
            perform(shutdown)
        case .armTimer(let context, let deadline):
            armTimer(at: deadline, context: context)
        case .doNothing:
            break
        }
    }

    // MARK: Closing

    func channelInactive(context: ChannelHandlerContext) {
        finishPushes()
        perform(stateMachine.channelInactive())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
        if let shutdown = stateMachine.errorCaught(.connectionClosed(endpoint)) { perform(shutdown) }
    }

    /// Fails what waited, stops the timer, and closes the channel when the machine says so.
    /// Closing re-enters the handler (`channelInactive`), which the machine, already moved on,
    /// answers with nothing more to fail.
    private func perform(_ shutdown: StateMachine<ChannelHandlerContext>.Shutdown) {
        for reply in shutdown.pending { reply.fail(shutdown.error) }
        deadlineTimer?.cancel()
        deadlineTimer = nil
        shutdown.context?.close(promise: nil)
    }
}
