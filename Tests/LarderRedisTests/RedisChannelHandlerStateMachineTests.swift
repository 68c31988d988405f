import NIOCore
import LarderRESP
@testable import LarderRedis
import XCTest

/// The channel handler's state machine as a value: each transition and the action it returns,
/// with no channel, no socket and no event loop. The test performs the actions as the handler
/// does, on real callers (the slots of one pipeline), and checks what each caller was answered.
final class RedisChannelHandlerStateMachineTests: XCTestCase {
    private typealias Machine = RedisChannelHandler.StateMachine<String>
    private static let endpoint = RedisEndpoint.unixSocket(path: "/tmp/larder-state-machine.sock")
    private static let soon = NIODeadline.uptimeNanoseconds(5_000_000_000)

    func testNothingIsWrittenBeforeTheHandlerJoinsAPipeline() async {
        var machine = Machine(endpoint: Self.endpoint)
        let answered = await answers(to: [("GET", 1)]) { replies in
            guard case .fail(let error) = machine.sendCommand(call: 1, replies: replies, coalescingFlush: false) else {
                return XCTFail("a command was written before the handler had a context")
            }
            for reply in replies { reply.fail(error) }
        }
        XCTAssertEqual(answered, [.error("connectionClosed")])
    }

    func testRepliesGoToTheirCommandsInTheOrderTheCommandsWereWritten() async {
        var machine = active()
        let answered = await answers(to: [("GET", 1), ("GET", 2)]) { replies in
            guard case .write(let context, let flush, let armed) = machine.sendCommand(call: 1, replies: replies[0...0], coalescingFlush: false) else {
                return XCTFail("the first command was not written")
            }
            XCTAssertEqual(context, "context")
            XCTAssertEqual(flush, .now)
            XCTAssertEqual(armed, Self.soon, "the first command arms the deadline timer")
            guard case .write(_, _, let again) = machine.sendCommand(call: 2, replies: replies[1...1], coalescingFlush: false) else {
                return XCTFail("the second command was not written")
            }
            XCTAssertNil(again, "a later command with the same timeout leaves the timer as it is")
            XCTAssertEqual(machine.pendingCount, 2)
            deliver(machine.receivedReply(), "$1\r\na\r\n", expectingCall: 1)
            deliver(machine.receivedReply(), "$1\r\nb\r\n", expectingCall: 2)
        }
        XCTAssertEqual(answered, [.value("a"), .value("b")])
        XCTAssertEqual(machine.pendingCount, 0)
    }

    func testWritesHandedOverInOneTickShareOneFlush() async {
        var machine = active()
        _ = await answers(to: [("SET", 1), ("SET", 2), ("SET", 3)]) { replies in
            guard case .write(_, let first, _) = machine.sendCommand(call: 1, replies: replies[0...0], coalescingFlush: true),
                case .write(_, let second, _) = machine.sendCommand(call: 2, replies: replies[1...1], coalescingFlush: true)
            else { return XCTFail("a command was not written") }
            XCTAssertEqual(first, .onNextTick)
            XCTAssertEqual(second, .alreadyQueued)
            XCTAssertEqual(machine.flushDue(), "context")
            guard case .write(_, let third, _) = machine.sendCommand(call: 3, replies: replies[2...2], coalescingFlush: true) else {
                return XCTFail("a command was not written")
            }
            XCTAssertEqual(third, .onNextTick, "after the flush, the next write queues its own")
        }
    }

