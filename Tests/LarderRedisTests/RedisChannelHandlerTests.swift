import NIOCore
import NIOEmbedded
import LarderRESP
@testable import LarderRedis
import XCTest

/// The real channel handler and ``RedisConnection`` on a `NIOAsyncTestingChannel`: commands go
/// out as bytes the test reads, replies come in as bytes the test writes, and time moves only
/// when the test advances the loop's clock. No socket, no server, no sleeps.
final class RedisChannelHandlerTests: XCTestCase {
    func testCommandsGoOutAsRESPAndRepliesComeBackToTheirCallersInOrder() async throws {
        let (redis, channel) = try await connection()
        let first = Task { try await redis.send(GET("a")) }
        let written1 = try await written(on: channel)
        XCTAssertEqual(written1, "*2\r\n$3\r\nGET\r\n$1\r\na\r\n")
        let second = Task { try await redis.send("SET", "b", "2") }
        let written2 = try await written(on: channel)
        XCTAssertEqual(written2, "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n")

        // Both replies in one read: each goes to its own command.
        try await channel.writeInbound(ByteBuffer(string: "$5\r\nvalue\r\n+OK\r\n"))
        let value = try await first.value
        XCTAssertEqual(value.map { String(buffer: $0) }, "value")
        let set = try await second.value
        XCTAssertEqual(replyText(of: set), "OK")
        let awaited = await redis.repliesAwaited()
        XCTAssertEqual(awaited, 0)
        XCTAssertTrue(redis.isOpen)
    }

    func testAReplyToACancelledCommandIsDroppedAndTheNextCallerGetsItsOwn() async throws {
        let (redis, channel) = try await connection()
        let cancelled = Task { try await redis.send(GET("a")) }
        _ = try await written(on: channel)
        let next = Task { try await redis.send(GET("b")) }
        _ = try await written(on: channel)

        cancelled.cancel()
        let result = await cancelled.result
        XCTAssertEqual(answer(result), "cancelled")
        let awaited = await redis.repliesAwaited()
        XCTAssertEqual(awaited, 2, "the cancelled command keeps its place for its reply")

        try await channel.writeInbound(ByteBuffer(string: "$13\r\nfor the first\r\n"))
        try await channel.writeInbound(ByteBuffer(string: "$14\r\nfor the second\r\n"))
        let value = try await next.value
        XCTAssertEqual(value.map { String(buffer: $0) }, "for the second")
        XCTAssertTrue(redis.isOpen)
    }

