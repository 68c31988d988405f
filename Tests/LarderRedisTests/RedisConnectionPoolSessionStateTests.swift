import Foundation
import NIOCore
import LarderRESP
import LarderRedis
import RedisTestSupport
import XCTest

/// A leased connection goes back to the pool in the state it was handed out in: a transaction
/// left open, a `WATCH` left active or client state changed in a lease never reaches the next
/// caller (found in review: after a lease that sent `MULTI`, the next caller's `SET` answered
/// `QUEUED`, read as stored, and its `GET` returned the text `QUEUED`).
///
/// Every pool here has one connection, so the next lease gets the very connection the last one
/// left; `CLIENT ID` tells whether it was kept or replaced.
final class RedisConnectionPoolSessionStateTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    // MARK: Transactions and WATCH inside a lease

    func testATransactionLeftOpenInALeaseIsDiscardedBeforeTheNextCaller() async throws {
        let server = try await Self.redis.server()
        let pool = makePool(server)
        let key = RedisKey("multi-left-open-\(UUID())")
        let firstID = try await pool.withConnection { connection in
            let id = try await Self.clientID(of: connection)
            let multi = try await connection.send("MULTI")
            XCTAssertEqual(try String(fromRESP: multi), "OK")
            let queued = try await connection.send("SET", key, "queued-by-the-first-caller")
            XCTAssertEqual(try String(fromRESP: queued), "QUEUED")
            return id
        }

        try await assertNextCallerStoresForReal(pool, key: key)
        let nextID = try await pool.withConnection { try await Self.clientID(of: $0) }
        XCTAssertEqual(nextID, firstID, "DISCARD is enough: the connection is kept, not replaced")
        await pool.close()
    }

    func testATransactionLeftOpenByALeaseThatThrewIsDiscardedToo() async throws {
        let server = try await Self.redis.server()
        let pool = makePool(server)
        let key = RedisKey("multi-then-throw-\(UUID())")
        struct Interrupted: Error {}
        do {
            try await pool.withConnection { connection in
                // The words in an array: the same command to the server, and to the pool.
                _ = try await connection.send(["multi"])
                _ = try await connection.send("SET", key, "queued-then-abandoned")
                throw Interrupted()
            }
            XCTFail("the body's error was swallowed")
        } catch is Interrupted {}
        try await assertNextCallerStoresForReal(pool, key: key)
        await pool.close()
    }

    func testAWatchLeftActiveInALeaseIsClearedBeforeTheNextCaller() async throws {
        let server = try await Self.redis.server()
        let pool = makePool(server)
        let watched = RedisKey("watch-left-active-\(UUID())")
        _ = try await pool.withConnection { try await $0.send("WATCH", watched) }
        // Someone else changes the watched key: a WATCH still active would abort the next EXEC.
        try await RedisConnection.withConnection(configuration: server.configuration()) { other in
            _ = try await other.send(SET(watched, "changed-by-someone-else"))
        }

        let key = RedisKey("watch-next-\(UUID())")
        let exec = try await pool.withConnection { connection in
            _ = try await connection.send("MULTI")
            _ = try await connection.send("SET", key, "committed")
            return try await connection.send("EXEC")
        }
        XCTAssertFalse(exec.isNull, "the next caller's EXEC was aborted by the WATCH a previous lease left active")
        let value = try await pool.send(GET(key))
        XCTAssertEqual(value.map { String(buffer: $0) }, "committed")
        await pool.close()
    }

    func testAWatchOutlivesADiscardWithoutMultiAndIsClearedBeforeTheNextCaller() async throws {
        try await assertWatchIsClearedAfterABare("DISCARD")
    }

    func testAWatchOutlivesAnExecWithoutMultiAndIsClearedBeforeTheNextCaller() async throws {
        try await assertWatchIsClearedAfterABare("EXEC")
    }

    /// `WATCH`, then `ending` with no transaction open: Redis answers `ERR ... without MULTI`
    /// and keeps the watch (found in review: the pool took the watch for ended and sent no
    /// `UNWATCH`, so the next caller's transaction was aborted).
    private func assertWatchIsClearedAfterABare(_ ending: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        let server = try await Self.redis.server()
        let pool = makePool(server)
        let watched = RedisKey("watch-then-bare-\(ending)-\(UUID())")
        try await pool.withConnection { connection in
            _ = try await connection.send("WATCH", watched)
            do {
                _ = try await connection.send(ending)
                XCTFail("\(ending) without MULTI succeeded", file: file, line: line)
            } catch {
                guard let redisError = error as? RedisError, redisError.code == .server, let reply = redisError.serverError, reply.description.contains("without MULTI") else {
                    return XCTFail("expected ERR \(ending) without MULTI, got \(error)", file: file, line: line)
                }
            }
        }
        try await RedisConnection.withConnection(configuration: server.configuration()) { other in
            _ = try await other.send(SET(watched, "changed-by-someone-else"))
        }

        let key = RedisKey("watch-then-bare-next-\(UUID())")
        let exec = try await pool.withConnection { connection in
            _ = try await connection.send("MULTI")
            _ = try await connection.send("SET", key, "committed")
            return try await connection.send("EXEC")
        }
        XCTAssertFalse(exec.isNull, "the next caller's EXEC was aborted by the WATCH a bare \(ending) left active", file: file, line: line)
        let value = try await pool.send(GET(key))
        XCTAssertEqual(value.map { String(buffer: $0) }, "committed", file: file, line: line)
        await pool.close()
    }

    func testACompleteTransactionInALeaseKeepsTheConnection() async throws {
        let server = try await Self.redis.server()
        let pool = makePool(server)
        let key = RedisKey("complete-transaction-\(UUID())")
        let firstID = try await pool.withConnection { connection in
            _ = try await connection.send("WATCH", key)
            _ = try await connection.send("MULTI")
            _ = try await connection.send("SET", key, "in-a-transaction")
            let exec = try await connection.send("EXEC")
            XCTAssertFalse(exec.isNull)
            return try await Self.clientID(of: connection)
        }
        let (nextID, state) = try await pool.withConnection { connection in
            (try await Self.clientID(of: connection), try await Self.clientInfo(of: connection))
        }
        XCTAssertEqual(nextID, firstID)
        XCTAssertTrue(state.contains("multi=-1"), state)
        let value = try await pool.send(GET(key))
        XCTAssertEqual(value.map { String(buffer: $0) }, "in-a-transaction")
        await pool.close()
    }

    // MARK: Client state that cannot be undone cheaply

    func testAConnectionWhoseClientStateALeaseChangedIsReplaced() async throws {
        let server = try await Self.redis.server()
        let pool = makePool(server)
        let name = try XCTUnwrap(pool.configuration.clientName)
        let firstID = try await pool.withConnection { connection in
            _ = try await connection.send("CLIENT", "SETNAME", "renamed-by-a-lease")
            _ = try await connection.send("CLIENT", "NO-EVICT", "on")
            return try await Self.clientID(of: connection)
        }
        let (nextID, state) = try await pool.withConnection { connection in
            (try await Self.clientID(of: connection), try await Self.clientInfo(of: connection))
        }
        XCTAssertNotEqual(nextID, firstID, "the renamed connection was handed to the next caller")
        XCTAssertTrue(state.contains("name=\(name) "), state)
        XCTAssertEqual(pool.statistics.idle, 1)
        await pool.close()
    }

    // MARK: SELECT

    func testSelectInALeaseNeverReachesTheNextCaller() async throws {
        let server = try await Self.redis.server()
        let pool = makePool(server, database: 2)
        /// A command of the caller's own, its name in lower case.
        struct LowerCaseSelect: RedisCommand {
            static var name: RedisCommandName { "select" }
            func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(Self.name, 5) }
        }
        let attempts: [@Sendable (RedisConnection) async throws -> Void] = [
            { _ = try await $0.send("SELECT", 5) },
            { _ = try await $0.send(SELECT(database: 5)) },
            { _ = try await $0.send(LowerCaseSelect()) },
            { _ = try await $0.send(["SELECT", "5"]) },
            { connection in
                _ = try await connection.send("MULTI")
                _ = try await connection.send("select", "5")
                _ = try await connection.send("EXEC")
            },
        ]
        for (index, attempt) in attempts.enumerated() {
            do {
                try await pool.withConnection(attempt)
            } catch let error as RedisError where error.code == .selectOnPooledConnection {
                // Refused before it was sent: nothing to undo.
            }
            let info = try await pool.withConnection { try await Self.clientInfo(of: $0) }
            XCTAssertTrue(info.contains(" db=2 "), "attempt \(index) left the next caller in another database: \(info)")
        }
        let key = RedisKey("select-next-\(UUID())")
        _ = try await pool.send(SET(key, "in-db-2"))
        let inDB2 = try await RedisConnection.withConnection(configuration: server.configuration(database: 2)) {
            try await $0.send(GET(key))
        }
        XCTAssertEqual(inDB2.map { String(buffer: $0) }, "in-db-2")
        await pool.close()
    }

    // MARK: One-off sends without a lease

    func testTransactionCommandsSentThroughThePoolWithoutALeaseAreRefused() async throws {
        let server = try await Self.redis.server()
        let pool = makePool(server)
        let key = RedisKey("one-off-\(UUID())")
        let commands: [any WordsCommand] = [
            Words<MULTI>(["MULTI"]), Words<LowerCaseMulti>(["multi"]), Words<WATCH>(["WATCH", key.description]), Words<EXEC>(["EXEC"]),
            Words<DISCARD>(["DISCARD"]), Words<UNWATCH>(["UNWATCH"]), Words<CLIENTTRACKING>(["CLIENT", "TRACKING", "on"]),
        ]
        for command in commands {
            do {
                let reply = try await pool.send(command)
                XCTFail("\(command.words) went through the pool on its own: \(reply)")
            } catch {
                guard error.code == .requiresLease, let refused = error.command else { return XCTFail("\(command.words): unexpected \(error)") }
                XCTAssertEqual(refused, type(of: command).name.description.uppercased())
                XCTAssertTrue(error.description.contains("withConnection"), error.description)
            }
        }
        let pipelined = await pool.execute([Words<MULTI>(["MULTI"]), Words<MULTI>(["MULTI"])])
        for result in pipelined {
            guard case .failure(let resultError) = result, resultError.code == .requiresLease else { return XCTFail("a pipeline holding MULTI gave \(pipelined)") }
        }
        let (pong, multi) = await pool.execute(PING(), Words<MULTI>(["MULTI"]))
        guard case .failure(let pongError) = pong, pongError.code == .requiresLease, case .failure(let multiError) = multi, multiError.code == .requiresLease else {
            return XCTFail("a mixed pipeline holding MULTI gave \(pong), \(multi)")
        }

        try await assertNextCallerStoresForReal(pool, key: key)
        await pool.close()
    }

    func testAMultiplexerRefusesTransactionsItsConcurrentCallersWouldShare() async throws {
        let server = try await Self.redis.server()
        let multiplexer = RedisMultiplexer(configuration: server.configuration(), connections: 1)
        let commands: [any WordsCommand] = [Words<MULTI>(["MULTI"]), Words<WATCH>(["WATCH", "some-key"]), Words<CLIENTSETNAME>(["CLIENT", "SETNAME", "mine"])]
        for command in commands {
            do {
                let reply = try await multiplexer.send(command)
                XCTFail("\(command.words) went through the multiplexer: \(reply)")
            } catch {
                guard error.code == .requiresLease else { return XCTFail("\(command.words): unexpected \(error)") }
            }
        }
        let key = RedisKey("multiplexed-\(UUID())")
        let stored = try await multiplexer.send(SET(key, "stored"))
        XCTAssertTrue(stored.stored)
        let value = try await multiplexer.send(GET(key))
        XCTAssertEqual(value.map { String(buffer: $0) }, "stored")
        await multiplexer.close()
    }

    // MARK: Helpers

    /// A command given as its words, as a caller may declare one of their own, named as `Name` says.
    private struct Words<Name: DeclaredName>: WordsCommand {
        static var name: RedisCommandName { Name.name }
        var words: [String]
        init(_ words: [String]) { self.words = words }
        func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeCommand(words) }
    }
    private protocol WordsCommand: RedisCommand { var words: [String] { get } }
    /// A name for ``Words``.
    private protocol DeclaredName { static var name: RedisCommandName { get } }
    private enum MULTI: DeclaredName { static var name: RedisCommandName { "MULTI" } }
    private enum LowerCaseMulti: DeclaredName { static var name: RedisCommandName { "multi" } }
    private enum WATCH: DeclaredName { static var name: RedisCommandName { "WATCH" } }
    private enum EXEC: DeclaredName { static var name: RedisCommandName { "EXEC" } }
    private enum DISCARD: DeclaredName { static var name: RedisCommandName { "DISCARD" } }
    private enum UNWATCH: DeclaredName { static var name: RedisCommandName { "UNWATCH" } }
    private enum CLIENTTRACKING: DeclaredName { static var name: RedisCommandName { RedisCommandName("CLIENT", subcommand: "TRACKING") } }
    private enum CLIENTSETNAME: DeclaredName { static var name: RedisCommandName { RedisCommandName("CLIENT", subcommand: "SETNAME") } }

    /// The next caller's `SET` stores its value for real (the server says so, not only the
    /// pool), and its `GET` returns that value.
    private func assertNextCallerStoresForReal(
        _ pool: RedisConnectionPool, key: RedisKey, file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let stored = try await pool.send(SET(key, "stored-by-the-next-caller"))
        XCTAssertTrue(stored.stored, file: file, line: line)
        let value = try await pool.send(GET(key))
        XCTAssertEqual(value.map { String(buffer: $0) }, "stored-by-the-next-caller", file: file, line: line)
        let seenByAnother = try await RedisConnection.withConnection(configuration: pool.configuration) { try await $0.send(GET(key)) }
        XCTAssertEqual(seenByAnother.map { String(buffer: $0) }, "stored-by-the-next-caller", file: file, line: line)
    }

    /// A one-connection pool whose connections carry a name of their own.
    private func makePool(_ server: PrivateRedisServer, database: Int = 0) -> RedisConnectionPool {
        var configuration = server.configuration(database: database)
        configuration.clientName = "session-test-\(UUID().uuidString.prefix(8))"
        return RedisConnectionPool(
            configuration: configuration, poolConfiguration: RedisConnectionPoolConfiguration(maximumConnections: 1))
    }

    private static func clientID(of connection: RedisConnection) async throws -> Int {
        try Int(fromRESP: try await connection.send("CLIENT", "ID"))
    }

    /// `CLIENT INFO`: the connection as the server sees it (`db=`, `multi=`, `name=`).
    private static func clientInfo(of connection: RedisConnection) async throws -> String {
        try String(fromRESP: try await connection.send("CLIENT", "INFO")) + " "
    }
}