    func testAReplyToACancelledCommandIsDroppedAndTheNextCallerGetsItsOwn() async {
        var machine = active()
        let answered = await answers(to: [("GET", 1), ("GET", 2), ("GET", 3)]) { replies in
            for (index, reply) in replies.enumerated() {
                _ = machine.sendCommand(call: reply.call, replies: replies[index...index], coalescingFlush: false)
            }
            guard case .failCancelled(let cancelled) = machine.cancel(call: 2) else {
                return XCTFail("the written command of a cancelled call was not answered")
            }
            XCTAssertEqual(cancelled.map(\.call), [2])
            for reply in cancelled { reply.fail(.cancelled) }
            XCTAssertEqual(machine.pendingCount, 3, "the cancelled command keeps its place for its reply")
            guard case .failCancelled(let again) = machine.cancel(call: 2) else { return XCTFail("the queued call was forgotten") }
            XCTAssertTrue(again.isEmpty, "a caller is answered once")

            deliver(machine.receivedReply(), "$1\r\na\r\n", expectingCall: 1)
            guard case .drop(let dropped) = machine.receivedReply() else { return XCTFail("the cancelled command's reply was not dropped") }
            XCTAssertEqual(dropped.call, 2)
            deliver(machine.receivedReply(), "$1\r\nc\r\n", expectingCall: 3)
        }
        XCTAssertEqual(answered, [.value("a"), .error("cancelled"), .value("c")])
        XCTAssertEqual(machine.pendingCount, 0)
    }

    func testACallCancelledBeforeItsWriteIsNotWrittenAndAForgottenOneIs() async {
        var machine = active()
        let answered = await answers(to: [("SET", 5), ("SET", 5), ("SET", 6)]) { replies in
            guard case .doNothing = machine.cancel(call: 5) else { return XCTFail("nothing of call 5 was queued") }
            guard case .fail(let error) = machine.sendCommand(call: 5, replies: replies[0...0], coalescingFlush: true) else {
                return XCTFail("the write of a cancelled call was written")
            }
            replies[0].fail(error)
            XCTAssertEqual(machine.pendingCount, 0)
            // The cancellation was used up by the refused write.
            guard case .write = machine.sendCommand(call: 5, replies: replies[1...1], coalescingFlush: false) else {
                return XCTFail("a cancellation refused two writes")
            }
            // A cancellation that came after its call returned is forgotten by the caller.
            _ = machine.cancel(call: 6)
            machine.forget(call: 6)
            guard case .write = machine.sendCommand(call: 6, replies: replies[2...2], coalescingFlush: false) else {
                return XCTFail("a forgotten cancellation refused a write")
            }
        }
        XCTAssertEqual(answered, [.error("cancelled"), .unanswered, .unanswered])
        XCTAssertEqual(machine.pendingCount, 2)
    }

    func testAnErrorReplyMidPipelineGoesToItsOwnCommandOnly() async {
        var machine = active()
        let answered = await answers(to: [("GET", 1), ("INCR", 1), ("GET", 1)]) { replies in
            _ = machine.sendCommand(call: 1, replies: replies, coalescingFlush: false)
            deliver(machine.receivedReply(), "$1\r\na\r\n", expectingCall: 1)
            deliver(machine.receivedReply(), "-ERR value is not an integer\r\n", expectingCall: 1)
            deliver(machine.receivedReply(), "$1\r\nc\r\n", expectingCall: 1)
        }
        XCTAssertEqual(answered, [.value("a"), .value("ERR value is not an integer"), .value("c")])
        guard case .active = machine.state else { return XCTFail("an error reply closed the connection: \(machine.state)") }
    }

    func testTheChannelClosingFailsEveryPendingCommandWithConnectionClosed() async {
        var machine = active()
        let answered = await answers(to: [("GET", 1), ("GET", 2), ("GET", 3)]) { replies in
            _ = machine.sendCommand(call: 1, replies: replies[0...0], coalescingFlush: false)
            _ = machine.sendCommand(call: 2, replies: replies[1...1], coalescingFlush: false)
            let shutdown = machine.channelInactive()
            XCTAssertEqual(shutdown.pending.map(\.call), [1, 2])
            XCTAssertNil(shutdown.context, "the channel is closed already")
            perform(shutdown)
            guard case .fail(let error) = machine.sendCommand(call: 3, replies: replies[2...2], coalescingFlush: false) else {
                return XCTFail("a command was written on a closed connection")
            }
            replies[2].fail(error)
            guard case .ignore = machine.receivedReply() else { return XCTFail("a reply after the close was not ignored") }
        }
        XCTAssertEqual(answered, [.error("connectionClosed"), .error("connectionClosed"), .error("connectionClosed")])
        XCTAssertEqual(machine.pendingCount, 0)
    }

