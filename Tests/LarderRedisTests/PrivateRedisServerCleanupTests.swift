import Foundation
import LarderRedis
import XCTest

@testable import RedisTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The clean-up of servers left behind by dead test runs kills only those servers: a pid
/// file's pid may since belong to another redis-server, such as the reader's own.
final class PrivateRedisServerCleanupTests: XCTestCase {
    func testAStalePidFileNamingAnotherRedisServerKillsNothing() async throws {
        // Stands for the reader's redis-server: alive, a redis-server, working elsewhere.
        let bystander = try await PrivateRedisServer.start()
        defer { bystander.shutDownAndRemove() }
        let bystanderPID = try XCTUnwrap(bystander.pid)

        // A folder of a dead test run whose pid file now names the bystander's pid.
        let deadOwner = try deadProcessID()
        let stale = FileManager.default.temporaryDirectory.appendingPathComponent("private-redis-\(deadOwner)-stale0001", isDirectory: true)
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try "\(bystanderPID)\n".write(to: stale.appendingPathComponent("redis.pid"), atomically: true, encoding: .utf8)

        XCTAssertFalse(PrivateRedisServer.isServer(bystanderPID, runningIn: stale), "the bystander works in its own folder, not the stale one")
        XCTAssertTrue(PrivateRedisServer.isServer(bystanderPID, runningIn: bystander.directory), "a private server's working directory is its folder")

        PrivateRedisServer.removeServersOfDeadTestRuns()

        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path), "the dead run's folder is removed")
        XCTAssertEqual(Glibc.kill(bystanderPID, 0), 0, "the bystander redis-server must still run")
        let connection = try await RedisConnection.connect(configuration: bystander.configuration())
        let pong = try await connection.send(PING())
        XCTAssertEqual(pong, "PONG")
        await connection.close()
    }

    /// A process id that no process has now: a child that has exited and been reaped.
    private func deadProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let pid = process.processIdentifier
        guard Glibc.kill(pid, 0) == -1, errno == ESRCH else {
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "pid \(pid) was reused at once: no dead owner to test with; run the test again"])
        }
        return pid
    }
}
