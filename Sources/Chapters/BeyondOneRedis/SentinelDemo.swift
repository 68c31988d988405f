import Foundation
import LarderCache
import LarderRedis
import LarderSessions
import LarderWebCache
import Logging
import RedisTestSupport
import Synchronization
import WebTestSupport

/// Chapter 08's Sentinel section, live: a private primary, replica and three sentinels; the
/// chapter 03 site (fail-open page cache) and a Redis session store on a
/// ``RedisSentinelClient``; load on both; the primary killed with SIGKILL; and what the site
/// saw, in milliseconds.
public enum SentinelDemo {
    /// What a failover looked like from the application.
    public struct Report: Sendable {
        /// The sentinels' `down-after-milliseconds`: the least a failover can take.
        public var downAfter: Duration
        /// Kill → the client received `+switch-master`.
        public var killToSwitchMaster: Duration?
        /// Kill → the first session write that succeeded on the new primary.
        public var killToFirstWrite: Duration?
        /// Page requests answered 200 from the kill until writes were back.
        public var pagesServed = 0
        /// Page requests that failed (not 200, or no answer) in that window.
        public var pagesFailed = 0
        /// Page requests answered 200 over the whole run.
        public var pagesServedInAll = 0
        /// Session writes that failed in the window (the store answers 503 for them).
        public var sessionWritesFailed = 0
        /// Writes the primary acknowledged before the kill without `WAIT`.
        public var unwaitedAcknowledged = 0
        /// How many of those the new primary does not have.
        public var unwaitedLost = 0
        /// Writes acknowledged by `WAIT 1` before the kill.
        public var waitedAcknowledged = 0
        /// How many of those the new primary does not have.
        public var waitedLost = 0
        /// Sessions saved (each acknowledged by `WAIT 1`) before the kill.
        public var sessionsSavedBeforeKill = 0
        /// How many of those the store cannot load after the failover.
        public var sessionsLost = 0
        /// Sessions the `cache` engine saved (each acknowledged by `WAIT 1`) before the kill.
        public var cacheSessionsSavedBeforeKill = 0
        /// How many of those it cannot load after the failover.
        public var cacheSessionsLost = 0
        /// The client's events, with the time since the kill (negative before it).
        public var events: [(since: Duration, event: String)] = []
    }

    /// Runs the failover and returns the lines a reader sees.
    public static func run(progress: (String) -> Void = { _ in }) async throws -> [String] {
        let report = try await measureFailover(progress: progress)
        return lines(report)
    }

    /// The report as the chapter prints it.
    public static func lines(_ report: Report) -> [String] {
        func ms(_ duration: Duration?) -> String {
            guard let duration else { return "never" }
            return "\(Int((Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15).rounded())) ms"
        }
        var lines = ["Sentinel failover (down-after-milliseconds \(ms(report.downAfter))):"]
        // A discovery that fails every rediscovery interval through the window is one line.
        var index = report.events.startIndex
        while index < report.events.endIndex {
            let (since, event) = report.events[index]
            var last = index
            while last + 1 < report.events.endIndex, report.events[last + 1].event == event { last += 1 }
            let repeated = last > index ? " (×\(last - index + 1), until \(ms(report.events[last].since)))" : ""
            lines.append("  \(ms(since).padding(toLength: 9, withPad: " ", startingAt: 0)) \(event)\(repeated)")
            index = last + 1
        }
        lines += [
            "kill → +switch-master: \(ms(report.killToSwitchMaster))",
            "kill → first session write on the new primary: \(ms(report.killToFirstWrite))",
            "pages during the window: \(report.pagesServed) served (200), \(report.pagesFailed) failed; \(report.pagesServedInAll) served in all",
            "session writes failed during the window: \(report.sessionWritesFailed) (answered 503, the user retries)",
            "writes acknowledged without WAIT before the kill: \(report.unwaitedAcknowledged), lost: \(report.unwaitedLost)",
            "writes acknowledged by WAIT 1 before the kill: \(report.waitedAcknowledged), lost: \(report.waitedLost)",
            "sessions saved (WAIT 1) before the kill: \(report.sessionsSavedBeforeKill), missing after the failover: \(report.sessionsLost)",
            "cache-engine sessions saved (WAIT 1) before the kill: \(report.cacheSessionsSavedBeforeKill), missing after the failover: \(report.cacheSessionsLost)",
            "after the failover the new primary has no replica: WAIT 1 answers 0 until one is back (logged, not failed)",
        ]
        return lines
    }

    /// What the load tasks share: when the primary was killed, what each saw.
    final class Shared: Sendable {
        let events = Mutex<[(at: ContinuousClock.Instant, event: RedisSentinelEvent)]>([])
        let killedAt = Mutex<ContinuousClock.Instant?>(nil)
        let writesBack = Mutex<ContinuousClock.Instant?>(nil)
        let finished = Atomic<Bool>(false)
        let pages = Mutex<(window: (served: Int, failed: Int), all: Int)>(((0, 0), 0))
        let sessionFailures = Atomic<Int>(0)
        let sessionsBeforeKill = Mutex<[(key: String, number: Int)]>([])
        let cacheSessionsBeforeKill = Mutex<[(key: String, number: Int)]>([])
        let unwaited = Mutex<[String]>([])
        let waited = Mutex<[String]>([])
    }

