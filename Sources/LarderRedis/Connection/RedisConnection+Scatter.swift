import NIOCore
import LarderRESP
import Synchronization

/// One call's commands spread over several connections, each connection's share sent in one
/// write, all written before the caller waits once for every reply: what a cluster client
/// does with a batch whose keys live on several nodes, without a task per node.
extension RedisConnection {
    /// One connection's share of a scattered call: the indices of its commands in the call.
    struct ScatterPart: Sendable {
        let connection: RedisConnection
        let indices: [Int]
    }

    /// Sends each part's commands (command `i` written by `encode(&encoder, i)`, all named
    /// `name`) on its connection, in one write per connection, and returns the replies by
    /// index: `count` of them, every index in exactly one part.
    ///
    /// As ``pipeline(names:timeout:encode:)`` on each connection: an error reply fails its own
    /// command, a connection failure that connection's commands, a command the connection's
    /// use refuses is not sent; a cancelled task gets ``RedisError/cancelled`` at once for every
    /// reply not yet received.
    static func scatter(
        _ parts: [ScatterPart], count: Int, name: String, encode: (inout RESPCommandEncoder, Int) -> Void
    ) async -> [Result<RESPToken, RedisError>] {
        guard !Task.isCancelled else { return Array(repeating: .failure(.cancelled), count: count) }
        // Numbered before anything is written, so that a cancellation finds every part's call.
        let calls = parts.map { $0.connection.nextCall.wrappingAdd(1, ordering: .relaxed).oldValue }
        let refusals = parts.map { $0.connection.admit(names: [name]) }
        defer { for (part, call) in zip(parts, calls) { part.connection.forgetIfCancelled(call) } }
        let results: [Result<RESPToken, RedisError>] = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                let replies = PipelineReplies(count: count, continuation: continuation)
                for (index, part) in parts.enumerated() {
                    if let refusal = refusals[index] {
                        for slot in part.indices { replies.fill(slot, with: .failure(refusal)) }
                    } else {
                        part.connection.write(part.indices, call: calls[index], name: name, into: replies, encode: encode)
                    }
                }
            }
        } onCancel: {
            for (part, call) in zip(parts, calls) {
                let handler = part.connection.handler
                part.connection.channel.eventLoop.execute { handler.value.cancel(call: call) }
            }
        }
        for part in parts {
            // As after a pipeline: a connection closing after a timeout is closed before its
            // callers hear of it.
            if let error = part.indices.lazy.compactMap({ results[$0].failureValue }).first {
                try? await waitForCloseAfter(error, channel: part.connection.channel)
            }
        }
        return results
    }

    /// Writes the commands at `indices` (encoded by `encode`) as `call`, their replies filling
    /// those slots of `replies`; does not wait. The flush waits for the event loop's next tick,
    /// on the loop as off it: the callers a loop resumes together (each batch's replies arrive
    /// together) then leave in one write system call per connection instead of one each. On
    /// the loop, the commands are encoded straight into the connection's reusable buffer, so
    /// those callers' commands also leave in one buffer.
    private func write(
        _ indices: [Int], call: UInt64, name: String, into replies: PipelineReplies, encode: (inout RESPCommandEncoder, Int) -> Void
    ) {
        let eventLoop = channel.eventLoop
        let timeout = configuration.commandTimeout
        let deadline = eventLoop.now + TimeAmount(timeout)
        @Sendable func pending() -> some Sequence<PendingReply> {
            indices.lazy.map {
                PendingReply(sink: .batch(replies, index: $0), call: call, name: name, deadline: deadline, timeout: timeout)
            }
        }
        if eventLoop.inEventLoop {
            handler.value.writeOnNextTick(call: call, replies: pending()) { encoder in
                for index in indices { encode(&encoder, index) }
            }
            return
        }
        var encoder = RESPCommandEncoder(buffer: channel.allocator.buffer(capacity: 64 * indices.count))
        for index in indices { encode(&encoder, index) }
        let bytes = encoder.buffer
        let handler = self.handler
        eventLoop.execute { handler.value.write(call: call, bytes: bytes, replies: pending()) }
    }
}

extension Result {
    /// The error, or `nil` for a success.
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
