import Foundation
import NIOCore
import LarderRESP
import LarderRedis
import RedisTestSupport
import XCTest

/// `RedisConnection.subscribe(to:)`: messages arrive as RESP3 push frames beside the replies,
/// which still go to their own commands; RESP2 is refused with a typed error.
final class RedisSubscribeTests: XCTestCase {
    static let redis = SuiteServer()
    override class func tearDown() { redis.stop() }

    func testMessagesPublishedAfterSubscribeReturnsArriveInOrderAndCommandsStillGetTheirReplies() async throws {
        let server = try await Self.redis.server()
        try await RedisConnection.withConnection(configuration: server.configuration()) { subscriber in
            let messages = try await subscriber.subscribe(to: ["news", "+switch-master"])
            try await RedisConnection.withConnection(configuration: server.configuration()) { publisher in
                let first = try await publisher.send("PUBLISH", "news", "one")
                XCTAssertEqual(try Int(fromRESP: first), 1, "the subscription was not live when subscribe returned")
                _ = try await publisher.send("PUBLISH", "elsewhere", "ignored")
                _ = try await publisher.send("PUBLISH", "+switch-master", "mymaster 127.0.0.1 1 127.0.0.1 2")
            }
            // A command on the subscribed connection: its reply is not taken for a message.
            let pong = try await subscriber.send(PING(message: "still answering"))
            XCTAssertEqual(pong, "still answering")
            var iterator = messages.makeAsyncIterator()
            let one = await iterator.next()
            let two = await iterator.next()
            XCTAssertEqual(one?.channel, "news")
            XCTAssertEqual(one.map { String(buffer: $0.payload) }, "one")
            XCTAssertEqual(two?.channel, "+switch-master")
            XCTAssertEqual(two.map { String(buffer: $0.payload) }, "mymaster 127.0.0.1 1 127.0.0.1 2")
        }
    }

    func testTheMessagesEndWhenTheConnectionCloses() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let subscriber = try await RedisConnection.connect(configuration: server.configuration())
        let messages = try await subscriber.subscribe(to: ["news"])
        server.kill()
        var iterator = messages.makeAsyncIterator()
        let next = await iterator.next()
        XCTAssertNil(next, "a killed server's subscription delivered \(String(describing: next))")
        await subscriber.close()
    }

    func testARESP2ConnectionRefusesToSubscribe() async throws {
        let server = try await Self.redis.server()
        var configuration = server.configuration()
        configuration.preferRESP3 = false
        try await RedisConnection.withConnection(configuration: configuration) { connection in
            do throws(RedisError) {
                _ = try await connection.subscribe(to: ["news"])
                XCTFail("subscribed over RESP2")
            } catch {
                XCTAssertEqual(error.code, .unsupportedCommand, "\(error)")
            }
            let pong = try await connection.send(PING())
            XCTAssertEqual(pong, "PONG")
        }
    }
}
