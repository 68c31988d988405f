import Foundation
import Guide
import LarderRedis
import RedisTestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The doctor against private servers, each misconfigured on purpose: every problem must be
/// reported as a failed check with the fix, and a healthy setup must pass.
final class DoctorTests: XCTestCase {
    /// Doctor options for a private server: its socket and config, its socket's group.
    func options(for server: PrivateRedisServer, user: UnixUser = .current) throws -> DoctorOptions {
        let status = try XCTUnwrap(UnixSocketStatus(path: server.socketPath))
        return DoctorOptions(socketPath: server.socketPath, configFile: server.configFile, user: user, socketGroup: status.group)
    }

    func failedCheck(_ name: String, in report: DoctorReport, file: StaticString = #filePath, line: UInt = #line) throws -> DoctorCheck {
        let check = try XCTUnwrap(report.check(name), "no check named '\(name)' in \(report.checks.map(\.name))", file: file, line: line)
        XCTAssertFalse(check.passed, "'\(name)' passed: \(check.detail)", file: file, line: line)
        XCTAssertNotNil(check.fix, "'\(name)' failed without a fix", file: file, line: line)
        return check
    }

    func testAHealthyPrivateServerPassesEveryCheck() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let report = await Doctor.examine(try options(for: server))
        XCTAssertTrue(report.passed, report.failures.map { "\($0.name): \($0.detail)" }.joined(separator: "\n"))
        XCTAssertEqual(report.check("server: TCP is off")?.passed, true)
    }

    func testTheKeyspaceIsReportedPerDatabase() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let empty = await Doctor.examine(try options(for: server))
        XCTAssertEqual(empty.check("keyspace (INFO keyspace; swift run keyspace groups the keys)")?.detail, "empty: no database holds a key")
        try await RedisConnection.withConnection(configuration: server.configuration(database: 2)) { redis in
            _ = try await redis.send(SET("a", "1", expiration: .seconds(60)))
            _ = try await redis.send(SET("b", "2"))
        }
        let report = await Doctor.examine(try options(for: server))
        XCTAssertEqual(report.check("keyspace (INFO keyspace; swift run keyspace groups the keys)")?.detail, "db2: 2 keys (1 expire)")
    }

    func testTCPTurnedOnInTheConfigIsReportedWithTheFix() async throws {
        let port = try LoopbackPort.unused()
        let server = try await PrivateRedisServer.start(tcpPort: port)
        defer { server.shutDownAndRemove() }
        var options = try options(for: server)
        options.tcpProbe = .tcp(host: "127.0.0.1", port: port)
        let report = await Doctor.examine(options)
        let configPort = try failedCheck("config: port 0 (TCP off)", in: report)
        XCTAssertTrue(configPort.fix!.contains("port 0"), configPort.fix!)
        let live = try failedCheck("server: TCP is off", in: report)
        XCTAssertTrue(live.detail.contains("\(port)"), live.detail)
        _ = try failedCheck("nothing answers on TCP 127.0.0.1:\(port)", in: report)
        XCTAssertFalse(report.passed)
    }

    func testConfigSetPortOnARunningServerIsReportedAsNeedingARestart() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let port = try LoopbackPort.unused()
        try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            _ = try await redis.send("CONFIG", "SET", "port", port)
        }
        let report = await Doctor.examine(try options(for: server))
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.check("config: port 0 (TCP off)")?.passed, true, "the file still says port 0")
        let live = try failedCheck("server: TCP is off", in: report)
        XCTAssertTrue(live.detail.contains("CONFIG GET port → \(port)"), live.detail)
        XCTAssertTrue(live.fix!.contains("restart"), live.fix!)
    }

    /// The article's `unixsocketperm 700`, seen by a user who does not own the socket. The
    /// private server runs as whoever runs the tests (a reader need not be root, and only root
    /// could hand the socket to `redis`), so `nobody` stands for the locked-out web app.
    func testSocketMode700OwnedByAnotherUserIsReportedWithTheFix() async throws {
        let server = try await PrivateRedisServer.start(unixSocketPerm: "700")
        defer { server.shutDownAndRemove() }
        let status = try XCTUnwrap(UnixSocketStatus(path: server.socketPath))
        let nobody = try XCTUnwrap(UnixUser.named("nobody"))
        XCTAssertNotEqual(status.ownerID, nobody.id)
        let report = await Doctor.examine(try options(for: server, user: nobody))
        let mode = try failedCheck("socket mode srwxrwx---", in: report)
        XCTAssertTrue(mode.detail.contains("srwx------ \(status.owner):\(status.group)"), mode.detail)
        XCTAssertTrue(mode.fix!.contains("unixsocketperm 770"), mode.fix!)
        let access = try failedCheck("user nobody may connect", in: report)
        XCTAssertTrue(access.detail.contains("only \(status.owner) may connect"), access.detail)
        _ = try failedCheck("config: unixsocketperm 770", in: report)
    }

    /// A hardened server (hardening guides disable CONFIG, and often INFO): the doctor says
    /// which checks it could not make and why, and judges from the rest.
    func testAServerWithConfigAndInfoDisabledIsJudgedFromWhatCanBeRead() async throws {
        let server = try await PrivateRedisServer.start(extraDirectives: ["rename-command CONFIG \"\"", "rename-command INFO \"\""])
        defer { server.shutDownAndRemove() }
        let report = await Doctor.examine(try options(for: server))
        XCTAssertEqual(report.check("server answers PING on the socket")?.outcome, .passed, "\(report.checks)")
        for name in ["server: TCP is off", "server: protected mode on", "keyspace (INFO keyspace; swift run keyspace groups the keys)"] {
            let check = try XCTUnwrap(report.check(name), name)
            XCTAssertEqual(check.outcome, .unchecked, "\(name): \(check.detail)")
            XCTAssertTrue(check.detail.contains("disabled or renamed"), check.detail)
        }
        XCTAssertEqual(report.check("nothing answers on TCP 127.0.0.1:6379")?.outcome, .passed)
        XCTAssertTrue(report.passed, report.failures.map { "\($0.name): \($0.detail)" }.joined(separator: "\n"))
        XCTAssertEqual(report.unchecked.count, 3)
    }

    /// The same server with a real problem: the checks that can still be made find it.
    func testAHardenedServerWithAProblemStillFails() async throws {
        let server = try await PrivateRedisServer.start(unixSocketPerm: "777", extraDirectives: ["rename-command CONFIG \"\""])
        defer { server.shutDownAndRemove() }
        let report = await Doctor.examine(try options(for: server))
        XCTAssertEqual(report.check("server: TCP is off")?.outcome, .unchecked)
        _ = try failedCheck("socket mode srwxrwx---", in: report)
        XCTAssertFalse(report.passed)
    }

    func testAUserOutsideTheSocketsGroupIsToldToJoinIt() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let nobody = try XCTUnwrap(UnixUser.named("nobody"))
        let report = await Doctor.examine(try options(for: server, user: nobody))
        let access = try failedCheck("user nobody may connect", in: report)
        XCTAssertTrue(access.fix!.contains("usermod -aG"), access.fix!)
        // nobody is not this login: newgrp in our shell would not help it; a restart does.
        XCTAssertFalse(access.fix!.contains("newgrp"), access.fix!)
        XCTAssertTrue(access.fix!.contains("restart what runs as nobody"), access.fix!)
    }

    func testAWrongSocketPathIsReportedWithTheFix() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        var options = try options(for: server)
        options.socketPath = server.directory.appendingPathComponent("elsewhere.sock").path
        let report = await Doctor.examine(options)
        let exists = try failedCheck("socket exists", in: report)
        XCTAssertTrue(exists.detail.contains("elsewhere.sock"), exists.detail)
        let configured = try failedCheck("config: unixsocket \(options.socketPath)", in: report)
        // The config is right and the --socket a slip: the first fix offered is to pass its socket.
        XCTAssertTrue(configured.fix!.contains("pass --socket \(server.socketPath)"), configured.fix!)
        let answers = try failedCheck("server answers PING on the socket", in: report)
        XCTAssertTrue(answers.detail.contains("no Redis socket"), answers.detail)
    }

    func testAServerThatIsDownIsReportedWithTheFix() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let options = try options(for: server)
        server.stop()
        let report = await Doctor.examine(options)
        let answers = try failedCheck("server answers PING on the socket", in: report)
        XCTAssertTrue(answers.fix!.contains("setup.sh"), answers.fix!)
    }

    func testAMissingConfigFileIsReportedWithTheFix() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        var options = try options(for: server)
        options.configFile = server.directory.appendingPathComponent("missing.conf").path
        let report = await Doctor.examine(options)
        let config = try failedCheck("config file is readable", in: report)
        XCTAssertTrue(config.detail.contains("does not exist"), config.detail)
    }

    func testTheDoctorChangesNothingOnTheServer() async throws {
        let server = try await PrivateRedisServer.start()
        defer { server.shutDownAndRemove() }
        let before = try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            try await redis.send(INFO(["commandstats"]))
        }
        _ = await Doctor.examine(try options(for: server))
        let after = try await RedisConnection.withConnection(configuration: server.configuration()) { redis in
            try await redis.send(INFO(["commandstats"]))
        }
        let writeCommands = ["set", "del", "flushdb", "flushall", "config|set", "config|rewrite", "shutdown"]
        let ran = Set(after["commandstats"].keys).subtracting(before["commandstats"].keys)
        XCTAssertFalse(ran.isEmpty, "the doctor sent no command at all")
        for command in writeCommands {
            XCTAssertFalse(ran.contains("cmdstat_\(command)"), "the doctor ran \(command)")
        }
    }
}