    func testTheDeadlineFailsLateCommandsWithCommandTimeoutTheOthersWithConnectionClosedAndCloses() async {
        var machine = active()
        let later = Self.soon + .seconds(3)
        let answered = await answers(to: [("GET", 1), ("BLPOP", 2), ("GET", 3)], deadlines: [Self.soon, later, Self.soon]) { replies in
            _ = machine.sendCommand(call: 1, replies: replies[0...0], coalescingFlush: false)
            _ = machine.sendCommand(call: 2, replies: replies[1...1], coalescingFlush: false)
            guard case .timeOut(let expired, let shutdown) = machine.deadlineFired(now: Self.soon) else {
                return XCTFail("a command past its deadline did not time out")
            }
            XCTAssertEqual(expired.map(\.call), [1])
            for reply in expired { reply.fail(.commandTimeout(command: reply.name, reply.timeout)) }
            XCTAssertEqual(shutdown.pending.map(\.call), [2])
            XCTAssertEqual(shutdown.context, "context", "the handler closes the channel")
            perform(shutdown)
            guard case .closing = machine.state else { return XCTFail("expected closing, found \(machine.state)") }
            guard case .fail(let error) = machine.sendCommand(call: 3, replies: replies[2...2], coalescingFlush: false) else {
                return XCTFail("a command was written on a closing connection")
            }
            replies[2].fail(error)
            guard case .ignore = machine.receivedReply() else { return XCTFail("a late reply was not ignored") }
            guard case .doNothing = machine.deadlineFired(now: later) else { return XCTFail("the timer acted after the close") }
            XCTAssertTrue(machine.channelInactive().pending.isEmpty)
            guard case .closed = machine.state else { return XCTFail("expected closed, found \(machine.state)") }
        }
        XCTAssertEqual(answered, [.error("commandTimeout(GET)"), .error("connectionClosed"), .error("connectionClosed")])
    }

    func testTheTimerWatchesTheEarliestDeadlineAndRearmsForTheNextOne() async {
        var machine = active()
        let early = Self.soon - .seconds(2)
        let late = Self.soon + .seconds(5)
        _ = await answers(to: [("GET", 1), ("GET", 2), ("GET", 3)], deadlines: [Self.soon, early, late]) { replies in
            var armed: [NIODeadline?] = []
            for index in replies.indices {
                guard case .write(_, _, let deadline) = machine.sendCommand(call: replies[index].call, replies: replies[index...index], coalescingFlush: false) else {
                    return XCTFail("a command was not written")
                }
                armed.append(deadline)
            }
            XCTAssertEqual(armed, [Self.soon, early, nil], "the timer is armed again only for an earlier deadline")
            deliver(machine.receivedReply(), "+OK\r\n", expectingCall: 1)
            deliver(machine.receivedReply(), "+OK\r\n", expectingCall: 2)
            guard case .armTimer(let context, let next) = machine.deadlineFired(now: early) else {
                return XCTFail("the timer was not armed for the command still waiting")
            }
            XCTAssertEqual(context, "context")
            XCTAssertEqual(next, late)
            deliver(machine.receivedReply(), "+OK\r\n", expectingCall: 3)
            guard case .doNothing = machine.deadlineFired(now: late) else { return XCTFail("the timer acted on an empty queue") }
        }
        guard case .active = machine.state else { return XCTFail("expected active, found \(machine.state)") }
    }

    func testAReplyWithNoCommandClosesAndLaterRepliesAreIgnored() async {
        var machine = active()
        guard case .shutDown(let shutdown) = machine.receivedReply() else { return XCTFail("an unsolicited reply was accepted") }
        XCTAssertEqual(errorKind(of: shutdown.error), "connectionClosed")
        XCTAssertEqual(shutdown.context, "context")
        XCTAssertTrue(shutdown.pending.isEmpty)
        guard case .ignore = machine.receivedReply() else { return XCTFail("a reply after the close was not ignored") }
        XCTAssertNil(machine.errorCaught(.connectionClosed(Self.endpoint)), "a connection closing is not closed twice")
    }

