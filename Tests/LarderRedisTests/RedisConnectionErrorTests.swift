import Foundation
import LarderRESP
import LarderRedis
import RedisTestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Every way `RedisConnection.connect` fails, produced for real: missing and stale socket files,
/// a closed port, peers that are not Redis, a server that wants a password.
final class RedisConnectionErrorTests: XCTestCase {
    static let passwordProtected = SuiteServer(start: { try await PrivateRedisServer.start(password: "s3cret") })
    override class func tearDown() { passwordProtected.stop() }

    // MARK: Nothing there

    func testMissingSocketFileIsSocketNotFoundNamingTheGeneralRemedy() async throws {
        let path = try makeTemporaryDirectory().appendingPathComponent("redis.sock").path
        let error = await connectError(RedisConfiguration(endpoint: .unixSocket(path: path)))
        guard let error, error.code == .socketNotFound, let reported = error.path else { return XCTFail("unexpected \(String(describing: error))") }
        XCTAssertEqual(reported, path)
        XCTAssertTrue(error.description.contains(path), error.description)
        XCTAssertTrue(error.description.contains("Start the Redis server"), error.description)
        // An app depending on this library has no ./setup.sh: the guide adds it (SetupRemedy).
        XCTAssertFalse(error.description.contains("setup.sh"), error.description)
    }

