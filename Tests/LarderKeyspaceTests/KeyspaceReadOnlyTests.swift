import LarderRESP
import LarderRedis
import LarderKeyspace
import RedisTestSupport
import XCTest

/// The inspector never writes: after everything it does on a seeded private server,
/// `INFO commandstats` lists only commands that Redis itself does not flag as writes.
final class KeyspaceReadOnlyTests: XCTestCase {
    func testEveryCommandTheInspectorSendsIsARead() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        try await ChapterKeys.seed(server)
        let admin = try await RedisConnection.connect(configuration: server.configuration())
        defer { Task { await admin.close() } }
        _ = try await admin.send("CONFIG", "RESETSTAT")  // forget the seeding's writes

        let inspector = KeyspaceInspector(configuration: server.configuration())
        _ = try await inspector.overview()
        for database in [0, 1] {
            _ = try await inspector.report(database: database)
            _ = try await inspector.page(database: database, match: "*", count: 5)
            _ = try await inspector.keys(database: database)
        }
        _ = try await inspector.describe([RedisKey(ChapterKeys.scriptKey), "list:recent", "user:1", "gone"], database: 1)

        let info = try await admin.send(INFO(["commandstats"]))
        // cmdstat_object|encoding:calls=3,... → "object|encoding"
        let used = info["commandstats"].compactMap { name, value -> (String, Int)? in
            guard name.hasPrefix("cmdstat_"), let calls = value.split(separator: ",").first?.split(separator: "=").last.flatMap({ Int($0) }) else { return nil }
            return (String(name.dropFirst("cmdstat_".count)), calls)
        }
        let names = Set(used.filter { $0.1 > 0 }.map(\.0)).subtracting(["info", "config|resetstat"])
        XCTAssertTrue(names.isSuperset(of: ["scan", "type", "pttl", "object|encoding", "memory|usage", "getrange", "strlen", "keys"]), "\(names.sorted())")
        let setFlags = try await Self.flags(of: "set", on: admin)
        XCTAssertTrue(setFlags.contains("write"), "the check itself must see a write: SET's flags are \(setFlags)")
        var writes: [String] = []
        for name in names.sorted() {
            let flags = try await Self.flags(of: name, on: admin)
            if flags.contains("write") { writes.append(name) }
        }
        XCTAssertEqual(writes, [], "the inspector sent write commands; all it sent: \(names.sorted())")
        let size1 = try await RedisConnection.withConnection(configuration: server.configuration(database: 1)) { try await $0.send(DBSIZE()) }
        XCTAssertEqual(size1, ChapterKeys.cacheDatabase.count + 2, "no key added or removed")
    }

    /// `COMMAND INFO name`'s flags (`readonly`, `write`, `fast`...); `name` may be `object|encoding`.
    static func flags(of name: String, on redis: RedisConnection) async throws -> [String] {
        let reply = try await redis.send("COMMAND", "INFO", name)
        guard case .array(let commands) = reply.value, let command = commands.first(where: { _ in true }),
            case .array(let fields) = command.value
        else { throw RESPConversionError(expected: "COMMAND INFO's array", token: reply) }
        let parts = Array(fields)
        guard parts.count > 2, case .set(let flags) = parts[2].value else {
            guard parts.count > 2, case .array(let flags) = parts[2].value else { throw RESPConversionError(expected: "flags", token: command) }
            return try flags.map { try String(fromRESP: $0) }
        }
        return try flags.map { try String(fromRESP: $0) }
    }
}
