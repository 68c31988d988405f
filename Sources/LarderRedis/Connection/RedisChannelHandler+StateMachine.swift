import NIOCore

extension RedisChannelHandler {
    /// What the handler knows about its connection, and every way that changes: a value with no
    /// I/O, driven by the handler and tested on its own (NIO's `HTTPServerPipelineHandler` and
    /// valkey-swift's channel handler have the same shape).
    ///
    /// Each transition returns the action the handler then performs (write, answer a caller,
    /// arm the timer, close the channel). The handler performs it after the transition has
    /// completed, so an action that re-enters the handler (closing the channel delivers
    /// `channelInactive` at once) finds the machine in its new state.
    ///
    /// ```
    /// initialized ──handlerAdded──▶ active ──errorCaught / unsolicited reply / deadline──▶ closing
    ///                                 │                                                     │
    ///                                 └──────────channelInactive / handlerRemoved─────▶ closed ◀─┘
    /// ```
    ///
    /// `Context` is the channel handler context in the handler; the tests use a plain value.
    ///
    /// The queue of commands awaiting replies lives beside the state rather than in the
    /// `active` payload: every reply pops it, and popping a queue held in an enum payload means
    /// copying the payload out and back, a retain and release of the context and the queue for
    /// every reply. It is empty in every state but
    /// `active`: the transitions out of `active` hand it over in their ``Shutdown``.
    struct StateMachine<Context> {
        /// Where the connection is in its life.
        enum State {
            /// The handler is not yet in a pipeline: nothing can be written.
            case initialized
            /// Commands are written and replies matched, in order.
            case active(Active)
            /// The handler gave up on the connection and closed the channel; the channel has
            /// not reported itself inactive yet. Every command was failed with `error`; later
            /// ones fail with it at once, and replies still arriving are ignored.
            case closing(error: RedisError)
            /// The channel is closed: later commands fail with `error` at once.
            case closed(error: RedisError)
        }

        /// The state of an open connection.
        struct Active {
            /// Where writes and the close go.
            let context: Context
            /// When the deadline timer fires, if it is armed.
            var armedDeadline: NIODeadline?
            /// Whether a flush is queued on the event loop: writes handed over by callers off the
            /// loop in the same tick go out in one syscall.
            var flushQueued: Bool
        }

        private(set) var state: State = .initialized
        /// The commands written and not yet answered, oldest first (Redis answers in order);
        /// empty unless the state is `active`.
        private var pending = CircularBuffer<PendingReply>(initialCapacity: 16)
        /// Calls cancelled when none of their commands was in the queue: a caller off the event
        /// loop hands its write over with `execute`, and its cancellation, handed over the same
        /// way from another thread, may come first. Their writes are refused; the caller removes
        /// its call with ``forget(call:)`` once it has returned, so a cancellation that came after
        /// the reply leaves nothing behind.
        private var cancelledUnwritten: Set<UInt64> = []
        /// Named in the errors of a connection that closed.
        let endpoint: RedisEndpoint

        init(endpoint: RedisEndpoint) {
            self.endpoint = endpoint
        }

        /// How many replies are due: the length of the queue, cancelled commands included.
        var pendingCount: Int { pending.count }

        // MARK: Joining the pipeline

        /// The handler was added to a pipeline: commands may be written through `context`.
        ///
        /// NIO adds a handler instance once; being added again (to a second pipeline, or after
        /// closing) is a programming error in this module, not a condition of the connection.
        mutating func handlerAdded(context: Context) {
            switch state {
            case .initialized:
                state = .active(Active(context: context, armedDeadline: nil, flushQueued: false))
            case .active, .closing, .closed:
                preconditionFailure("RedisChannelHandler added to a pipeline twice (state: \(state))")
            }
        }

        // MARK: Writing

        /// How a write is flushed.
        enum Flush: Equatable {
            /// At once, with the write.
            case now
            /// On the event loop's next tick, after the writes other callers handed over in this one.
            case onNextTick
            /// By the flush already queued for this tick.
            case alreadyQueued
        }

        /// What to do with commands a caller wants written.
        enum SendAction {
            /// Write the commands through `context` and flush as `flush` says; first arm the
            /// timer for `armTimer` when given (their deadline is the earliest now).
            case write(Context, flush: Flush, armTimer: NIODeadline?)
            /// Write nothing and fail the commands' replies with `error`: the call was cancelled
            /// before its write came, or the connection cannot answer.
            case fail(RedisError)
        }

