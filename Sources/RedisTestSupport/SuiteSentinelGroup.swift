import Foundation
import LarderRedis

/// One private Sentinel group shared by the tests of a suite: started by the first test that
/// asks, stopped by the suite's `class func tearDown()` (see ``SuiteServer``). For tests that
/// leave the group as they found it (no failover: a test that kills the primary starts its own).
public final class SuiteSentinelGroup: @unchecked Sendable {
    private let lock = NSLock()
    private var started: PrivateSentinelGroup?

    /// A suite group, started on first use with ``PrivateSentinelGroup/start(primaryName:downAfter:failoverTimeout:sentinelPassword:)``'s defaults.
    public init() {}

    /// The running group, started on first use.
    public func group() async throws -> PrivateSentinelGroup {
        if let running = lock.withLock({ started }) { return running }
        let group = try await PrivateSentinelGroup.start()
        return lock.withLock {
            if let running = started {
                group.stop()
                return running
            }
            started = group
            return group
        }
    }

    /// A Sentinel client configuration for the group: its sentinels and primary name, data
    /// nodes reached with short timeouts (a test waits seconds, not the defaults' minutes).
    public func clientConfiguration(_ group: PrivateSentinelGroup) -> RedisSentinelConfiguration {
        var data = PrivateSentinelGroup.dataConfiguration()
        data.commandTimeout = .milliseconds(500)
        data.connectTimeout = .milliseconds(300)
        return RedisSentinelConfiguration(sentinels: group.sentinelEndpoints, primaryName: group.primaryName, data: data)
    }

    /// Stops every process of the group.
    public func stop() {
        let group = lock.withLock {
            defer { started = nil }
            return started
        }
        group?.stop()
    }
}

extension PrivateSentinelGroup {
    /// Waits until the replica acknowledges the primary's writes (`WAIT 1` on the primary
    /// answers 1): after a test froze the replica with `SIGSTOP`, say, and the next test needs
    /// it in step again.
    ///
    /// - Throws: ``ReplicaNotInStep`` when it does not within `limit`.
    public func waitUntilReplicaInStep(limit: Duration = .seconds(10)) async throws {
        let inStep = try await RedisConnection.withConnection(configuration: primary.configuration()) { connection in
            await waitUntil(limit: limit) { (try? await connection.send(WAIT(replicas: 1, timeout: .milliseconds(200)))) == 1 ? true : nil }
        }
        if inStep == nil { throw ReplicaNotInStep(primary: primary.tcpPort, replica: replica.tcpPort, limit: limit) }
    }
}

/// The replica of a private group or cluster did not acknowledge its primary's writes in time.
public struct ReplicaNotInStep: Error, CustomStringConvertible {
    /// The primary's port.
    public var primary: Int
    /// The replica's port.
    public var replica: Int
    /// How long it was given.
    public var limit: Duration

    public var description: String {
        "the replica 127.0.0.1:\(replica) did not acknowledge the writes of its primary 127.0.0.1:\(primary) within \(limit) (WAIT 1 answered 0): is it still frozen, or its link down (INFO replication)?"
    }
}