    func testACommandCancelledBeforeItIsWrittenIsNotWritten() async throws {
        let (redis, channel) = try await connection()
        let result = await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await redis.send("SET", "k", "v")
        }.result
        XCTAssertEqual(answer(result), "cancelled")
        let unwritten = try await channel.readOutbound(as: ByteBuffer.self)
        XCTAssertNil(unwritten, "a cancelled caller's command was written")
    }

    func testAnErrorReplyMidPipelineFailsOnlyItsCommand() async throws {
        let (redis, channel) = try await connection()
        let pipeline = Task { await redis.execute([GET("a"), GET("list"), GET("c")]) }
        let written3 = try await written(on: channel)
        XCTAssertEqual(written3, "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$4\r\nlist\r\n*2\r\n$3\r\nGET\r\n$1\r\nc\r\n")
        try await channel.writeInbound(
            ByteBuffer(string: "$1\r\na\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n$1\r\nc\r\n"))
        let results = await pipeline.value.map { answer($0.map { $0.map { String(buffer: $0) } ?? "nil" }) }
        XCTAssertEqual(results, ["a", "server", "c"])
        XCTAssertTrue(redis.isOpen, "an error reply is an answer, not a broken connection")

        let after = Task { try await redis.send(GET("a")) }
        _ = try await written(on: channel)
        try await channel.writeInbound(ByteBuffer(string: "$5\r\nagain\r\n"))
        let value = try await after.value
        XCTAssertEqual(value.map { String(buffer: $0) }, "again")
    }

    func testClosingWithRepliesPendingFailsThemAllWithConnectionClosed() async throws {
        let (redis, channel) = try await connection()
        let first = Task { try await redis.send(GET("a")) }
        _ = try await written(on: channel)
        let second = Task { try await redis.send(GET("b")) }
        _ = try await written(on: channel)

        try await channel.close()
        let (a, b) = (await first.result, await second.result)
        XCTAssertEqual(answer(a), "connectionClosed")
        XCTAssertEqual(answer(b), "connectionClosed")
        XCTAssertFalse(redis.isOpen)
        let late = await Task { try await redis.send(GET("c")) }.result
        XCTAssertEqual(answer(late), "connectionClosed", "a closed connection fails a command at once")
    }

    func testTheDeadlineFailsThePendingCommandWithCommandTimeoutAndClosesTheChannel() async throws {
        let (redis, channel) = try await connection(timeout: .seconds(5))
        let get = Task { try await redis.send(GET("slow")) }
        _ = try await written(on: channel)
        let blpop = Task { try await redis.send("BLPOP", "list", 0) }
        _ = try await written(on: channel)

        await channel.testingEventLoop.advanceTime(by: .milliseconds(4_999))
        let stillAwaited = await redis.repliesAwaited()
        XCTAssertEqual(stillAwaited, 2, "nothing times out before its deadline")
        XCTAssertTrue(redis.isOpen)

        await channel.testingEventLoop.advanceTime(by: .milliseconds(1))
        let (timedOut, other) = (await get.result, await blpop.result)
        XCTAssertEqual(answer(timedOut), "commandTimeout(GET)")
        XCTAssertEqual(answer(other), "commandTimeout(BLPOP)", "both were written at the same loop time")
        XCTAssertFalse(redis.isOpen, "a connection that missed a deadline is out of step and closed")
    }

    func testAFrameThatDoesNotDecodeFailsThePendingCommandWithProtocolErrorAndCloses() async throws {
        let (redis, channel) = try await connection()
        let get = Task { try await redis.send(GET("a")) }
        _ = try await written(on: channel)
        _ = try? await channel.writeInbound(ByteBuffer(string: "?not resp\r\n"))
        let getResult = await get.result
        XCTAssertEqual(answer(getResult), "protocolError")
        XCTAssertFalse(redis.isOpen)
    }

    func testAReplyWithNoCommandClosesTheConnection() async throws {
        let (redis, channel) = try await connection()
        try await channel.writeInbound(ByteBuffer(string: "+OK\r\n"))
        XCTAssertFalse(redis.isOpen, "a reply nobody asked for puts every later reply out of step")
        let late = await Task { try await redis.send(GET("a")) }.result
        XCTAssertEqual(answer(late), "connectionClosed")
    }

    /// The socket-free twin of `RedisCancellationTests.testOneOfAHundredCallersCancelledEveryOtherGetsItsOwnValue`:
    /// the replies are due until the test writes them, so the cancelled call can only return
    /// promptly by not waiting for its own.
    func testOneOfAHundredCallersCancelledReturnsWithin10msAndEveryOtherGetsItsOwnValue() async throws {
        let (redis, channel) = try await connection()
        let count = 100
        let victim = 37
        let tasks = (0..<count).map { index in
            Task { () -> (Result<ByteBuffer?, RedisError>, ContinuousClock.Instant) in
                do throws(RedisError) {
                    let value = try await redis.send(GET(RedisKey("key:\(index)")))
                    return (.success(value), ContinuousClock.now)
                } catch {
                    return (.failure(error), ContinuousClock.now)
                }
            }
        }
        // The callers race to the loop: the order their commands went out is the order of the replies.
        var order: [String] = []
        while order.count < count {
            let bytes = try await written(on: channel)
            order.append(contentsOf: bytes.split(separator: "\r\n").enumerated().filter { $0.offset % 5 == 4 }.map { String($0.element) })
        }
        XCTAssertEqual(Set(order).count, count, "every caller's GET was written once")

        let cancelled = ContinuousClock.now
        tasks[victim].cancel()
        let (result, returned) = await tasks[victim].value
        let elapsed = returned - cancelled
        print("one of \(count) GETs in flight on a testing channel returned \(elapsed) after its task was cancelled")
        XCTAssertEqual(answer(result.map { $0.map { String(buffer: $0) } }), "cancelled")
        XCTAssertLessThan(elapsed, .milliseconds(10))

        // Every reply, the cancelled command's included, in the order the commands went out.
        var replies = ByteBuffer()
        for key in order {
            let value = "value of \(key)"
            replies.writeString("$\(value.utf8.count)\r\n\(value)\r\n")
        }
        try await channel.writeInbound(replies)
        for (index, task) in tasks.enumerated() where index != victim {
            let value = try await task.value.0.get()
            XCTAssertEqual(value.map { String(buffer: $0) }, "value of key:\(index)", "caller \(index) got another caller's reply")
        }
        let awaited = await redis.repliesAwaited()
        XCTAssertEqual(awaited, 0, "the cancelled command's reply was read and dropped")
        XCTAssertTrue(redis.isOpen)
    }

    func testWritesForTheNextTickLeaveTogetherInOneBufferAtTheFlush() async throws {
        let (redis, channel) = try await connection()
        let handler = redis.handler
        try await channel.testingEventLoop.executeInContext {
            handler.value.writeOnNextTick(call: 1, replies: [Self.unawaited(call: 1)]) { $0.encodeCommand("SET", "a", "1") }
            handler.value.writeOnNextTick(call: 2, replies: [Self.unawaited(call: 2)]) { $0.encodeCommand("GET", "b") }
        }
        let early = try await channel.readOutbound(as: ByteBuffer.self)
        XCTAssertNil(early, "written before the loop's next tick")
        await channel.testingEventLoop.run()
        let together = try await written(on: channel)
        XCTAssertEqual(together, "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n")
        let more = try await channel.readOutbound(as: ByteBuffer.self)
        XCTAssertNil(more, "the two callers' commands left in more than one buffer")
        let awaited = await redis.repliesAwaited()
        XCTAssertEqual(awaited, 2)
    }

    func testBytesHandedOverFromOffTheLoopLeaveAfterTheCommandsEncodedBeforeThem() async throws {
        let (redis, channel) = try await connection()
        let handler = redis.handler
        try await channel.testingEventLoop.executeInContext {
            handler.value.writeOnNextTick(call: 1, replies: [Self.unawaited(call: 1)]) { $0.encodeCommand("GET", "first") }
            handler.value.write(call: 2, bytes: ByteBuffer(string: "*2\r\n$3\r\nGET\r\n$6\r\nsecond\r\n"), replies: [Self.unawaited(call: 2)])
            handler.value.writeOnNextTick(call: 3, replies: [Self.unawaited(call: 3)]) { $0.encodeCommand("GET", "third") }
        }
        await channel.testingEventLoop.run()
        var sent = ""
        while let bytes = try await channel.readOutbound(as: ByteBuffer.self) { sent += String(buffer: bytes) }
        XCTAssertEqual(sent, "*2\r\n$3\r\nGET\r\n$5\r\nfirst\r\n*2\r\n$3\r\nGET\r\n$6\r\nsecond\r\n*2\r\n$3\r\nGET\r\n$5\r\nthird\r\n")
    }

    func testACommandSentAtOnceTakesTheCommandsWaitingForTheTickWithIt() async throws {
        let (redis, channel) = try await connection()
        let handler = redis.handler
        try await channel.testingEventLoop.executeInContext {
            handler.value.writeOnNextTick(call: 1, replies: [Self.unawaited(call: 1)]) { $0.encodeCommand("GET", "queued") }
            handler.value.write(call: 2, replies: [Self.unawaited(call: 2)]) { $0.encodeCommand("GET", "now") }
        }
        let both = try await written(on: channel)
        XCTAssertEqual(both, "*2\r\n$3\r\nGET\r\n$6\r\nqueued\r\n*2\r\n$3\r\nGET\r\n$3\r\nnow\r\n")
        await channel.testingEventLoop.run()
        let more = try await channel.readOutbound(as: ByteBuffer.self)
        XCTAssertNil(more, "the tick's flush wrote the queued command again")
    }

    // MARK: Helpers

    /// A command's place in the queue whose reply nobody waits for (the tests read what is written).
    private static func unawaited(call: UInt64) -> PendingReply {
        PendingReply(sink: .discard, call: call, name: "GET", deadline: .now() + .seconds(60), timeout: .seconds(60))
    }

    /// A ``RedisConnection`` whose channel is a `NIOAsyncTestingChannel` with the real handler.
    private func connection(timeout: Duration = .seconds(5)) async throws -> (RedisConnection, NIOAsyncTestingChannel) {
        let channel = NIOAsyncTestingChannel()
        let configuration = try RedisConfiguration(url: "unix:///tmp/larder-testing-channel.sock").timingOut(after: timeout)
        let loop = channel.testingEventLoop
        let handler = try await loop.executeInContext {
            let handler = RedisChannelHandler(endpoint: configuration.endpoint, limits: configuration.limits, logger: RedisConnection.silentLogger)
            try channel.pipeline.syncOperations.addHandler(handler)
            return NIOLoopBound(handler, eventLoop: loop)
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 6379)).get()
        let redis = RedisConnection(
            channel: channel, handler: handler, configuration: configuration, protocolVersion: 3, serverVersion: nil,
            logger: RedisConnection.silentLogger)
        return (redis, channel)
    }

    /// The next write that reached the channel, as text.
    private func written(on channel: NIOAsyncTestingChannel) async throws -> String {
        String(buffer: try await channel.waitForOutboundWrite(as: ByteBuffer.self))
    }

    /// A result as the tests compare it: the value, or the kind of its error.
    private func answer<Value>(_ result: Result<Value, any Error>) -> String {
        switch result {
        case .success(let value): "\(value)"
        case .failure(let error as RedisError): errorKind(of: error)
        case .failure(let error): "\(error)"
        }
    }

    private func answer<Value>(_ result: Result<Value, RedisError>) -> String {
        answer(result.mapError { $0 as any Error })
    }
}