        /// A caller wants the commands of `call` written, their replies to go to `replies` (one
        /// per command, in order). `coalescingFlush`: the write was handed over from off the
        /// event loop, and its flush may wait for the others handed over in the same tick.
        mutating func sendCommand(call: UInt64, replies: some Sequence<PendingReply>, coalescingFlush: Bool) -> SendAction {
            // Almost always empty: skip hashing the call number for every write.
            if !cancelledUnwritten.isEmpty, cancelledUnwritten.remove(call) != nil { return .fail(.cancelled) }
            switch state {
            case .active(var active):
                pending.append(contentsOf: replies)
                var armTimer: NIODeadline?
                // The commands just queued are the newest; their deadline only matters when it
                // comes before the armed one (a shorter timeout than the commands before them).
                if let deadline = pending.last?.deadline, active.armedDeadline.map({ deadline < $0 }) ?? true {
                    active.armedDeadline = deadline
                    armTimer = deadline
                }
                let flush: Flush
                if !coalescingFlush {
                    flush = .now
                } else if active.flushQueued {
                    flush = .alreadyQueued
                } else {
                    active.flushQueued = true
                    flush = .onNextTick
                }
                state = .active(active)
                return .write(active.context, flush: flush, armTimer: armTimer)
            case .initialized:
                return .fail(.connectionClosed(endpoint))
            case .closing(let error), .closed(let error):
                return .fail(error)
            }
        }

        /// The flush queued by ``sendCommand(call:replies:coalescingFlush:)`` is due: the context
        /// to flush, or `nil` when the connection closed meanwhile.
        mutating func flushDue() -> Context? {
            switch state {
            case .active(var active):
                active.flushQueued = false
                state = .active(active)
                return active.context
            case .initialized, .closing, .closed:
                return nil
            }
        }

        // MARK: Cancelling

        /// What to do for a cancelled call.
        enum CancelAction {
            /// Answer these callers with ``RedisError/cancelled`` now: their commands were
            /// written, keep their places in the queue, and their replies will be dropped.
            case failCancelled(CircularBuffer<PendingReply>)
            /// Nothing to answer: no command of the call is queued, and its write, if it comes,
            /// will be refused (see ``forget(call:)``).
            case doNothing
        }

        /// The caller of `call` was cancelled.
        mutating func cancel(call: UInt64) -> CancelAction {
            switch state {
            case .active:
                var queued = false
                var cancelled = CircularBuffer<PendingReply>()
                for index in pending.indices where pending[index].call == call {
                    queued = true
                    if let awaited = pending[index].cancel() { cancelled.append(awaited) }
                }
                if queued { return .failCancelled(cancelled) }
                cancelledUnwritten.insert(call)
                return .doNothing
            case .initialized, .closing, .closed:
                // Nothing is queued; a write that still comes is refused with `cancelled`.
                cancelledUnwritten.insert(call)
                return .doNothing
            }
        }

        /// The caller of `call` returned in a cancelled task: its cancellation, if it found
        /// nothing queued, waits for no write any more.
        mutating func forget(call: UInt64) {
            cancelledUnwritten.remove(call)
        }

        // MARK: Reading

        /// What to do with a reply (any frame but a push).
        enum ReplyAction {
            /// Hand the reply to this command's caller.
            case succeed(PendingReply)
            /// The reply belongs to this command, whose caller was cancelled: drop it.
            case drop(PendingReply)
            /// A reply came with no command waiting for it: the connection is out of step.
            case shutDown(Shutdown)
            /// The connection was given up already; the reply goes nowhere.
            case ignore
        }

        /// A reply arrived: it answers the oldest command queued.
        mutating func receivedReply() -> ReplyAction {
            switch state {
            case .active:
                guard let reply = pending.popFirst() else {
                    return .shutDown(close(with: .connectionClosed(endpoint)))
                }
                return reply.isAwaited ? .succeed(reply) : .drop(reply)
            case .closing, .closed:
                return .ignore
            case .initialized:
                // No channel delivers reads to a handler before adding it.
                preconditionFailure("RedisChannelHandler read a reply before it was added to a pipeline")
            }
        }

