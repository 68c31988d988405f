import Foundation
import NIOCore
import LarderRESP
@testable import LarderRedis
import RedisTestSupport
import XCTest

/// A command whose task is cancelled returns at once with ``RedisError/cancelled`` instead of
/// waiting out the command timeout, and the connection stays open with every other caller's
/// reply still matched to its own command (found in review: a cancelled caller waited 30 s).
///
/// The server is frozen (`SIGSTOP`) or blocked (`BLPOP`) so that the cancelled command's reply
/// is still due when the task is cancelled; it arrives later and must be read and dropped.
final class RedisCancellationTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func testCancelledGetReturnsPromptlyWithCancelledAndTheConnectionStaysOpen() async throws {
        let server = try await Self.redis.server()
        let redis = try await RedisConnection.connect(configuration: server.configuration().timingOut(after: .seconds(5)))
        _ = try await redis.send(SET("cancel:get", "its value"))

        let (elapsed, result) = try await server.whileSuspended {
            let get = Task { try await redis.send(GET("cancel:get")) }
            try await waitUntilAwaiting(1, on: redis)
            let cancelled = ContinuousClock.now
            get.cancel()
            let result = await get.result
            return (ContinuousClock.now - cancelled, result)
        }

        print("a cancelled GET returned \(elapsed) after its task was cancelled")
        guard case .failure(let error) = result, (error as? RedisError)?.code == .cancelled else {
            await redis.close()
            return XCTFail("expected RedisError.cancelled, got \(result)")
        }
        XCTAssertLessThan(elapsed, .milliseconds(200), "the cancelled GET must not wait for the frozen server")
        XCTAssertTrue(redis.isOpen, "cancelling one command must not close the connection")
        // The GET's own reply arrives after SIGCONT and is dropped: the next commands get theirs.
        let pong = try await redis.send(PING())
        XCTAssertEqual(pong, "PONG")
        let value = try await redis.send(GET("cancel:get"))
        XCTAssertEqual(value.map { String(buffer: $0) }, "its value")
        await redis.close()
    }

    func testOneOfAHundredCallersCancelledEveryOtherGetsItsOwnValue() async throws {
        let server = try await Self.redis.server()
        let redis = try await RedisConnection.connect(configuration: server.configuration().timingOut(after: .seconds(5)))
        let count = 100
        let keys = (0..<count).map { RedisKey("cancel:many:\($0)") }
        for result in await redis.execute(keys.enumerated().map { SET($1, "value \($0)") }) { _ = try result.get() }

        let victim = 37
        let (tasks, elapsed, cancelledResult) = try await server.whileSuspended {
            // Each caller notes when its call returned: the bound is on the call, not on the
            // scheduling of the task that awaits it.
            let tasks = keys.map { key in
                Task { () -> (Result<ByteBuffer?, RedisError>, ContinuousClock.Instant) in
                    do throws(RedisError) {
                        let value = try await redis.send(GET(key))
                        return (.success(value), ContinuousClock.now)
                    } catch {
                        return (.failure(error), ContinuousClock.now)
                    }
                }
            }
            try await waitUntilAwaiting(count, on: redis)
            let cancelled = ContinuousClock.now
            tasks[victim].cancel()
            let (result, returned) = await tasks[victim].value
            return (tasks, returned - cancelled, result)
        }

        print("one of \(count) GETs in flight returned \(elapsed) after its task was cancelled")
        guard case .failure(let error) = cancelledResult, error.code == .cancelled else {
            await redis.close()
            return XCTFail("expected RedisError.cancelled, got \(cancelledResult)")
        }
        // Issue 17: a cancelled GET among 100 callers in flight returns within 10 ms.
        XCTAssertLessThan(elapsed, .milliseconds(10))
        for (index, task) in tasks.enumerated() where index != victim {
            let value = try await task.value.0.get()
            XCTAssertEqual(value.map { String(buffer: $0) }, "value \(index)", "caller \(index) got another caller's reply")
        }
        let after = try await redis.send(GET(keys[victim]))
        XCTAssertEqual(after.map { String(buffer: $0) }, "value \(victim)")
        XCTAssertTrue(redis.isOpen)
        await redis.close()
    }

    func testACommandCancelledBeforeItIsSentIsNotSent() async throws {
        let server = try await Self.redis.server()
        let redis = try await RedisConnection.connect(configuration: server.configuration())
        // Both ways a command is written: encoded off the event loop and handed over, and
        // encoded on the loop straight into the handler's buffer.
        for (onLoop, key) in [(false, "cancel:unsent:off-loop"), (true, "cancel:unsent:on-loop")] {
            _ = try await redis.send(DEL([RedisKey(key)]))
            let result = await Task {
                withUnsafeCurrentTask { $0?.cancel() }
                if onLoop {
                    return try await withTaskExecutorPreference(redis.taskExecutor) { try await redis.send(SET(RedisKey(key), "written")) }
                }
                return try await redis.send(SET(RedisKey(key), "written"))
            }.result
            guard case .failure(let error) = result, (error as? RedisError)?.code == .cancelled else {
                XCTFail("expected RedisError.cancelled \(onLoop ? "on" : "off") the loop, got \(result)")
                continue
            }
            let value = try await redis.send(GET(RedisKey(key)))
            XCTAssertNil(value, "the SET of a task cancelled before sending it was sent \(onLoop ? "on" : "off") the loop")

            let pipelined = await Task {
                withUnsafeCurrentTask { $0?.cancel() }
                if onLoop {
                    return await withTaskExecutorPreference(redis.taskExecutor) { await redis.execute([SET(RedisKey(key), "piped")]) }
                }
                return await redis.execute([SET(RedisKey(key), "piped")])
            }.value
            guard case .failure(let pipelinedError) = pipelined.first, pipelinedError.code == .cancelled else {
                XCTFail("expected RedisError.cancelled for a cancelled pipeline, got \(pipelined)")
                continue
            }
            let still = try await redis.send(GET(RedisKey(key)))
            XCTAssertNil(still, "the pipeline of a task cancelled before sending it was sent \(onLoop ? "on" : "off") the loop")
        }
        XCTAssertTrue(redis.isOpen)
        await redis.close()
    }

    func testAPipelineCancelledMidWayKeepsItsAnswersAndLaterCallersGetTheirOwn() async throws {
        let server = try await Self.redis.server()
        let redis = try await RedisConnection.connect(configuration: server.configuration().timingOut(after: .seconds(5)))
        _ = try await redis.send(DEL(["cancel:pipe:list"]))
        _ = await redis.execute(SET("cancel:pipe:a", "a"), SET("cancel:pipe:b", "b"))
        _ = try await redis.send(SET("cancel:pipe:later", "later"))

        // GET a is answered; BLPOP blocks this connection until the list is filled; GET b waits.
        let pipeline = Task {
            await redis.execute(GET("cancel:pipe:a"), BlockingPop(list: "cancel:pipe:list"), GET("cancel:pipe:b"))
        }
        try await waitUntilAwaiting(2, on: redis)
        let cancelled = ContinuousClock.now
        pipeline.cancel()
        let (a, pop, b) = await pipeline.value
        let elapsed = ContinuousClock.now - cancelled
        print("a pipeline blocked mid-way returned \(elapsed) after its task was cancelled")
        XCTAssertLessThan(elapsed, .milliseconds(200))
        XCTAssertEqual(try a.get().map { String(buffer: $0) }, "a", "an answer received before the cancellation is kept")
        guard case .failure(let popError) = pop, popError.code == .cancelled, case .failure(let bError) = b, bError.code == .cancelled else {
            await redis.close()
            return XCTFail("expected RedisError.cancelled for the unanswered commands, got \(pop), \(b)")
        }

        // Queued behind the BLPOP and GET b, whose replies come first once the list is filled.
        let later = Task { try await redis.send(GET("cancel:pipe:later")) }
        try await waitUntilAwaiting(3, on: redis)
        try await RedisConnection.withConnection(configuration: server.configuration()) { other in
            _ = try await other.send("LPUSH", "cancel:pipe:list", "x")
        }
        let value = try await later.value
        XCTAssertEqual(value.map { String(buffer: $0) }, "later")
        let next = try await redis.send(GET("cancel:pipe:b"))
        XCTAssertEqual(next.map { String(buffer: $0) }, "b")
        XCTAssertTrue(redis.isOpen)
        await redis.close()
    }

    /// A caller off the event loop hands its write and, from another thread, its cancellation
    /// to the loop; the cancellation may come first. Driven on the handler in that order.
    func testAWriteOvertakenByItsCancellationIsNotWritten() async throws {
        let server = try await Self.redis.server()
        let redis = try await RedisConnection.connect(configuration: server.configuration())
        _ = try await redis.send(DEL(["cancel:overtaken"]))
        var encoder = RESPCommandEncoder()
        SET("cancel:overtaken", "written").encode(into: &encoder)
        let bytes = encoder.buffer
        let handler = redis.handler
        let call = UInt64.max  // a number the connection's own calls do not reach
        let results = await withUnsafeContinuation { continuation in
            redis.eventLoop.execute {
                handler.value.cancel(call: call)
                let replies = PipelineReplies(count: 1, continuation: continuation)
                let reply = PendingReply(
                    sink: .batch(replies, index: 0), call: call, name: "SET", deadline: .now() + .seconds(5), timeout: .seconds(5))
                handler.value.write(call: call, bytes: bytes, replies: CollectionOfOne(reply))
            }
        }
        guard case .failure(let resultsError) = results.first, resultsError.code == .cancelled else {
            await redis.close()
            return XCTFail("expected RedisError.cancelled, got \(results)")
        }
        let value = try await redis.send(GET("cancel:overtaken"))
        XCTAssertNil(value, "a write whose cancellation came first was written")
        let awaited = await redis.repliesAwaited()
        XCTAssertEqual(awaited, 0)
        await redis.close()
    }

    // MARK: Helpers

    private enum CancellationTestError: Error { case notQueued }

    /// `BLPOP list 0`: blocks its connection until `list` has an element.
    private struct BlockingPop: RedisCommand {
        static var name: RedisCommandName { "BLPOP" }
        static var isBlocking: Bool { true }
        var list: RedisKey
        var keysAffected: CollectionOfOne<RedisKey> { CollectionOfOne(list) }
        func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, list, 0) }
    }

    /// Waits until `count` replies are due on `connection` (its commands are written); fails after 5 s.
    private func waitUntilAwaiting(_ count: Int, on connection: RedisConnection) async throws {
        let reached = await waitUntil(limit: .seconds(5), interval: .milliseconds(2)) {
            await connection.repliesAwaited() == count ? true : nil
        }
        guard reached != nil else {
            XCTFail("never saw \(count) replies due on the connection")
            throw CancellationTestError.notQueued
        }
    }
}
