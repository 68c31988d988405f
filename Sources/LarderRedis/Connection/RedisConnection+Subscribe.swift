import LarderRESP
import NIOCore

extension RedisConnection {
    /// Subscribes this connection to `channels` and returns the messages published to them, in
    /// the order the server sends them, until the connection closes.
    ///
    /// RESP3 only: there a subscribed connection still answers commands (replies and pushes are
    /// told apart by their type), so this one stays usable for `PING` and the like, and the
    /// messages arrive as push frames that never take a command's reply. Sentinels and
    /// servers since Redis 6 speak RESP3 (see ``RedisConfiguration/preferRESP3``).
    ///
    /// It returns once the server has confirmed every subscription, so a message published
    /// after it returns is received. Give the subscription a connection of its own: one
    /// subscription per connection, and closing the connection ends the messages.
    ///
    /// ```swift
    /// let connection = try await RedisConnection.connect(configuration: sentinel)
    /// for await message in try await connection.subscribe(to: ["+switch-master"]) {
    ///     print(message.channel, String(buffer: message.payload))
    /// }
    /// ```
    /// - Throws: ``RedisError/unsupportedCommand(_:)`` on a RESP2 connection;
    ///   ``RedisError/connectionClosed(_:)`` when the connection closes before the server
    ///   confirmed the subscriptions.
    public func subscribe(to channels: [String]) async throws(RedisError) -> RedisSubscription {
        guard protocolVersion == 3 else {
            throw .unsupportedCommand("SUBSCRIBE on a RESP2 connection (this client subscribes over RESP3 only)")
        }
        let (pushes, continuation) = AsyncStream<RESPToken>.makeStream()
        let channel = self.channel
        let handler = self.handler
        do {
            try await channel.eventLoop.submit {
                handler.value.receivePushes(into: continuation, channelIsActive: channel.isActive)
            }.get()
        } catch {
            throw .connectionClosed(configuration.endpoint)
        }
        var encoder = RESPCommandEncoder()
        encoder.encodeCommand("SUBSCRIBE", channels)
        // Not through the reply queue: in RESP3 the server answers SUBSCRIBE with pushes only.
        channel.writeAndFlush(encoder.buffer, promise: nil)
        var iterator = pushes.makeAsyncIterator()
        var unconfirmed = Set(channels)
        while !unconfirmed.isEmpty {
            guard let push = await iterator.next() else { throw .connectionClosed(configuration.endpoint) }
            let parts = (try? [RESPToken](fromRESP: push)) ?? []
            if parts.count >= 2, (try? String(fromRESP: parts[0])) == "subscribe", let name = try? String(fromRESP: parts[1]) {
                unconfirmed.remove(name)
            }
        }
        return RedisSubscription(pushes: pushes)
    }
}

/// The messages published to a connection's channels (see ``RedisConnection/subscribe(to:)``),
/// as an `AsyncSequence` that ends when the connection closes or the iterating task is cancelled.
public struct RedisSubscription: AsyncSequence, Sendable {
    /// One message: the channel it was published to and its payload.
    public struct Message: Sendable {
        /// The channel, e.g. `+switch-master`.
        public let channel: String
        /// What was published.
        public let payload: ByteBuffer
    }

    let pushes: AsyncStream<RESPToken>

    /// Iterates the messages, skipping the other push frames (subscription confirmations,
    /// client-side caching invalidations).
    public struct AsyncIterator: AsyncIteratorProtocol {
        var pushes: AsyncStream<RESPToken>.AsyncIterator

        /// The next message, or `nil` when the connection closed or the task was cancelled.
        public mutating func next() async -> Message? {
            while let push = await pushes.next() {
                let parts = (try? [RESPToken](fromRESP: push)) ?? []
                guard parts.count == 3, (try? String(fromRESP: parts[0])) == "message",
                    let channel = try? String(fromRESP: parts[1]), let payload = try? ByteBuffer(fromRESP: parts[2])
                else { continue }
                return Message(channel: channel, payload: payload)
            }
            return nil
        }
    }

    /// An iterator over the messages; one at a time.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pushes: pushes.makeAsyncIterator()) }
}
