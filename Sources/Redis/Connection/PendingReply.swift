import NIOCore
import RESP

/// A command written and not yet answered: where its reply goes, and until when it may wait.
struct PendingReply {
    /// Where the reply is delivered.
    enum Sink {
        /// One command's caller, suspended until the reply arrives.
        case single(UnsafeContinuation<RESPToken, any Error>)
        /// One slot of a pipeline, whose caller resumes once every slot is filled.
        case batch(PipelineReplies, index: Int)
    }

    let sink: Sink
    /// The command's name, for a timeout error.
    let name: String
    /// When the reply is due, and the timeout that set it (for the error message).
    let deadline: NIODeadline
    let timeout: Duration

    func succeed(_ token: RESPToken) {
        switch sink {
        case .single(let continuation): continuation.resume(returning: token)
        case .batch(let replies, let index): replies.fill(index, with: .success(token))
        }
    }

    func fail(_ error: RedisError) {
        switch sink {
        case .single(let continuation): continuation.resume(throwing: error)
        case .batch(let replies, let index): replies.fill(index, with: .failure(error))
        }
    }
}

/// The replies of one pipeline, collected on the event loop and handed over in one go.
///
/// Each reply fills its own slot, whatever order replies and failures arrive in; the caller
/// resumes once every slot is filled. Only touched on the connection's event loop, hence
/// `@unchecked Sendable`.
final class PipelineReplies: @unchecked Sendable {
    private var results: [Result<RESPToken, RedisError>?]
    private var remaining: Int
    private let continuation: UnsafeContinuation<[Result<RESPToken, RedisError>], Never>

    init(count: Int, continuation: UnsafeContinuation<[Result<RESPToken, RedisError>], Never>) {
        self.results = Array(repeating: nil, count: count)
        self.remaining = count
        self.continuation = continuation
        if count == 0 { continuation.resume(returning: []) }
    }

    func fill(_ index: Int, with result: Result<RESPToken, RedisError>) {
        guard results[index] == nil else { return }
        results[index] = result
        remaining -= 1
        if remaining == 0 { continuation.resume(returning: results.map { $0! }) }
    }
}
