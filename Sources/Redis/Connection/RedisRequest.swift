import NIOCore
import RESP

/// What the connection hands its channel handler: encoded commands and one promise per reply.
struct RedisRequest: Sendable {
    /// One command's promise, or a pipeline's promises in command order.
    enum Replies: Sendable {
        case one(EventLoopPromise<RESPToken>)
        case many([EventLoopPromise<RESPToken>])
    }

    /// The encoded command or commands, written in one go.
    var bytes: ByteBuffer
    var replies: Replies
}
