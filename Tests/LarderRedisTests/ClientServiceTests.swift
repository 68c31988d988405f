import Foundation
import LarderRESP
import LarderRedis
import Logging
import RedisTestSupport
import ServiceLifecycle
import XCTest

/// The pool and the multiplexer as services: `run()` owns their connections' lifetime, a
/// service group's graceful shutdown closes them, and `withPool`/`withMultiplexer` give a
/// script the same scope.
final class ClientServiceTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    /// Something `body` threw on purpose.
    struct Planned: Error {}

    func testWithPoolClosesThePoolWhenItsBodyReturnsAndWhenItThrows() async throws {
        let server = try await Self.redis.server()
        let configuration = named(server)
        let pool = try await RedisConnectionPool.withPool(configuration: configuration) { pool in
            _ = try await pool.send(PING())
            return pool
        }
        try await assertClosed(await pool.send(PING()), "a pool after withPool returned")
        try await waitUntilClients(named: configuration, on: server, are: 0)

        var kept: RedisConnectionPool?
        do {
            try await RedisConnectionPool.withPool(configuration: configuration) { pool in
                kept = pool
                _ = try await pool.send(PING())
                throw Planned()
            }
            XCTFail("withPool swallowed the body's error")
        } catch is Planned {}
        try await assertClosed(try await XCTUnwrap(kept).send(PING()), "a pool after withPool threw")
        try await waitUntilClients(named: configuration, on: server, are: 0)
    }

    func testAMultiplexerThatRunsOpensEveryConnectionAtStartAndClosesThemWhenItStops() async throws {
        let server = try await Self.redis.server()
        let configuration = named(server)
        let multiplexer = try await RedisMultiplexer.withMultiplexer(configuration: configuration, connections: 3) { redis in
            // No command sent: run() opened them.
            try await waitUntilClients(named: configuration, on: server, are: 3)
            return redis
        }
        try await assertClosed(await multiplexer.send(PING()), "a multiplexer after withMultiplexer returned")
        try await waitUntilClients(named: configuration, on: server, are: 0)
    }

    func testAServiceGroupsGracefulShutdownClosesThePoolAndTheMultiplexer() async throws {
        let server = try await Self.redis.server()
        let configuration = named(server)
        let pool = RedisConnectionPool(
            configuration: configuration, poolConfiguration: RedisConnectionPoolConfiguration(minimumConnections: 1))
        let multiplexer = RedisMultiplexer(configuration: configuration, connections: 1)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: pool), .init(service: multiplexer)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // The pool's minimum and the multiplexer's connection, opened by their run().
            try await waitUntilClients(named: configuration, on: server, are: 2)
            let echo = try await pool.send(PING(message: "pool"))
            XCTAssertEqual(echo, "pool")
            let other = try await multiplexer.send(PING(message: "multiplexer"))
            XCTAssertEqual(other, "multiplexer")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await assertClosed(await pool.send(PING()), "a pool after its group shut down")
        try await assertClosed(await multiplexer.send(PING()), "a multiplexer after its group shut down")
        try await waitUntilClients(named: configuration, on: server, are: 0)
    }

    // MARK: Helpers

    /// The server's configuration with a client name of this test's own, to count its connections.
    private func named(_ server: PrivateRedisServer) -> RedisConfiguration {
        var configuration = server.configuration()
        configuration.clientName = "service-test-\(UUID().uuidString.prefix(8))"
        return configuration
    }

    /// `call` fails with `poolClosed`.
    private func assertClosed(
        _ call: @autoclosure () async throws -> String, _ what: String, file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        do {
            let reply = try await call()
            XCTFail("\(what) still answered: \(reply)", file: file, line: line)
        } catch let error as RedisError {
            XCTAssertEqual("\(error)", "\(RedisError.poolClosed)", "\(what)", file: file, line: line)
        }
    }

    /// Asks the server until it lists `count` connections named as `configuration` names
    /// them; fails after 5 s.
    private func waitUntilClients(
        named configuration: RedisConfiguration, on server: PrivateRedisServer, are count: Int,
        file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let name = try XCTUnwrap(configuration.clientName)
        try await RedisConnection.withConnection(configuration: server.configuration()) { observer in
            let seen = await waitUntil(limit: .seconds(5), interval: .milliseconds(5)) { () async -> Int? in
                guard let list = try? String(fromRESP: try await observer.send("CLIENT", "LIST")) else { return nil }
                let named = list.split(whereSeparator: \.isNewline).filter { $0.split(separator: " ").contains("name=\(name)") }.count
                return named == count ? named : nil
            }
            XCTAssertEqual(seen, count, "the server never listed \(count) connections named \(name)", file: file, line: line)
        }
    }
}
