import Foundation
import NIOCore
import LarderRESP
import LarderRedis
import RedisTestSupport
import Synchronization
import XCTest

/// The primary killed with SIGKILL while the client works: the sentinels promote the replica,
/// and the client follows it without a restart. Each test starts its own group (a failover
/// leaves it changed for good).
final class SentinelFailoverTests: XCTestCase {
    /// What the client reported, with when.
    final class Timeline: Sendable {
        let events = Mutex<[(at: ContinuousClock.Instant, event: RedisSentinelEvent)]>([])
        func record(_ event: RedisSentinelEvent) { events.withLock { $0.append((.now, event)) } }
        func first(_ matching: (RedisSentinelEvent) -> Bool) -> ContinuousClock.Instant? {
            events.withLock { $0.first { matching($0.event) }?.at }
        }
        var all: [String] { events.withLock { $0.map { "\($0.event)" } } }
    }

    /// When the primary was killed, once it was.
    final class KillTime: Sendable {
        let at = Mutex<ContinuousClock.Instant?>(nil)
    }

    func configuration(_ group: PrivateSentinelGroup) -> RedisSentinelConfiguration {
        var data = PrivateSentinelGroup.dataConfiguration()
        data.commandTimeout = .milliseconds(500)
        data.connectTimeout = .milliseconds(300)
        return RedisSentinelConfiguration(sentinels: group.sentinelEndpoints, primaryName: group.primaryName, data: data)
    }

    func testPrimaryKilledUnderLoadTheClientFollowsTheNewPrimaryWithoutRestart() async throws {
        let group = try await PrivateSentinelGroup.start()
        defer { group.stop() }
        let timeline = Timeline()
        let oldPrimary = RedisEndpoint.tcp(host: "127.0.0.1", port: group.primary.tcpPort)
        let newPrimary = RedisEndpoint.tcp(host: "127.0.0.1", port: group.replica.tcpPort)
        try await RedisSentinelClient.withSentinelClient(configuration: configuration(group), onEvent: timeline.record) { redis in
            let subscribed = await waitUntil(limit: .seconds(5)) { timeline.first { if case .subscribed = $0 { true } else { false } } }
            XCTAssertNotNil(subscribed, "never subscribed to +switch-master: \(timeline.all)")
            let killedAt = KillTime()
            let outcome = try await withThrowingTaskGroup(of: LoadOutcome.self) { tasks in
                // Four writers: SET then GET of their own counter, as fast as they can.
                for writer in 0..<4 {
                    tasks.addTask { try await Self.load(redis, writer: writer, killedAt: killedAt, newPrimary: newPrimary) }
                }
                // Let the load run on the old primary first.
                _ = await waitUntil(limit: .seconds(5)) { try? await redis.send(GET("sentinel:load:0")) ?? nil }
                killedAt.at.withLock { $0 = .now }
                group.primary.kill()
                var merged = LoadOutcome()
                for try await one in tasks { merged.merge(one) }
                return merged
            }
            let kill = try XCTUnwrap(killedAt.at.withLock { $0 })
            let switched = timeline.first { if case .switchMaster(_, let from, let to) = $0 { from == oldPrimary && to == newPrimary } else { false } }
            XCTAssertNotNil(switched, "+switch-master from \(oldPrimary) to \(newPrimary) not seen: \(timeline.all)")
            XCTAssertEqual(redis.primary, newPrimary)
            let resumed = try XCTUnwrap(outcome.firstSuccessAfterKill, "writes never resumed: \(outcome) \(timeline.all)")
            let window = resumed - kill
            print("failover: kill → +switch-master \(switched.map { "\($0 - kill)" } ?? "-"), kill → first write on the new primary \(window); "
                + "\(outcome.successes) commands succeeded, \(outcome.failures) failed, errors \(outcome.errorCodes.sorted())")
            XCTAssertLessThan(window, .seconds(15), "the client took too long to follow the failover")
            XCTAssertGreaterThan(outcome.successesAfterKill, 0)
            XCTAssertEqual(outcome.wrongAnswers, [], "a GET answered something its own SET did not write")
            // The writes after the failover are on the new primary itself.
            let value = try await RedisConnection.withConnection(configuration: group.replica.configuration()) { direct in
                try await direct.send(GET("sentinel:load:0"))
            }
            XCTAssertNotNil(value)
            let role = try await RedisConnection.withConnection(configuration: group.replica.configuration()) { direct in
                try await direct.send(ROLE())
            }
            guard case .primary = role else { return XCTFail("the replica was not promoted: \(role)") }
        }
    }

