import Foundation
import NIOCore
import LarderRESP
import RedisTestSupport
import LarderRedis
import XCTest

/// Every command the library declares, checked against the server's own command table: its
/// keys against `COMMAND GETKEYS`, its `readonly` and `blocking` flags against `COMMAND INFO`.
/// A declaration that drifts from Redis (a key forgotten, a write declared read-only) would
/// misroute a cluster client or let a write through the read-only inspector.
final class RedisCommandTableTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    /// One sample of every command type the library declares, with the options that add
    /// arguments set. The one list: a command type declared in the sources but missing here
    /// fails ``testEveryCommandTypeInTheSourcesHasASample()``.
    static let samples: [any RedisCommand] = [
        // Strings
        GET("k"), SET("k", "v", condition: .ifNotExists, expiration: .seconds(5)), MGET(["a", "b"]),
        MSET([(key: "a", value: "1"), (key: "b", value: "2")]), INCRBY("n", by: 2), DECRBY("n", by: 2), STRLEN("k"),
        GETRANGE("k", start: 0, end: 9),
        // Generic
        DEL(["a", "b"]), UNLINK(["a", "b"]), EXISTS(["a", "b"]), PEXPIRE("k", after: .seconds(1)), PERSIST("k"), PTTL("k"),
        SCAN(cursor: "0", match: "k*", count: 10, type: "string"), KEYS("k*"), TYPE("k"), OBJECT.ENCODING("k"),
        // Collections
        LLEN("l"), LRANGE("l", start: 0, stop: 9), HLEN("h"), HSCAN("h", cursor: "0", match: "f*", count: 5),
        SCARD("s"), SSCAN("s", cursor: "0", match: "m*", count: 5), ZCARD("z"), ZRANGE("z", start: 0, stop: 9, withScores: true),
        XLEN("x"), XRANGE("x", start: "-", end: "+", count: 5),
        // Scripting
        EVAL<RESPToken, String>("return 1", keys: ["a", "b"], arguments: ["x"]),
        // Server
        CONFIG.GET(["port", "bind"]), INFO(["server"]), MEMORY.USAGE("k"), DBSIZE(), FLUSHDB(),
        // Connection
        PING(message: "hi"), HELLO(protocolVersion: 3, username: "u", password: "p", clientName: "n"),
        AUTH(username: "u", password: "p"), SELECT(database: 1), CLIENT.SETNAME(clientName: "n"),
        // Replication
        ROLE(), WAIT(replicas: 1, timeout: .milliseconds(1500)),
        // Cluster
        ASKING(), CLUSTER.SHARDS(), CLUSTER.KEYSLOT("k"),
    ]

    /// The commands only a sentinel knows, checked against a sentinel's own command table.
    static let sentinelSamples: [any RedisCommand] = [
        SENTINEL.GET_MASTER_ADDR_BY_NAME(primaryName: "mymaster"), SENTINEL.REPLICAS(primaryName: "mymaster"),
        SENTINEL.SENTINELS(primaryName: "mymaster"),
    ]

    func testEveryCommandTypeInTheSourcesHasASample() throws {
        let declared = try Self.commandTypesDeclaredInSources()
        let all = Self.samples + Self.sentinelSamples
        let sampled = Set(all.map { Self.typeName(type(of: $0)) })
        XCTAssertGreaterThanOrEqual(declared.count, 38, "the scan found too few command types to be reading the sources: \(declared.sorted())")
        XCTAssertEqual(sampled.count, all.count, "a command type is sampled twice")
        XCTAssertEqual(declared.subtracting(sampled).sorted(), [], "declared in the sources, missing from `samples`")
        XCTAssertEqual(sampled.subtracting(declared).sorted(), [], "in `samples`, not found by the scan of the sources")
    }

    func testEveryCommandEncodesItsNameAndDeclaresTheKeysTheServerFinds() async throws {
        let server = try await Self.redis.server()
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            for sample in Self.samples {
                try await Self.assertKeys(of: sample, on: redis)
            }
        }
    }

    func testEveryCommandDeclaresTheReadOnlyAndBlockingFlagsTheServerHas() async throws {
        let server = try await Self.redis.server()
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            for sample in Self.samples {
                try await Self.assertFlags(of: sample, on: redis)
            }
        }
    }

    func testSentinelCommandsDeclareTheKeysAndFlagsASentinelHas() async throws {
        // A sentinel monitoring a primary that need not exist: its command table is all we ask.
        let sentinel = try PrivateSentinel.start(directives: ["sentinel monitor mymaster 127.0.0.1 \(try LoopbackPort.unused()) 1"])
        defer { sentinel.stop() }
        let connected = await waitUntil(limit: .seconds(10)) { () -> Bool? in
            (try? await RedisConnection.withConnection(configuration: sentinel.configuration()) { try await $0.send(PING()) }) != nil ? true : nil
        }
        XCTAssertEqual(connected, true, "the sentinel never answered: \(sentinel.logTail())")
        try await RedisConnection.withConnection(configuration: sentinel.configuration()) { redis in
            for sample in Self.sentinelSamples {
                try await Self.assertKeys(of: sample, on: redis)
                try await Self.assertFlags(of: sample, on: redis)
            }
        }
    }

    // MARK: Checks

    /// The first words of `command` are its declared name, and its declared keys are those
    /// `COMMAND GETKEYS` finds in its words, in order (none when the server says it has none).
    private static func assertKeys<Command: RedisCommand>(of command: Command, on redis: RedisConnection) async throws {
        let words = encodedWords(command)
        let name = Command.name
        let nameWords = [name.command] + (name.subcommand.map { [$0] } ?? [])
        XCTAssertEqual(words.prefix(nameWords.count).map { String(buffer: $0) }, nameWords, "\(name) does not encode its name first")
        let declared = command.keysAffected.map(\.description)
        if words.count == nameWords.count {
            // `COMMAND GETKEYS` needs at least one argument: a command sent as its name alone
            // has keys only if the server's key specification says its first key is its name.
            let firstKey = try await serverFields(of: name, on: redis).dropFirst(3).first.flatMap { try? Int(fromRESP: $0) }
            XCTAssertEqual(firstKey, 0, "\(name): the server says a key follows its name, and it was sent with none")
            XCTAssertEqual(declared, [], "\(name): declares keys and sends no arguments")
            return
        }
        do {
            let reply = try await redis.send("COMMAND", "GETKEYS", words)
            let found = try [ByteBuffer](fromRESP: reply).map { String(buffer: $0) }
            XCTAssertEqual(declared, found, "\(name): declared keys differ from COMMAND GETKEYS")
        } catch {
            let text = String(describing: error)
            guard text.contains("no key arguments") else { return XCTFail("\(name): COMMAND GETKEYS failed: \(text)") }
            XCTAssertEqual(declared, [], "\(name): declares keys the server says it has none of")
        }
    }

    /// `COMMAND INFO` flags `command` `readonly` and `blocking` as it declares; a
    /// ``ReadOnlyCommand`` is never flagged `write`, and a command flagged `readonly` is one.
    private static func assertFlags<Command: RedisCommand>(of command: Command, on redis: RedisConnection) async throws {
        let name = Command.name
        let flags = try await serverFlags(of: name, on: redis)
        XCTAssertEqual(Command.isReadOnly, flags.contains("readonly"), "\(name): isReadOnly differs from its flags \(flags.sorted())")
        XCTAssertEqual(Command.isBlocking, flags.contains("blocking"), "\(name): isBlocking differs from its flags \(flags.sorted())")
        let changesNothing = command is any ReadOnlyCommand
        if changesNothing { XCTAssertFalse(flags.contains("write"), "\(name) is a ReadOnlyCommand, and the server flags it write") }
        if Command.isReadOnly { XCTAssertTrue(changesNothing, "\(name) is flagged readonly: declare it a ReadOnlyCommand") }
    }

    /// The flags of the command `name` in `COMMAND INFO`: a subcommand's from its container's
    /// entry (its subcommands, the 10th field, are named `container|subcommand`).
    private static func serverFlags(of name: RedisCommandName, on redis: RedisConnection) async throws -> Set<String> {
        let fields = try await serverFields(of: name, on: redis)
        return fields.count > 2 ? Set(elements(fields[2]).compactMap(text)) : []
    }

    /// The `COMMAND INFO` entry of the command `name` (name, arity, flags, first key, …): a
    /// subcommand's from its container's entry (its subcommands, the 10th field, are named
    /// `container|subcommand`).
    private static func serverFields(of name: RedisCommandName, on redis: RedisConnection) async throws -> [RESPToken] {
        let reply = try await redis.send("COMMAND", "INFO", name.command)
        guard let entry = elements(reply).first, !elements(entry).isEmpty else {
            XCTFail("the server does not know \(name.command)")
            return []
        }
        var fields = elements(entry)
        if let subcommand = name.subcommand {
            let wanted = "\(name.command)|\(subcommand)".lowercased()
            guard fields.count > 9, let sub = elements(fields[9]).first(where: { elements($0).first.flatMap(text) == wanted }) else {
                XCTFail("the server lists no subcommand \(wanted)")
                return []
            }
            fields = elements(sub)
        }
        return fields
    }

    // MARK: Helpers

    /// The words `command` encodes, as the server receives them.
    private static func encodedWords<Command: RedisCommand>(_ command: Command) -> [ByteBuffer] {
        var encoder = RESPCommandEncoder()
        command.encode(into: &encoder)
        var bytes = encoder.buffer
        var decoder = RESPDecoder()
        guard let frame = try? decoder.decode(buffer: &bytes) else {
            XCTFail("\(Command.name) encodes no RESP frame")
            return []
        }
        return (try? [ByteBuffer](fromRESP: frame)) ?? []
    }

    private static func elements(_ token: RESPToken) -> [RESPToken] {
        switch token.value {
        case .array(let items), .set(let items): Array(items)
        default: []
        }
    }

    private static func text(_ token: RESPToken) -> String? { try? String(fromRESP: token) }

    /// A command type as the sources spell it: `CONFIG.GET`, `SET` (no module, no generic arguments).
    static func typeName(_ type: Any.Type) -> String {
        let reflected = String(reflecting: type)
        let withoutGenerics = reflected.split(separator: "<", maxSplits: 1).first.map(String.init) ?? reflected
        return withoutGenerics.split(separator: ".").dropFirst().joined(separator: ".")
    }

    /// Every type the library's sources declare as `struct Name: RedisCommand` or
    /// `struct Name: ReadOnlyCommand` (with generic parameters or more conformances), named with
    /// its enclosing namespace (`public enum CONFIG {` above an indented `struct GET`).
    static func commandTypesDeclaredInSources() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sources = root.appendingPathComponent("Sources")
        let declaration = try NSRegularExpression(pattern: #"^( *)(?:public |package |internal )?struct (\w+)(?:<[^>]*>)?\s*:[^{]*\b(RedisCommand|ReadOnlyCommand)\b"#)
        let namespace = try NSRegularExpression(pattern: #"^(?:public |package |internal )?enum (\w+)\b"#)
        var names = Set<String>()
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" && file.path.contains("/Larder") {
            var enclosing: String?
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
                let range = NSRange(line.startIndex..., in: line)
                if let match = namespace.firstMatch(in: line, range: range), let name = Range(match.range(at: 1), in: line) {
                    enclosing = String(line[name])
                } else if let match = declaration.firstMatch(in: line, range: range),
                    let indent = Range(match.range(at: 1), in: line), let name = Range(match.range(at: 2), in: line)
                {
                    let nested = !line[indent].isEmpty
                    names.insert(nested ? "\(enclosing ?? "?").\(line[name])" : String(line[name]))
                }
            }
        }
        return names
    }
}
