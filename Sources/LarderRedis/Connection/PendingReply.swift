import NIOCore
import LarderRESP
import Synchronization
/// A command written and not yet answered: where its reply goes, and until when it may wait.
struct PendingReply {
    /// Where the reply is delivered.
    enum Sink {
        /// One command's caller, suspended until the reply arrives.
        case single(UnsafeContinuation<RESPToken, any Error>)
        /// One slot of a pipeline, whose caller resumes once every slot is filled.
        case batch(PipelineReplies, index: Int)
        /// The place of a command whose caller was cancelled after it was written: its reply
        /// is still due, and is read and dropped so that each later reply still goes to its
        /// own command.
        case discard
    }

    private(set) var sink: Sink
    /// The call the command belongs to (the commands of one pipeline share their call's), by
    /// which a cancelled call finds its commands in the queue.
    let call: UInt64
    /// The command's name, for a timeout error.
    let name: String
    /// When the reply is due, and the timeout that set it (for the error message).
    let deadline: NIODeadline
    let timeout: Duration

    func succeed(_ token: RESPToken) {
        switch sink {
        case .single(let continuation): continuation.resume(returning: token)
        case .batch(let replies, let index): replies.fill(index, with: .success(token))
        case .discard: break
        }
    }

    func fail(_ error: RedisError) {
        switch sink {
        case .single(let continuation): continuation.resume(throwing: error)
        case .batch(let replies, let index): replies.fill(index, with: .failure(error))
        case .discard: break
        }
    }

    /// Keeps the command's place in the queue for its reply, which is dropped when it arrives,
    /// and returns the command as it was, for its caller to be answered with
    /// ``RedisError/cancelled`` now (`nil` when it was cancelled already). The caller is resumed
    /// once: a reply arriving later finds `.discard`.
    mutating func cancel() -> PendingReply? {
        guard isAwaited else { return nil }
        let awaited = self
        sink = .discard
        return awaited
    }

    /// Whether the reply still goes to a caller (not to a cancelled command's place).
    var isAwaited: Bool {
        if case .discard = sink { return false }
        return true
    }
}

/// The replies of one pipeline, collected on the event loop and handed over in one go.
///
/// Each reply fills its own slot, whatever order replies and failures arrive in; the caller
/// resumes once every slot is filled. A slot is only ever touched on the event loop of the
/// connection its command went to (or by the caller before any write), and the count of slots
/// still empty is atomic: one pipeline may span several connections on different event loops
/// (a cluster client's batch, spread over the nodes its keys live on), with one resumption for
/// all of them. Hence `@unchecked Sendable`.
final class PipelineReplies: @unchecked Sendable {
    private let results: UnsafeMutableBufferPointer<Result<RESPToken, RedisError>?>
    private let remaining: Atomic<Int>
    private let continuation: UnsafeContinuation<[Result<RESPToken, RedisError>], Never>

    init(count: Int, continuation: UnsafeContinuation<[Result<RESPToken, RedisError>], Never>) {
        self.results = .allocate(capacity: count)
        self.results.initialize(repeating: nil)
        self.remaining = Atomic(count)
        self.continuation = continuation
        if count == 0 { continuation.resume(returning: []) }
    }

    deinit {
        _ = results.deinitialize()
        results.deallocate()
    }

    func fill(_ index: Int, with result: Result<RESPToken, RedisError>) {
        guard results[index] == nil else { return }
        results[index] = result
        // The last slot filled, on whichever loop, hands every result over: acquiring makes
        // the other loops' writes to their slots visible here. Moved, not copied: no retain
        // and release of every reply's bytes.
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            let handed = [Result<RESPToken, RedisError>](unsafeUninitializedCapacity: results.count) { buffer, initialized in
                for slot in results.indices {
                    // The slot is left `nil`: no fill comes after the last, and one would be dropped.
                    (buffer.baseAddress! + slot).initialize(to: results.moveElement(from: slot)!)
                    results.initializeElement(at: slot, to: nil)
                }
                initialized = results.count
            }
            continuation.resume(returning: handed)
        }
    }
}
