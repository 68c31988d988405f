import Foundation
import LarderCache
import LarderRedis
import NIOCore
import RedisTestSupport
import Synchronization

/// Chapter 08's Redis Cluster section, live: a private 6-node cluster (3 primaries, a replica
/// each) on loopback ports, the slots and hash tags, the cache spread over the nodes, and a
/// slot resharded while traffic runs, the client's redirects counted.
public enum ClusterDemo {
    /// Runs the demo and returns the lines a reader sees (each also passed to `print` as it
    /// comes). Starts and stops its own cluster; touches no other Redis.
    ///
    /// - Throws: when `redis-server` or `redis-cli` is missing, or the cluster does not form.
    public static func run(print: @escaping @Sendable (String) -> Void = { Swift.print($0) }) async throws -> [String] {
        let transcript = Transcript(print: print)
        let say = transcript.say
        let started = ContinuousClock.now
        let cluster = try await PrivateRedisCluster.start()
        defer { cluster.stop() }
        say("cluster of \(cluster.nodes.count) nodes ready in \(milliseconds(started.duration(to: .now))) ms: \(cluster.url)")
        for shard in try await cluster.topology().shards where !shard.slots.isEmpty {
            let slots = shard.slots.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
            let replicas = shard.replicas.map { String($0.port) }.joined(separator: ",")
            say("  primary \(shard.primary?.port ?? 0) serves slots \(slots), replica \(replicas)")
        }

        try await RedisClusterClient.withClient(configuration: cluster.configuration()) { client in
            // Slots and hash tags: the client's CRC16 beside the server's own answer.
            for key in [":1:my_key", ":1:other_key", "{user:42}:cart", "{user:42}:profile"] {
                let server = try await client.send(CLUSTER.KEYSLOT(RedisKey(key)))
                say("CLUSTER KEYSLOT \(key) → \(server) (the client computed \(RedisClusterSlot(key: key).value))")
            }
            // The cache on the cluster: a key prefix where one server had DB 1.
            let cache = RedisCache(client: client, configuration: CacheConfiguration(keyPrefix: "shop"))
            let values = Dictionary(uniqueKeysWithValues: (1...6).map { ("product-\($0)", $0 * 100) })
            _ = try await cache.setMany(values)
            let found = try await cache.getMany(values.keys.sorted(), as: Int.self)
            say("setMany/getMany of \(values.count) keys over \(Set(values.keys.map { RedisClusterSlot(key: "shop:1:\($0)").value }).count) slots: \(found.count) found, in order")
            // In the order of the keys each holds, not of the nodes' ports (picked anew each
            // run), so that runs print their lines in one order (chapter 08's measured block).
            var holdings: [(node: RedisEndpoint, keys: [String])] = []
            for node in try await client.primaries() {
                holdings.append((node.endpoint, try await node.scanEveryPrimary(match: "shop:1:*").map(\.description).sorted()))
            }
            for (node, keys) in holdings.sorted(by: { $0.keys.lexicographicallyPrecedes($1.keys) }) {
                say("  \(node) holds \(keys.joined(separator: " "))")
            }
            do throws(RedisError) {
                _ = try await client.send(EVAL<Int, String>("return #KEYS", keys: ["shop:1:product-1", "shop:1:product-2"], arguments: []))
            } catch {
                say("EVAL over two slots: \(error.code): \(error)")
            }

            // A live resharding: one slot moved while readers and writers run.
            let keys = (0..<40).map { RedisKey("{hot}:item-\($0)") }
            let slot = RedisClusterSlot(key: keys[0]).value
            for key in keys { _ = try await client.send(SET(key, "0")) }
            let before = client.statistics
            let traffic = Traffic()
            let migration = try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var round = 0
                        while !traffic.stop.load(ordering: .relaxed) {
                            round += 1
                            for key in keys.enumerated().filter({ $0.offset % 4 == worker }).map(\.element) {
                                do {
                                    _ = try await client.send(SET(key, "\(round)"))
                                    let read = try await client.send(GET(key)).map { String(buffer: $0) }
                                    if read != "\(round)" { traffic.wrong.add(1, ordering: .relaxed) }
                                    traffic.served.add(1, ordering: .relaxed)
                                } catch {
                                    traffic.failed.add(1, ordering: .relaxed)
                                }
                            }
                        }
                    }
                }
                let migration = try await cluster.migrate(slot: slot, batch: 5) { _ in
                    let target = traffic.served.load(ordering: .relaxed) + 20
                    _ = await waitUntil(limit: .seconds(5), interval: .milliseconds(1)) { traffic.served.load(ordering: .relaxed) >= target ? true : nil }
                }
                let target = traffic.served.load(ordering: .relaxed) + 100
                _ = await waitUntil(limit: .seconds(5), interval: .milliseconds(1)) { traffic.served.load(ordering: .relaxed) >= target ? true : nil }
                traffic.stop.store(true, ordering: .relaxed)
                try await group.waitForAll()
                return migration
            }
            let after = client.statistics
            say("resharded slot \(slot) from \(migration.from) to \(migration.to) (\(migration.keysMoved) keys MIGRATEd) under traffic:")
            say("  \(traffic.served.load(ordering: .relaxed)) set+get served, \(traffic.wrong.load(ordering: .relaxed)) wrong answers, \(traffic.failed.load(ordering: .relaxed)) errors")
            say("  redirects followed: \(after.ask - before.ask) ASK, \(after.moved - before.moved) MOVED, \(after.tryAgain - before.tryAgain) TRYAGAIN; slot table refreshed \(after.refreshes - before.refreshes) times")
            try await cache.clear()
            let left = try await client.scanEveryPrimary(match: "shop:*").count
            say("cache.clear(): SCAN MATCH shop:* + UNLINK on every primary → \(left) shop keys left, the {hot} keys untouched (\(try await client.send(EXISTS(keys))))")
        }
        return transcript.lines.withLock { $0 }
    }

    /// The lines said so far, each also printed as it comes.
    private final class Transcript: Sendable {
        let lines = Mutex<[String]>([])
        let print: @Sendable (String) -> Void
        init(print: @escaping @Sendable (String) -> Void) { self.print = print }
        @Sendable func say(_ line: String) {
            lines.withLock { $0.append(line) }
            print(line)
        }
    }

    /// What the demo's traffic saw, shared by its tasks.
    private final class Traffic: Sendable {
        let served = Atomic<Int>(0)
        let wrong = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