    func testWritesAcknowledgedByWaitSurviveTheFailover() async throws {
        let group = try await PrivateSentinelGroup.start()
        defer { group.stop() }
        let timeline = Timeline()
        try await RedisSentinelClient.withSentinelClient(configuration: configuration(group), onEvent: timeline.record) { redis in
            var acknowledged: [String] = []
            for index in 0..<50 {
                let key = "sentinel:waited:\(index)"
                let (set, wait) = await redis.execute(SET(RedisKey(key), "v\(index)"), WAIT(replicas: 1, timeout: .seconds(1)))
                _ = try set.get()
                if try wait.get() >= 1 { acknowledged.append(key) }
            }
            XCTAssertEqual(acknowledged.count, 50, "the replica acknowledged every write")
            group.primary.kill()
            let back = await waitUntil(limit: .seconds(20), interval: .milliseconds(20)) { () -> Bool? in
                (try? await redis.send(SET("sentinel:after", "1"))) != nil ? true : nil
            }
            XCTAssertEqual(back, true, "no write succeeded after the failover: \(timeline.all)")
            let found = await redis.execute(acknowledged.map { GET(RedisKey($0)) })
            let missing = zip(acknowledged, found).filter { (try? $0.1.get()) == nil }.map(\.0)
            XCTAssertEqual(missing, [], "writes acknowledged by WAIT lost in the failover")
        }
    }

    func testAFailoverTheClientDidNotHearOfIsFoundByItsNextCalls() async throws {
        let group = try await PrivateSentinelGroup.start()
        defer { group.stop() }
        let timeline = Timeline()
        // No run(): no subscription, so only what its own calls meet can tell the client.
        let redis = RedisSentinelClient(configuration: configuration(group), onEvent: timeline.record)
        _ = try await redis.send(SET("sentinel:planned", "before"))
        XCTAssertEqual(redis.primary, .tcp(host: "127.0.0.1", port: group.primary.tcpPort))
        // A planned failover: the old primary stays up, demoted to a replica (its clients are
        // disconnected, and a write reaching it now answers READONLY).
        try await group.askSentinel { sentinel in _ = try await sentinel.send("SENTINEL", "FAILOVER", group.primaryName) }
        let written = await waitUntil(limit: .seconds(20), interval: .milliseconds(20)) { () -> Bool? in
            (try? await redis.send(SET("sentinel:planned", "after"))) != nil && redis.primary?.description == "127.0.0.1:\(group.replica.tcpPort)" ? true : nil
        }
        XCTAssertEqual(written, true, "\(timeline.all)")
        XCTAssertEqual(redis.primary, .tcp(host: "127.0.0.1", port: group.replica.tcpPort))
        let lost = timeline.all.filter { $0.hasPrefix("primary 127.0.0.1:\(group.primary.tcpPort) lost") }
        XCTAssertFalse(lost.isEmpty, "the client never saw its primary go: \(timeline.all)")
        print("planned failover, as the client saw it: \(timeline.all)")
        // The old primary, alive, is a replica now: a write sent to it straight is refused.
        do {
            try await RedisConnection.withConnection(configuration: group.primary.configuration()) { old in
                _ = try await old.send(SET("sentinel:planned", "to the old primary"))
            }
            XCTFail("the demoted primary accepted a write")
        } catch let error as RedisError {
            XCTAssertEqual(error.serverError?.kind, .readOnly, "\(error)")
        }
        await redis.close()
    }

    // MARK: Load

    struct LoadOutcome: Sendable, CustomStringConvertible {
        var successes = 0
        var failures = 0
        var successesAfterKill = 0
        var firstSuccessAfterKill: ContinuousClock.Instant?
        var errorCodes = Set<String>()
        var wrongAnswers: [String] = []

        mutating func merge(_ other: LoadOutcome) {
            successes += other.successes
            failures += other.failures
            successesAfterKill += other.successesAfterKill
            if let theirs = other.firstSuccessAfterKill { firstSuccessAfterKill = min(firstSuccessAfterKill ?? theirs, theirs) }
            errorCodes.formUnion(other.errorCodes)
            wrongAnswers += other.wrongAnswers
        }

        var description: String { "\(successes) ok, \(failures) failed (\(errorCodes.sorted()))" }
    }

    /// SET then GET of the writer's own key until 200 round trips succeeded on `newPrimary`
    /// after the kill (or 25 s passed).
    static func load(
        _ redis: RedisSentinelClient, writer: Int, killedAt: KillTime, newPrimary: RedisEndpoint
    ) async throws -> LoadOutcome {
        var outcome = LoadOutcome()
        let deadline = ContinuousClock.now + .seconds(25)
        var counter = 0
        while ContinuousClock.now < deadline, outcome.successesAfterKill < 200 {
            counter += 1
            let key = RedisKey("sentinel:load:\(writer)")
            let value = "\(writer)-\(counter)"
            do {
                _ = try await redis.send(SET(key, value))
                let read = try await redis.send(GET(key))
                outcome.successes += 1
                if read.map({ String(buffer: $0) }) != value { outcome.wrongAnswers.append("\(value) read as \(String(describing: read))") }
                if let kill = killedAt.at.withLock({ $0 }), redis.primary == newPrimary {
                    let now = ContinuousClock.now
                    if now > kill {
                        outcome.successesAfterKill += 1
                        if outcome.firstSuccessAfterKill == nil { outcome.firstSuccessAfterKill = now }
                    }
                }
            } catch {
                outcome.failures += 1
                outcome.errorCodes.insert("\(error.code)")
                // Fail-open callers move on; a tight loop here would only spin.
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        return outcome
    }
}
