import LarderRedis
import XCTest

/// The Sentinel codes of `RedisError`: each its own, each carrying what it was made with, and
/// none showing a password. (Kept apart from `RedisErrorCodeTests`, whose lists the other
/// parts of #16 extend.)
final class SentinelErrorCodeTests: XCTestCase {
    let sentinel = RedisEndpoint.tcp(host: "127.0.0.1", port: 26379)
    let node = RedisEndpoint.tcp(host: "127.0.0.1", port: 6380)
    let wrongPass = RedisServerError(reply: "WRONGPASS invalid username-password pair or user is disabled.")

    func everyError() -> [RedisError] {
        [
            .sentinelsUnreachable(primaryName: "mymaster", [RedisSentinelFailure(endpoint: sentinel, error: .connectionRefused(sentinel))]),
            .sentinelAuthenticationFailed(sentinel, wrongPass),
            .primaryNameUnknown("mymaster", sentinels: [sentinel]),
            .notAPrimary(primaryName: "mymaster", node, role: .replica(primary: sentinel, state: "connected")),
            .primaryUnreachable(primaryName: "mymaster", node, reason: "connection refused"),
            .noReplicaAvailable(primaryName: "mymaster"),
            .replicationNotAcknowledged(wanted: 2, acknowledged: 1, timeout: .milliseconds(50)),
        ]
    }

    func testEachSentinelCodeHasItsOwnNameAndText() {
        let errors = everyError()
        XCTAssertEqual(
            errors.map(\.code.description),
            ["sentinelsUnreachable", "sentinelAuthenticationFailed", "primaryNameUnknown", "notAPrimary", "primaryUnreachable",
             "noReplicaAvailable", "replicationNotAcknowledged"])
        XCTAssertEqual(Set(errors.map(\.description)).count, errors.count)
    }

    func testTheAccessorsReturnWhatTheErrorWasMadeWith() {
        let errors = everyError()
        XCTAssertEqual(errors.map(\.primaryName), ["mymaster", nil, "mymaster", "mymaster", "mymaster", "mymaster", nil])
        XCTAssertEqual(errors.map(\.endpoint), [nil, sentinel, nil, node, node, nil, nil])
        XCTAssertEqual(errors[0].sentinelFailures.map(\.endpoint), [sentinel])
        XCTAssertEqual(errors[0].sentinelFailures.map(\.error.code), [.connectionRefused])
        XCTAssertEqual(errors[1].serverError, wrongPass)
        XCTAssertEqual(errors[3].role, .replica(primary: sentinel, state: "connected"))
        XCTAssertEqual(errors[6].acknowledgements?.acknowledged, 1)
        XCTAssertEqual(errors[6].acknowledgements?.wanted, 2)
        XCTAssertEqual(errors[6].duration, .milliseconds(50))
        XCTAssertTrue(errors[0].description.contains("127.0.0.1:26379: connection refused"), errors[0].description)
    }
}
