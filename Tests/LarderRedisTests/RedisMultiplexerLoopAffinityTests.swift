import NIOCore
import NIOPosix
import RedisTestSupport
@testable import LarderRedis
import XCTest

/// A multiplexer over a group of several event loops opens each connection on a loop of its
/// own, and a caller running on one of those loops is given an open connection of that loop:
/// its commands and replies stay on its thread. A caller whose loop has no open connection
/// takes the connections in turn rather than waiting for its own.
final class RedisMultiplexerLoopAffinityTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    /// A group of `threads` loops, shut down when the test ends, however it ends.
    func loops(_ threads: Int) -> (MultiThreadedEventLoopGroup, [any EventLoop]) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        addTeardownBlock { try await group.shutdownGracefully() }
        return (group, Array(group.makeIterator()))
    }

    /// What `body` returns, run `times` times concurrently as tasks on `loop`.
    func onLoop<T: Sendable>(_ loop: any EventLoop, times: Int, _ body: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
        let executor = EventLoopTaskExecutor(loop)
        return try await withThrowingTaskGroup(of: T.self) { tasks in
            for index in 0..<times { tasks.addTask(executorPreference: executor) { try await body(index) } }
            var results: [T] = []
            for try await result in tasks { results.append(result) }
            return results
        }
    }

    func testACallerOnALoopUsesTheConnectionOfThatLoop() async throws {
        let server = try await Self.redis.server()
        let (group, loops) = loops(2)
        let redis = RedisMultiplexer(configuration: server.configuration(), eventLoopGroup: group)
        // Callers off the loops (this test's task) take the connections in turn: both open.
        let first = try await redis.connection()
        let second = try await redis.connection()
        XCTAssertFalse(first === second, "two connections, taken in turn")
        XCTAssertEqual(Set([ObjectIdentifier(first.eventLoop), ObjectIdentifier(second.eventLoop)]), Set(loops.map { ObjectIdentifier($0) }),
                       "one connection on each loop of the group")
        for loop in loops {
            let seen = try await onLoop(loop, times: 20) { caller in
                let key = RedisKey("affinity:\(caller)")
                _ = try await redis.send(SET(key, "\(caller)", expiration: .seconds(30)))
                let value = try await redis.send(GET(key)).map { String(buffer: $0) }
                let connection = try await redis.connection()
                return (ObjectIdentifier(connection.eventLoop), redis.openConnection().map { ObjectIdentifier($0.eventLoop) }, value)
            }
            XCTAssertEqual(seen.count, 20)
            for (index, (connectionLoop, openLoop, value)) in seen.enumerated() {
                XCTAssertEqual(connectionLoop, ObjectIdentifier(loop), "caller \(index) on \(loop) was given another loop's connection")
                XCTAssertEqual(openLoop, ObjectIdentifier(loop), "caller \(index): openConnection() gave another loop's connection")
                XCTAssertNotNil(value)
            }
        }
        await redis.close()
    }

    func testACallerWhoseLoopHasNoOpenConnectionTakesTheNextInTurn() async throws {
        let server = try await Self.redis.server()
        let (group, loops) = loops(2)
        let redis = RedisMultiplexer(configuration: server.configuration(), eventLoopGroup: group)
        // Nothing is open: a caller on the second loop is given the first slot in turn (on the
        // first loop), opened for it, rather than waiting for a connection of its own loop.
        let given = try await onLoop(loops[1], times: 1) { _ in ObjectIdentifier(try await redis.connection().eventLoop) }
        XCTAssertEqual(given, [ObjectIdentifier(loops[0])])
        await redis.close()
    }

    func testWithMoreConnectionsThanLoopsACallerUsesEveryConnectionOfItsLoop() async throws {
        let server = try await Self.redis.server()
        let (group, loops) = loops(2)
        let redis = RedisMultiplexer(configuration: server.configuration(), connections: 4, eventLoopGroup: group)
        await redis.openConnections()
        // One caller on the first loop, one call after another: the loop's two connections in turn.
        let seen = try await onLoop(loops[0], times: 1) { _ in
            var seen: [ObjectIdentifier] = []
            for _ in 0..<4 {
                let connection = try await redis.connection()
                XCTAssertTrue(connection.eventLoop === loops[0], "a connection of another loop")
                seen.append(ObjectIdentifier(connection))
            }
            return Set(seen).count
        }
        XCTAssertEqual(seen, [2], "the first loop has two connections; its caller used \(seen) of them")
        await redis.close()
    }
}