        // MARK: Deadlines

        /// What to do when the deadline timer fires.
        enum DeadlineAction {
            /// Fail `expired` with their ``RedisError/commandTimeout(command:_:)`` each, then
            /// perform `shutdown` (the commands still in time learn why the connection closed).
            case timeOut(expired: CircularBuffer<PendingReply>, shutdown: Shutdown)
            /// No command is late: arm the timer again for the earliest deadline queued.
            case armTimer(Context, NIODeadline)
            /// Nothing is queued, or the connection was given up already.
            case doNothing
        }

        /// The deadline timer fired at `now`. Commands answered meanwhile have left the queue, so
        /// the timer fires about once per timeout period, not once per command.
        mutating func deadlineFired(now: NIODeadline) -> DeadlineAction {
            switch state {
            case .active(var active):
                active.armedDeadline = nil
                guard pending.contains(where: { $0.deadline <= now }) else {
                    let earliest = pending.lazy.map(\.deadline).min()
                    active.armedDeadline = earliest
                    state = .active(active)
                    guard let earliest else { return .doNothing }
                    return .armTimer(active.context, earliest)
                }
                var expired = CircularBuffer<PendingReply>()
                var remaining = CircularBuffer<PendingReply>()
                while let reply = pending.popFirst() {
                    if reply.deadline <= now { expired.append(reply) } else { remaining.append(reply) }
                }
                pending = remaining
                state = .active(active)
                return .timeOut(expired: expired, shutdown: close(with: .connectionClosed(endpoint)))
            case .initialized, .closing, .closed:
                // A timer armed before the connection was given up; its commands were failed then.
                return .doNothing
            }
        }

        // MARK: Closing

        /// Giving up on the connection: fail `pending` with `error`, stop the deadline timer, and
        /// close the channel through `context` when given (`nil`: it is closed already).
        struct Shutdown {
            var pending: CircularBuffer<PendingReply>
            var error: RedisError
            var context: Context?
        }

        /// The connection cannot go on (a frame that does not decode, an error in the pipeline):
        /// fail every command with `error` and close, or `nil` when it was given up already.
        mutating func errorCaught(_ error: RedisError) -> Shutdown? {
            switch state {
            case .active:
                return close(with: error)
            case .initialized:
                state = .closed(error: error)
                return nil
            case .closing, .closed:
                return nil
            }
        }

        /// The channel closed (whoever closed it): fail every command still waiting. After the
        /// handler's own close, the error it closed with stays the one later commands get.
        mutating func channelInactive() -> Shutdown {
            cancelledUnwritten.removeAll()
            switch state {
            case .active:
                let error = RedisError.connectionClosed(endpoint)
                state = .closed(error: error)
                return Shutdown(pending: takePending(), error: error, context: nil)
            case .closing(let error), .closed(let error):
                state = .closed(error: error)
                return Shutdown(pending: [], error: error, context: nil)
            case .initialized:
                let error = RedisError.connectionClosed(endpoint)
                state = .closed(error: error)
                return Shutdown(pending: [], error: error, context: nil)
            }
        }

        /// The handler left its pipeline. A channel tears its pipeline down after it closed, so
        /// this is normally a no-op; a handler taken out of an open channel fails what waits,
        /// since no reply can reach it any more.
        mutating func handlerRemoved() -> Shutdown? {
            switch state {
            case .active:
                let error = RedisError.connectionClosed(endpoint)
                state = .closed(error: error)
                return Shutdown(pending: takePending(), error: error, context: nil)
            case .initialized:
                state = .closed(error: .connectionClosed(endpoint))
                return nil
            case .closing, .closed:
                return nil
            }
        }

        /// Moves an active connection to `closing(error)`, handing over its queue to be failed.
        private mutating func close(with error: RedisError) -> Shutdown {
            guard case .active(let active) = state else {
                preconditionFailure("RedisChannelHandler.StateMachine closes only an active connection (state: \(state))")
            }
            state = .closing(error: error)
            return Shutdown(pending: takePending(), error: error, context: active.context)
        }

        /// The queue, emptied: a connection leaving `active` hands it over to be failed.
        private mutating func takePending() -> CircularBuffer<PendingReply> {
            defer { pending = CircularBuffer() }
            return pending
        }
    }
}