    /// Starts the group and the site, loads them, kills the primary, and measures.
    public static func measureFailover(progress: (String) -> Void = { _ in }) async throws -> Report {
        let group = try await PrivateSentinelGroup.start()
        defer { group.stop() }
        progress("group up: primary 127.0.0.1:\(group.primary.tcpPort), replica 127.0.0.1:\(group.replica.tcpPort), "
            + "sentinels \(group.sentinels.map { String($0.port) }.joined(separator: ", "))")
        var data = PrivateSentinelGroup.dataConfiguration()
        data.commandTimeout = .milliseconds(250)
        data.connectTimeout = .milliseconds(250)
        let configuration = RedisSentinelConfiguration(sentinels: group.sentinelEndpoints, primaryName: group.primaryName, data: data)
        var logger = Logger(label: "sentinel-demo")
        logger.logLevel = .critical
        let newPrimary = RedisEndpoint.tcp(host: "127.0.0.1", port: group.replica.tcpPort)
        let shared = Shared()

        return try await RedisSentinelClient.withSentinelClient(configuration: configuration, onEvent: { event in
            shared.events.withLock { $0.append((.now, event)) }
        }) { redis in
            var cacheConfiguration = CacheConfiguration()
            cacheConfiguration.failureMode = .failOpen
            cacheConfiguration.logger = logger
            let cache = RedisCache(client: redis, configuration: cacheConfiguration)
            let site = try await RunningSite.start(
                CacheBackendSite.router(pageCache: CacheBackendSite.pageCache(over: cache), cache: cache), port: 0, logger: logger)
            // Two stores on the same keys: before the kill each save must be acknowledged by the
            // replica (.fail); after it there is no replica left (the old primary is dead, the
            // replica was promoted), so WAIT 1 can only answer 0, and a store that failed on that
            // would answer 503 until a replica is back: the one after the kill logs it (.log).
            func store(_ shortfall: SessionReplication.Shortfall) throws -> RedisSessionStore {
                RedisSessionStore(
                    client: redis, configuration: try RedisSessionConfiguration(socketPath: "/unused", prefix: "demo:"),
                    signer: try SessionSigner(secret: "sentinel-demo-secret"),
                    replication: SessionReplication(replicas: 1, timeout: .milliseconds(50), shortfall: shortfall), logger: logger)
            }
            let acknowledgedStore = try store(.fail)
            let loggingStore = try store(.log)
            // The same with the `cache` engine, on a fail-closed cache of its own (a session
            // store must not read "nothing there" while Redis is away).
            var sessionCacheConfiguration = CacheConfiguration(keyPrefix: "demo-sessions")
            sessionCacheConfiguration.logger = logger
            let sessionCache = RedisCache(client: redis, configuration: sessionCacheConfiguration)
            func cacheStore(_ shortfall: SessionReplication.Shortfall) throws -> CacheSessionStore {
                try CacheSessionStore(
                    cache: sessionCache, replication: SessionReplication(replicas: 1, timeout: .milliseconds(50), shortfall: shortfall), logger: logger)
            }
            let acknowledgedCacheStore = try cacheStore(.fail)
            let loggingCacheStore = try cacheStore(.log)
            let http = LoopbackHTTPClient(port: site.port)
            _ = await waitUntil(limit: .seconds(5)) {
                shared.events.withLock { $0.contains { if case .subscribed = $0.event { true } else { false } } } ? true : nil
            }
            var report = Report(downAfter: group.downAfter)

            try await withThrowingTaskGroup(of: Void.self) { tasks in
                // Pages: the cached home page, as fast as one client can.
                tasks.addTask {
                    while !shared.finished.load(ordering: .relaxed) {
                        let ok = (try? await http.get("/"))?.status == 200
                        let inWindow = shared.killedAt.withLock { $0 != nil } && shared.writesBack.withLock { $0 == nil }
                        shared.pages.withLock { counts in
                            if ok { counts.all += 1 }
                            if inWindow { if ok { counts.window.served += 1 } else { counts.window.failed += 1 } }
                        }
                    }
                }
                // Session writes, each acknowledged by the replica (WAIT 1).
                tasks.addTask {
                    var number = 0
                    while !shared.finished.load(ordering: .relaxed) {
                        number += 1
                        do {
                            let before = shared.killedAt.withLock { $0 == nil }
                            _ = try await (before ? acknowledgedStore : loggingStore).create(
                                key: "s\(number)", data: DjangoSessionData(["n": .int(number)]), age: 600)
                            if before, shared.killedAt.withLock({ $0 == nil }) { shared.sessionsBeforeKill.withLock { $0.append(("s\(number)", number)) } }
                            if let kill = shared.killedAt.withLock({ $0 }), redis.primary == newPrimary {
                                shared.writesBack.withLock { back in if back == nil, ContinuousClock.now > kill { back = .now } }
                            }
                        } catch {
                            if shared.killedAt.withLock({ $0 != nil }) { shared.sessionFailures.add(1, ordering: .relaxed) }
                            try? await Task.sleep(for: .milliseconds(5))
                        }
                    }
                }
                // The cache engine's session writes, each acknowledged by the replica before the kill.
                tasks.addTask {
                    var number = 0
                    while !shared.finished.load(ordering: .relaxed) {
                        number += 1
                        let before = shared.killedAt.withLock { $0 == nil }
                        do {
                            _ = try await (before ? acknowledgedCacheStore : loggingCacheStore).create(
                                key: "c\(number)", data: DjangoSessionData(["n": .int(number)]), age: 600)
                            if before, shared.killedAt.withLock({ $0 == nil }) { shared.cacheSessionsBeforeKill.withLock { $0.append(("c\(number)", number)) } }
                        } catch {
                            try? await Task.sleep(for: .milliseconds(5))
                        }
                    }
                }
                // Plain writes without WAIT, and writes with WAIT, until the kill: what each loses.
                tasks.addTask {
                    var number = 0
                    while shared.killedAt.withLock({ $0 == nil }) {
                        number += 1
                        let key = "demo:unwaited:\(number)"
                        if (try? await redis.send(SET(RedisKey(key), "\(number)"))) != nil, shared.killedAt.withLock({ $0 == nil }) {
                            shared.unwaited.withLock { $0.append(key) }
                        }
                    }
                }
                tasks.addTask {
                    var number = 0
                    while shared.killedAt.withLock({ $0 == nil }) {
                        number += 1
                        let key = "demo:waited:\(number)"
                        let (set, wait) = await redis.execute(SET(RedisKey(key), "\(number)"), WAIT(replicas: 1, timeout: .milliseconds(100)))
                        if (try? set.get()) != nil, ((try? wait.get()) ?? 0) >= 1, shared.killedAt.withLock({ $0 == nil }) {
                            shared.waited.withLock { $0.append(key) }
                        }
                    }
                }
                // A second of load on the healthy group, then the kill.
                try await Task.sleep(for: .seconds(1))
                progress("SIGKILL the primary (pid \(group.primary.pid.map(String.init) ?? "?"))")
                shared.killedAt.withLock { $0 = .now }
                group.primary.kill()
                // Until session writes are back on the new primary (20 s at most), then one more second of load.
                _ = await waitUntil(limit: .seconds(20), interval: .milliseconds(10)) { shared.writesBack.withLock { $0 } }
                try await Task.sleep(for: .seconds(1))
                shared.finished.store(true, ordering: .relaxed)
                try await tasks.waitForAll()
                report.pagesServed = shared.pages.withLock { $0.window.served }
                report.pagesFailed = shared.pages.withLock { $0.window.failed }
                report.pagesServedInAll = shared.pages.withLock { $0.all }
                report.sessionWritesFailed = shared.sessionFailures.load(ordering: .relaxed)
            }
            await site.stop()
            let kill = shared.killedAt.withLock { $0 } ?? .now
            report.killToFirstWrite = shared.writesBack.withLock { $0 }.map { $0 - kill }
            report.killToSwitchMaster = shared.events.withLock { $0.first { if case .switchMaster = $0.event { true } else { false } }?.at }.map { $0 - kill }
            report.events = shared.events.withLock { $0.map { ($0.at - kill, "\($0.event)") } }
            // What the new primary has of what the old one acknowledged.
            func lost(_ keys: [String]) async -> Int {
                guard !keys.isEmpty else { return 0 }
                let found = await redis.execute(keys.map { EXISTS([RedisKey($0)]) })
                return found.filter { ((try? $0.get()) ?? 0) == 0 }.count
            }
            let unwaitedKeys = shared.unwaited.withLock { $0 }
            let waitedKeys = shared.waited.withLock { $0 }
            report.unwaitedAcknowledged = unwaitedKeys.count
            report.unwaitedLost = await lost(unwaitedKeys)
            report.waitedAcknowledged = waitedKeys.count
            report.waitedLost = await lost(waitedKeys)
            let sessions = shared.sessionsBeforeKill.withLock { $0 }
            report.sessionsSavedBeforeKill = sessions.count
            for (key, number) in sessions {
                let loaded = try? await loggingStore.load(key: key)
                if loaded != DjangoSessionData(["n": .int(number)]) { report.sessionsLost += 1 }
            }
            let cacheSessions = shared.cacheSessionsBeforeKill.withLock { $0 }
            report.cacheSessionsSavedBeforeKill = cacheSessions.count
            for (key, number) in cacheSessions {
                let loaded = try? await loggingCacheStore.load(key: key)
                if loaded != DjangoSessionData(["n": .int(number)]) { report.cacheSessionsLost += 1 }
            }
            return report
        }
    }
}
