import NIOCore
import NIOPosix
import RedisTestSupport
@testable import LarderRedis
import XCTest

/// A multiplexer over a group of several event loops opens each connection on a loop of its
/// own, and a caller running on one of those loops is given that loop's connection: its
/// commands and replies stay on its thread.
final class RedisMultiplexerLoopAffinityTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func testACallerOnALoopUsesTheConnectionOfThatLoop() async throws {
        let server = try await Self.redis.server()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loops = Array(group.makeIterator())
        let redis = RedisMultiplexer(configuration: server.configuration(), eventLoopGroup: group)
        // Callers off the loops (this test's task) take the connections in turn: both open.
        let first = try await redis.connection()
        let second = try await redis.connection()
        XCTAssertFalse(first === second, "two connections, taken in turn")
        XCTAssertEqual(Set([ObjectIdentifier(first.eventLoop), ObjectIdentifier(second.eventLoop)]), Set(loops.map { ObjectIdentifier($0) }),
                       "one connection on each loop of the group")
        for loop in loops {
            let executor = EventLoopTaskExecutor(loop)
            let seen = try await withThrowingTaskGroup(of: (ObjectIdentifier, ObjectIdentifier?, String?).self) { tasks in
                for caller in 0..<20 {
                    tasks.addTask(executorPreference: executor) {
                        let key = RedisKey("affinity:\(caller)")
                        _ = try await redis.send(SET(key, "\(caller)", expiration: .seconds(30)))
                        let value = try await redis.send(GET(key)).map { String(buffer: $0) }
                        let connection = try await redis.connection()
                        return (ObjectIdentifier(connection.eventLoop), redis.openConnection().map { ObjectIdentifier($0.eventLoop) }, value)
                    }
                }
                var seen: [(ObjectIdentifier, ObjectIdentifier?, String?)] = []
                for try await result in tasks { seen.append(result) }
                return seen
            }
            XCTAssertEqual(seen.count, 20)
            for (index, (connectionLoop, openLoop, value)) in seen.enumerated() {
                XCTAssertEqual(connectionLoop, ObjectIdentifier(loop), "caller \(index) on \(loop) was given another loop's connection")
                XCTAssertEqual(openLoop, ObjectIdentifier(loop), "caller \(index): openConnection() gave another loop's connection")
                XCTAssertNotNil(value)
            }
        }
        await redis.close()
        try await group.shutdownGracefully()
    }
}
