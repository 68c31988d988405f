import Foundation
import LarderRESP
import LarderRedis
import NIOCore
import XCTest

/// `RedisError` is a struct with a `code`: each code is its own, and the accessors return what
/// the error was made with (the texts themselves are checked where the errors happen for real).
final class RedisErrorCodeTests: XCTestCase {
    let unix = RedisEndpoint.unixSocket(path: "/tmp/code-tests.sock")
    let tcp = RedisEndpoint.tcp(host: "127.0.0.1", port: 6390)
    let you = UnixUser(name: "you", id: 4242, groupIDs: [4242])
    let wrongPass = RedisServerError(reply: "WRONGPASS invalid username-password pair or user is disabled.")
    let wrongType = RedisServerError(reply: "WRONGTYPE Operation against a key holding the wrong kind of value")
    let decodeError = RESPDecodeError.bulkTooLong(length: 11, limit: 10, offset: 0)

    func conversionError() throws -> RESPConversionError {
        RESPConversionError(expected: "an integer", token: try RESPToken(validating: ByteBuffer(string: "+OK\r\n")))
    }

    func everyError() throws -> [RedisError] {
        [
            .invalidConfiguration("no host"), .socketNotFound(path: "/tmp/none.sock"),
            .permissionDenied(path: "/tmp/closed.sock", status: nil, user: you), .connectionRefused(unix),
            .connectTimeout(tcp, .seconds(2)), .notARedisServer(tcp, detail: "HTTP answered"),
            .authenticationFailed(unix, wrongPass), .server(wrongType), .commandTimeout(command: "BLPOP", .seconds(1)),
            .unresponsive(tcp, command: "GET", .milliseconds(200)), .connectionClosed(unix), .protocolError(unix, decodeError),
            .unexpectedReply(command: "INCR", try conversionError()), .connectFailed(tcp, reason: "no route to host"),
            .poolExhausted(waited: .milliseconds(300), maximumConnections: 4), .poolClosed, .unsupportedCommand("MONITOR"),
            .cancelled, .selectOnPooledConnection, .requiresLease(command: "MULTI"),
        ]
    }

    func testEachCodeHasItsOwnNameAndEachErrorItsOwnText() throws {
        let errors = try everyError()
        XCTAssertEqual(Set(errors.map(\.code)).count, errors.count, "two errors share a code")
        XCTAssertEqual(
            errors.map(\.code.description),
            [
                "invalidConfiguration", "socketNotFound", "permissionDenied", "connectionRefused", "connectTimeout",
                "notARedisServer", "authenticationFailed", "server", "commandTimeout", "unresponsive", "connectionClosed",
                "protocolError", "unexpectedReply", "connectFailed", "poolExhausted", "poolClosed", "unsupportedCommand",
                "cancelled", "selectOnPooledConnection", "requiresLease",
            ])
        XCTAssertEqual(Set(errors.map(\.description)).count, errors.count, "two codes print the same text")
    }

    func testTheAccessorsReturnThePayloadAndNilForOtherCodes() throws {
        let errors = try everyError()
        XCTAssertEqual(errors.map(\.endpoint), [nil, nil, nil, unix, tcp, tcp, unix, nil, nil, tcp, unix, unix, nil, tcp, nil, nil, nil, nil, nil, nil])
        XCTAssertEqual(errors.map(\.path), [nil, "/tmp/none.sock", "/tmp/closed.sock"] + Array(repeating: nil, count: 17))
        XCTAssertEqual(errors.map(\.user), [nil, nil, you] + Array(repeating: nil, count: 17))
        XCTAssertEqual(errors.map(\.serverError), Array(repeating: nil, count: 6) + [wrongPass, wrongType] + Array(repeating: nil, count: 12))
        XCTAssertEqual(
            errors.map(\.command),
            Array(repeating: nil, count: 8) + ["BLPOP", "GET", nil, nil, "INCR", nil, nil, nil, "MONITOR", nil, nil, "MULTI"])
        XCTAssertEqual(
            errors.map(\.duration),
            [nil, nil, nil, nil, .seconds(2), nil, nil, nil, .seconds(1), .milliseconds(200), nil, nil, nil, nil, .milliseconds(300), nil, nil, nil, nil, nil])
        XCTAssertEqual(errors.map(\.decodeError), Array(repeating: nil, count: 11) + [decodeError] + Array(repeating: nil, count: 8))
        XCTAssertEqual(errors.map(\.conversionError), Array(repeating: nil, count: 12) + [try conversionError()] + Array(repeating: nil, count: 7))
        XCTAssertEqual(
            errors.map(\.detail),
            ["no host", nil, nil, nil, nil, "HTTP answered", nil, nil, nil, nil, nil, nil, nil, "no route to host", nil, nil, nil, nil, nil, nil])
        XCTAssertEqual(errors.map(\.maximumConnections), Array(repeating: nil, count: 14) + [4] + Array(repeating: nil, count: 5))
    }

    func testPermissionDeniedKeepsTheSocketsStatus() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("code-tests-\(UUID().uuidString)").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        let status = try XCTUnwrap(UnixSocketStatus(path: path))
        let error = RedisError.permissionDenied(path: path, status: status, user: you)
        XCTAssertEqual(error.socketStatus, status)
        XCTAssertNil(RedisError.socketNotFound(path: path).socketStatus)
    }
}
