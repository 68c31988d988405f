import Foundation
import Guide
import LarderRedis
import XCTest

/// A step that fails with a `RedisError` prints the library's text as the problem (the general
/// remedy) and, as the one thing to do next, this repository's: ./setup.sh.
final class StepRemedyTests: XCTestCase {
    func testAMissingSocketNamesSetupAsTheNextStep() async throws {
        let error = RedisError.socketNotFound(path: "/nonexistent/redis.sock")
        let failure = try await failure(throwing: error)
        XCTAssertEqual(failure.problem, error.description)
        XCTAssertTrue(failure.fix.contains("./setup.sh"), failure.fix)
    }

    func testAStaleSocketNamesSetupAsTheNextStep() async throws {
        let error = RedisError.connectionRefused(.unixSocket(path: "/nonexistent/redis.sock"))
        let failure = try await failure(throwing: error)
        XCTAssertEqual(failure.problem, error.description)
        XCTAssertTrue(failure.fix.contains("./setup.sh"), failure.fix)
    }

    func testAnOwnerOnlySocketNamesTheGuidesConfigAndSetup() async throws {
        let status = try fileStatus(mode: 0o700)
        let reader = UnixUser(name: "reader", id: status.ownerID &+ 1000, groupIDs: [status.groupID &+ 1000])
        let failure = try await failure(throwing: RedisError.permissionDenied(path: status.path, status: status, user: reader))
        XCTAssertTrue(failure.fix.contains("unixsocketperm 770"), failure.fix)
        XCTAssertTrue(failure.fix.contains("/etc/redis/redis.conf"), failure.fix)
        XCTAssertTrue(failure.fix.contains("./setup.sh"), failure.fix)
    }

    func testAUserOutsideTheGroupIsToldSetupAddsThem() async throws {
        let status = try fileStatus(mode: 0o770)
        let reader = UnixUser(name: "reader", id: status.ownerID &+ 1000, groupIDs: [status.groupID &+ 1000])
        let failure = try await failure(throwing: RedisError.permissionDenied(path: status.path, status: status, user: reader))
        XCTAssertTrue(failure.fix.contains("./setup.sh"), failure.fix)
        XCTAssertTrue(failure.fix.contains("newgrp \(status.group)"), failure.fix)
    }

    /// The cache's and the inspector's errors carry the Redis error that caused them.
    func testAnErrorCarryingARedisErrorGetsItsRemedy() async throws {
        let failure = try await failure(throwing: Carrier.redis(.socketNotFound(path: "/nonexistent/redis.sock")))
        XCTAssertTrue(failure.fix.contains("./setup.sh"), failure.fix)
    }

    func testAnotherErrorPointsToTheDoctor() async throws {
        let failure = try await failure(throwing: RedisError.poolClosed)
        XCTAssertFalse(failure.fix.contains("setup.sh"), failure.fix)
        XCTAssertTrue(failure.fix.contains("guide doctor"), failure.fix)
    }

    // MARK: Helpers

    enum Carrier: Error, CustomStringConvertible {
        case redis(RedisError)
        var description: String {
            switch self {
            case .redis(let error): "wrapped: \(error)"
            }
        }
    }

    private func failure(throwing error: any Error & Sendable) async throws -> StepFailure {
        let chapter = Chapter(number: 99, name: "remedy", title: "A failing step", steps: [Step("fails") { _ in throw error }])
        let report = await chapter.run()
        return try XCTUnwrap(report.outcomes.last?.failure)
    }

    private func fileStatus(mode: mode_t) throws -> UnixSocketStatus {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("remedy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("redis.sock").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: Int(mode)]))
        return try XCTUnwrap(UnixSocketStatus(path: path))
    }
}