    func testAnErrorCaughtFailsEveryCommandWithItAndStaysTheErrorAfterTheClose() async {
        var machine = active()
        let refusal = RedisError.connectFailed(Self.endpoint, reason: "reset by peer")
        let answered = await answers(to: [("GET", 1), ("GET", 2)]) { replies in
            _ = machine.sendCommand(call: 1, replies: replies[0...0], coalescingFlush: false)
            guard let shutdown = machine.errorCaught(refusal) else { return XCTFail("an active connection did not shut down") }
            XCTAssertEqual(shutdown.context, "context")
            perform(shutdown)
            perform(machine.channelInactive())
            guard case .fail(let error) = machine.sendCommand(call: 2, replies: replies[1...1], coalescingFlush: false) else {
                return XCTFail("a command was written on a closed connection")
            }
            replies[1].fail(error)
        }
        XCTAssertEqual(answered, [.error("connectFailed"), .error("connectFailed")])
    }

    // MARK: Helpers

    /// What a caller was answered.
    private enum Answer: Equatable {
        case value(String)
        case error(String)
        case unanswered
    }

    /// A machine whose handler joined a pipeline; its context is a plain string.
    private func active() -> Machine {
        var machine = Machine(endpoint: Self.endpoint)
        machine.handlerAdded(context: "context")
        return machine
    }

    /// Runs `body` with one reply per command (its name and call), whose callers are the slots
    /// of one pipeline, then returns what each caller was answered. A slot `body` leaves
    /// unanswered is filled afterwards, so the test never waits.
    private func answers(
        to commands: [(name: String, call: UInt64)], deadlines: [NIODeadline]? = nil, _ body: ([PendingReply]) -> Void
    ) async -> [Answer] {
        let unanswered = RedisError.invalidConfiguration("never answered")
        let results = await withUnsafeContinuation { continuation in
            let slots = PipelineReplies(count: commands.count, continuation: continuation)
            let replies = commands.enumerated().map { index, command in
                PendingReply(
                    sink: .batch(slots, index: index), call: command.call, name: command.name,
                    deadline: deadlines?[index] ?? Self.soon, timeout: .seconds(5))
            }
            body(replies)
            for index in commands.indices { slots.fill(index, with: .failure(unanswered)) }
        }
        return results.map { result in
            switch result {
            case .success(let token): .value(replyText(of: token))
            case .failure(let error): errorKind(of: error) == "never answered" ? .unanswered : .error(errorKind(of: error))
            }
        }
    }

    /// Performs a ``RedisChannelHandler/StateMachine/ReplyAction`` expected to answer `call`
    /// with `reply` (RESP bytes).
    private func deliver(_ action: Machine.ReplyAction, _ reply: String, expectingCall call: UInt64, line: UInt = #line) {
        guard case .succeed(let pending) = action else { return XCTFail("expected a reply for call \(call), got \(action)", line: line) }
        XCTAssertEqual(pending.call, call, line: line)
        pending.succeed(try! RESPToken(validating: ByteBuffer(string: reply)))
    }

    /// Performs a shutdown as the handler does (there is no channel to close here).
    private func perform(_ shutdown: Machine.Shutdown) {
        for reply in shutdown.pending { reply.fail(shutdown.error) }
    }
}

/// The text of a simple reply: a string's, or an error reply's message.
func replyText(of token: RESPToken) -> String {
    switch token.value {
    case .simpleError(let text), .bulkError(let text): String(buffer: text)
    default: (try? String(fromRESP: token)) ?? token.shortDescription
    }
}

/// The kind of `error` as the socket-free tests compare it: its code, and for a timeout its
/// command; an invalid configuration compares by its text.
func errorKind(of error: RedisError) -> String {
    switch error.code {
    case .commandTimeout: "commandTimeout(\(error.command ?? "?"))"
    case .invalidConfiguration: error.detail ?? error.description
    default: error.code.description
    }
}