    func testSocketPathThroughARegularFileIsSocketNotFound() async throws {
        // ENOTDIR: a path component is a file, e.g. a typo'd /var/run/redis.conf/redis.sock.
        let file = try makeTemporaryDirectory().appendingPathComponent("not-a-folder").path
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data()))
        let error = await connectError(RedisConfiguration(endpoint: .unixSocket(path: file + "/redis.sock")))
        guard let error, error.code == .socketNotFound else { return XCTFail("unexpected \(String(describing: error))") }
    }

    func testStaleSocketFileIsConnectionRefused() async throws {
        let path = try makeTemporaryDirectory().appendingPathComponent("stale.sock").path
        try SocketFixtures.makeStaleSocketFile(at: path)
        XCTAssertEqual(UnixSocketStatus(path: path)?.isSocket, true, "the fixture must leave a socket file behind")
        let error = await connectError(RedisConfiguration(endpoint: .unixSocket(path: path)))
        guard let error, error.code == .connectionRefused, let endpoint = error.endpoint else { return XCTFail("unexpected \(String(describing: error))") }
        XCTAssertEqual(endpoint, .unixSocket(path: path))
        XCTAssertTrue(error.description.contains("the socket file exists but no server listens on it"), error.description)
        XCTAssertTrue(error.description.contains("Start the Redis server"), error.description)
        XCTAssertFalse(error.description.contains("setup.sh"), error.description)
    }

    func testLoopbackPortWithoutListenerIsConnectionRefused() async throws {
        let port = try LoopbackPort.unused()
        let error = await connectError(RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: port)))
        guard let error, error.code == .connectionRefused, let endpoint = error.endpoint else { return XCTFail("unexpected \(String(describing: error))") }
        XCTAssertEqual(endpoint, .tcp(host: "127.0.0.1", port: port))
        XCTAssertTrue(error.description.contains("127.0.0.1:\(port)"), error.description)
        XCTAssertTrue(error.description.contains("no server listens there"), error.description)
        XCTAssertFalse(error.description.contains("guide"), error.description)
    }

    // MARK: Something else there

    func testHTTPServerIsNotARedisServer() async throws {
        let path = try makeTemporaryDirectory().appendingPathComponent("http.sock").path
        let peer = try await FakePeer.start(at: path, behaviour: .answerHTTP400)
        let error = await connectError(RedisConfiguration(endpoint: .unixSocket(path: path)))
        await peer.close()
        guard let error, error.code == .notARedisServer, let endpoint = error.endpoint, let detail = error.detail else { return XCTFail("unexpected \(String(describing: error))") }
        XCTAssertEqual(endpoint, .unixSocket(path: path))
        XCTAssertTrue(detail.contains("its answer to HELLO is not RESP"), detail)
        XCTAssertTrue(detail.contains("'H'"), "the detail should show the byte that gave it away: \(detail)")
        XCTAssertTrue(error.description.contains("is not a Redis server"), error.description)
    }

    func testSilentServerIsAConnectTimeoutAfterTheConfiguredDelay() async throws {
        let path = try makeTemporaryDirectory().appendingPathComponent("silent.sock").path
        let peer = try await FakePeer.start(at: path, behaviour: .neverAnswer)
        var configuration = RedisConfiguration(endpoint: .unixSocket(path: path))
        configuration.connectTimeout = .milliseconds(300)
        let started = ContinuousClock.now
        let error = await connectError(configuration)
        let elapsed = ContinuousClock.now - started
        await peer.close()
        guard let error, error.code == .connectTimeout, let endpoint = error.endpoint, let timeout = error.duration else { return XCTFail("unexpected \(String(describing: error))") }
        XCTAssertEqual(endpoint, .unixSocket(path: path))
        XCTAssertEqual(timeout, .milliseconds(300))
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(300))
        XCTAssertLessThan(elapsed, .seconds(2), "the handshake must be bounded by connectTimeout, not commandTimeout (30 s)")
        XCTAssertTrue(error.description.contains("no answer from \(path)"), error.description)
    }

    func testServerThatClosesAtOnceIsNotARedisServer() async throws {
        let path = try makeTemporaryDirectory().appendingPathComponent("closing.sock").path
        let peer = try await FakePeer.start(at: path, behaviour: .closeOnAccept)
        let error = await connectError(RedisConfiguration(endpoint: .unixSocket(path: path)))
        await peer.close()
        guard let error, error.code == .notARedisServer, let detail = error.detail else { return XCTFail("unexpected \(String(describing: error))") }
        XCTAssertTrue(detail.contains("closed the connection without answering HELLO"), detail)
    }

    // MARK: Passwords

    func testMissingPasswordIsNoAuthAndSaysToAddIt() async throws {
        let server = try await Self.passwordProtected.server()
        var configuration = server.configuration()
        configuration.password = nil
        let error = await connectError(configuration)
        guard let error, error.code == .authenticationFailed, let endpoint = error.endpoint, let serverError = error.serverError else {
            return XCTFail("unexpected \(String(describing: error))")
        }
        XCTAssertEqual(endpoint, .unixSocket(path: server.socketPath))
        XCTAssertEqual(serverError.kind, .noAuth)
        XCTAssertTrue(error.description.contains("requires a password"), error.description)
        XCTAssertTrue(error.description.contains("add it to the URL"), error.description)
    }

    func testWrongPasswordIsWrongPassAndIsNeverShown() async throws {
        let server = try await Self.passwordProtected.server()
        let wrong = "not-the-s3cret-\(UInt32.random(in: 0...UInt32.max))"
        let error = await connectError(server.configuration(password: wrong))
        guard let error, error.code == .authenticationFailed, let serverError = error.serverError else { return XCTFail("unexpected \(String(describing: error))") }
        XCTAssertEqual(serverError.kind, .wrongPass)
        XCTAssertTrue(error.description.contains("refused the credentials"), error.description)
        XCTAssertFalse(error.description.contains(wrong), error.description)
        XCTAssertFalse(String(reflecting: error).contains(wrong), String(reflecting: error))
    }

    func testRightPasswordInTheURLAuthenticates() async throws {
        let server = try await Self.passwordProtected.server()
        for url in ["unix://:s3cret@\(server.socketPath)", "unix://default:s3cret@\(server.socketPath)", "unix://\(server.socketPath)?password=s3cret"] {
            let configuration = try RedisConfiguration(url: url)
            let pong = try await RedisConnection.withConnection(configuration: configuration) { redis in
                XCTAssertEqual(redis.protocolVersion, 3)
                return try await redis.send(PING())
            }
            XCTAssertEqual(pong, "PONG", url)
        }
    }

    func testRESP2AuthenticatesWithAUTH() async throws {
        let server = try await Self.passwordProtected.server()
        var configuration = server.configuration()
        configuration.preferRESP3 = false
        let pong = try await RedisConnection.withConnection(configuration: configuration) { redis in
            XCTAssertEqual(redis.protocolVersion, 2)
            return try await redis.send(PING())
        }
        XCTAssertEqual(pong, "PONG")
    }

    func testRESP2WrongPasswordIsWrongPass() async throws {
        let server = try await Self.passwordProtected.server()
        let wrong = "wrong-\(UInt32.random(in: 0...UInt32.max))"
        var configuration = server.configuration(password: wrong)
        configuration.preferRESP3 = false
        let error = await connectError(configuration)
        guard let error, error.code == .authenticationFailed, let serverError = error.serverError else { return XCTFail("unexpected \(String(describing: error))") }
        XCTAssertEqual(serverError.kind, .wrongPass)
        XCTAssertFalse(String(reflecting: error).contains(wrong), String(reflecting: error))
    }

    func testRESP2WithoutPasswordFailsAtSelectWithNoAuth() async throws {
        let server = try await Self.passwordProtected.server()
        var configuration = server.configuration(database: 1)
        configuration.password = nil
        configuration.preferRESP3 = false
        let error = await connectError(configuration)
        guard let error, error.code == .authenticationFailed, let serverError = error.serverError else { return XCTFail("unexpected \(String(describing: error))") }
        XCTAssertEqual(serverError.kind, .noAuth)
    }

    func testRESP2WithNothingToSendStillRefusesAPasswordServerAtConnect() async throws {
        // No password, database 0, no client name: the handshake PINGs so that connect, not
        // the first command, reports the missing password.
        let server = try await Self.passwordProtected.server()
        var configuration = server.configuration()
        configuration.password = nil
        configuration.preferRESP3 = false
        let error = await connectError(configuration)
        guard let error, error.code == .authenticationFailed, let serverError = error.serverError else { return XCTFail("unexpected \(String(describing: error))") }
        XCTAssertEqual(serverError.kind, .noAuth)
    }

    // MARK: Permission denied (the logic; a real EACCES needs another user than root)

    func testOwnerOnlySocketSuggestsUnixsocketperm770() throws {
        let status = try socketStatus(mode: 0o700)
        let reader = UnixUser(name: "reader", id: status.ownerID &+ 1000, groupIDs: [status.groupID &+ 1000])
        let text = RedisError.permissionDenied(path: status.path, status: status, user: reader).description
        XCTAssertTrue(text.contains("as user 'reader'"), text)
        XCTAssertTrue(text.contains("srwx------ \(status.owner):\(status.group)"), text)
        XCTAssertTrue(text.contains("unixsocketperm 770` in the server's config and restart it"), text)
        XCTAssertFalse(text.contains("usermod"), text)
        XCTAssertFalse(text.contains("/etc/redis"), text)
        XCTAssertFalse(text.contains("setup.sh"), text)
    }

    func testGroupSocketSuggestsJoiningItsGroup() throws {
        let status = try socketStatus(mode: 0o770)
        let reader = UnixUser(name: "reader", id: status.ownerID &+ 1000, groupIDs: [status.groupID &+ 1000])
        let text = RedisError.permissionDenied(path: status.path, status: status, user: reader).description
        XCTAssertTrue(text.contains("srwxrwx---"), text)
        XCTAssertTrue(text.contains("sudo usermod -aG \(status.group) reader"), text)
        XCTAssertTrue(text.contains("newgrp \(status.group)"), text)
        XCTAssertFalse(text.contains("unixsocketperm"), text)
    }

    /// setup.sh has just added the reader to the group; the shell they run from predates it.
    /// Telling them to join a group they are in would send them in circles.
    func testAMemberWhoseProcessPredatesTheGroupIsToldToStartANewSessionNotToJoin() throws {
        let status = try socketStatus(mode: 0o770)
        let me = UnixUser.current
        let database = try XCTUnwrap(UnixUser.named(me.name))
        try XCTSkipUnless(database.groupIDs.contains(status.groupID), "the test socket's group \(status.group) is not one of \(me.name)'s groups")
        let staleSession = UnixUser(name: me.name, id: me.id, groupIDs: [])
        let text = RedisError.permissionDenied(path: status.path, status: status, user: staleSession).description
        XCTAssertTrue(text.contains("\(me.name) is in group \(status.group), but this process started before that"), text)
        XCTAssertTrue(text.contains("newgrp \(status.group)"), text)
        XCTAssertFalse(text.contains("usermod"), text)
    }

    func testGroupWithoutWritePermissionSuggestsUnixsocketperm770() throws {
        // 750: the group may read but not connect (connecting needs write), so joining the
        // group would not help.
        let status = try socketStatus(mode: 0o750)
        let reader = UnixUser(name: "reader", id: status.ownerID &+ 1000, groupIDs: [status.groupID])
        XCTAssertFalse(status.allowsConnection(by: reader))
        let text = RedisError.permissionDenied(path: status.path, status: status, user: reader).description
        XCTAssertTrue(text.contains("unixsocketperm 770"), text)
        XCTAssertFalse(text.contains("usermod"), text)
    }

    func testPermissionDeniedWithoutStatusStillNamesPathAndUser() {
        let text = RedisError.permissionDenied(path: "/nowhere/redis.sock", status: nil, user: UnixUser(name: "www-data", id: 33, groupIDs: [33]))
            .description
        XCTAssertTrue(text.contains("/nowhere/redis.sock"), text)
        XCTAssertTrue(text.contains("'www-data'"), text)
    }

    // MARK: UnixSocketStatus

    func testModeStringReadsLikeLs() throws {
        XCTAssertEqual(try socketStatus(mode: 0o770).modeString, "srwxrwx---")
        XCTAssertEqual(try socketStatus(mode: 0o700).modeString, "srwx------")
        XCTAssertEqual(try socketStatus(mode: 0o755).modeString, "srwxr-xr-x")
        XCTAssertEqual(try socketStatus(mode: 0o000).modeString, "s---------")
        let file = try makeTemporaryDirectory().appendingPathComponent("plain").path
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data()))
        XCTAssertEqual(chmod(file, 0o644), 0)
        let status = try XCTUnwrap(UnixSocketStatus(path: file))
        XCTAssertFalse(status.isSocket)
        XCTAssertEqual(status.modeString, "-rw-r--r--")
    }

    func testStatusOfNothingIsNil() throws {
        XCTAssertNil(UnixSocketStatus(path: try makeTemporaryDirectory().appendingPathComponent("absent.sock").path))
    }

    func testStatusReadsOwnerAndGroup() throws {
        try XCTSkipUnless(getuid() == 0, "changing a file's owner needs root")
        let nobody = try XCTUnwrap(UnixUser.named("nobody"))
        let unknownID: UInt32 = 4_242_424
        try XCTSkipUnless(UnixUser.name(ofUser: unknownID) == nil && UnixUser.name(ofGroup: unknownID) == nil)
        let status = try socketStatus(mode: 0o770, owner: nobody.id, group: unknownID)
        XCTAssertEqual(status.ownerID, nobody.id)
        XCTAssertEqual(status.owner, "nobody")
        XCTAssertEqual(status.groupID, unknownID)
        XCTAssertEqual(status.group, String(unknownID), "an unknown group shows as its number")
        XCTAssertEqual(status.description, "srwxrwx--- nobody:\(unknownID) \(status.path)")
    }

    func testAllowsConnectionFollowsOwnerGroupOtherAndRoot() throws {
        try XCTSkipUnless(getuid() == 0, "changing a file's owner needs root")
        let (ownerID, groupID): (UInt32, UInt32) = (4_200_001, 4_200_002)
        let owner = UnixUser(name: "owner", id: ownerID, groupIDs: [4_200_009])
        let member = UnixUser(name: "member", id: 4_200_003, groupIDs: [4_200_009, groupID])
        let other = UnixUser(name: "other", id: 4_200_004, groupIDs: [4_200_009])
        let root = UnixUser(name: "root", id: 0, groupIDs: [0])
        let cases: [(mode: mode_t, owner: Bool, member: Bool, other: Bool)] = [
            (0o770, true, true, false),  // the guide's setting
            (0o700, true, false, false),  // the article's setting
            (0o750, true, false, false),  // read without write does not let a client connect
            (0o777, true, true, true),
            (0o077, false, true, true),  // the owner's own bits apply to the owner, not the group's
            (0o707, true, false, true),  // likewise for a member of the group
        ]
        for (mode, ownerAllowed, memberAllowed, otherAllowed) in cases {
            let status = try socketStatus(mode: mode, owner: ownerID, group: groupID)
            let name = String(mode, radix: 8)
            XCTAssertEqual(status.allowsConnection(by: owner), ownerAllowed, "owner, \(name)")
            XCTAssertEqual(status.allowsConnection(by: member), memberAllowed, "group member, \(name)")
            XCTAssertEqual(status.allowsConnection(by: other), otherAllowed, "other, \(name)")
            XCTAssertTrue(status.allowsConnection(by: root), "root, \(name)")
        }
    }

    func testCurrentAndNamedUsers() throws {
        let current = UnixUser.current
        XCTAssertEqual(current.id, getuid())
        XCTAssertTrue(current.groupIDs.contains(getegid()))
        let root = try XCTUnwrap(UnixUser.named("root"))
        XCTAssertEqual(root.id, 0)
        XCTAssertTrue(root.groupIDs.contains(0))
        XCTAssertEqual(UnixUser.name(ofUser: 0), "root")
        XCTAssertEqual(UnixUser.groupID(named: "root"), 0)
        XCTAssertNil(UnixUser.named("no-such-user-\(UUID().uuidString.prefix(8))"))
    }

    // MARK: Helpers

    /// The error `connect` fails with, or `nil` (and a test failure) if it connects.
    private func connectError(_ configuration: RedisConfiguration, file: StaticString = #filePath, line: UInt = #line) async -> RedisError? {
        do {
            let redis = try await RedisConnection.connect(configuration: configuration)
            await redis.close()
            XCTFail("connected to \(configuration)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    /// The status of a real socket file in a fresh folder, with `mode` and, when given, owner and group.
    private func socketStatus(mode: mode_t, owner: UInt32? = nil, group: UInt32? = nil) throws -> UnixSocketStatus {
        let path = try makeTemporaryDirectory().appendingPathComponent("redis.sock").path
        try SocketFixtures.makeStaleSocketFile(at: path)
        XCTAssertEqual(chmod(path, mode), 0, String(cString: strerror(errno)))
        if owner != nil || group != nil {
            XCTAssertEqual(chown(path, owner ?? UInt32.max, group ?? UInt32.max), 0, String(cString: strerror(errno)))
        }
        let status = try XCTUnwrap(UnixSocketStatus(path: path))
        XCTAssertTrue(status.isSocket)
        XCTAssertEqual(status.permissions, UInt16(mode))
        return status
    }
}
