import Foundation
import LarderRedis
import RedisTestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// setup.sh as root beside a folder the redis group may write (`/etc/redis` is
/// `drwxrws--- redis:redis` on Debian): it must never write through a link a group member put
/// there, nor create a file there that such a member could swap for one.
///
/// Each test edits a copy of Debian's redis.conf in a sandbox shaped like `/etc/redis`
/// (`SETUP_CONF=… ./setup.sh --config-only`), never the machine's own.
final class SetupScriptTests: XCTestCase {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("setup.sh").path

    /// `<root-only 755 folder>/conf` (mode 2770, redis:redis, as `/etc/redis`) holding Debian's
    /// redis.conf; and a victim file outside it, owned by root.
    struct Sandbox {
        let top: URL
        var folder: URL { top.appendingPathComponent("conf") }
        var conf: URL { folder.appendingPathComponent("redis.conf") }
        var backup: URL { folder.appendingPathComponent("redis.conf.orig") }
        var victim: URL { top.appendingPathComponent("victim") }
        static let victimText = "root's file: setup.sh must never write here\n"

        let redis: UnixUser

        init() throws {
            guard geteuid() == 0 else {
                throw XCTSkip("setup.sh runs as root (it re-runs itself with sudo): these checks need root, as CI runs them")
            }
            guard let redis = UnixUser.named("redis") else {
                throw XCTSkip("no redis user: the redis-server package (./setup.sh) brings it")
            }
            self.redis = redis
            let original = ["/etc/redis/redis.conf.orig", "/etc/redis/redis.conf"].first { FileManager.default.fileExists(atPath: $0) }
            guard let original else { throw XCTSkip("no /etc/redis/redis.conf to copy: run ./setup.sh first") }
            top = FileManager.default.temporaryDirectory.appendingPathComponent("setup-sandbox-\(getpid())-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: top, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
            XCTAssertEqual(chmod(folder.path, 0o2770), 0)
            XCTAssertEqual(chown(folder.path, redis.id, UnixUser.groupID(named: "redis") ?? 0), 0)
            try Data(contentsOf: URL(fileURLWithPath: original)).write(to: conf)
            XCTAssertEqual(chown(conf.path, redis.id, UnixUser.groupID(named: "redis") ?? 0), 0)
            XCTAssertEqual(chmod(conf.path, 0o640), 0)
            try Self.victimText.write(to: victim, atomically: false, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(at: top) }

        /// Appends `text` to the sandbox's redis.conf.
        func append(_ text: String) throws {
            let handle = try FileHandle(forWritingTo: conf)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        }

        /// Runs `setup.sh --config-only` (and `arguments`) on the sandbox's redis.conf, with
        /// `extraEnvironment`.
        func runSetup(_ arguments: [String] = [], extraEnvironment: [String: String] = [:]) throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [SetupScriptTests.script, "--config-only"] + arguments
            var environment = ProcessInfo.processInfo.environment.merging(extraEnvironment) { _, new in new }
            environment["SETUP_CONF"] = conf.path
            environment["NO_COLOR"] = "1"
            process.environment = environment
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self))
        }

        func assertVictimUntouched(file: StaticString = #filePath, line: UInt = #line) throws {
            let attributes = try FileManager.default.attributesOfItem(atPath: victim.path)
            XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), Self.victimText, "setup.sh wrote through a link", file: file, line: line)
            XCTAssertEqual(attributes[.ownerAccountID] as? Int, 0, "setup.sh handed the victim to another owner", file: file, line: line)
        }
    }

    /// `--app-user`: one `user` line with the rules of chapters/acl/guide-app.acl and the
    /// password's SHA-256, the password in a file only its owner reads, nothing changed by a
    /// second run; and a real redis-server given that line lets the user in and refuses it FLUSHALL.
    func testAppUserIsWrittenOnceAndLogsInWithItsRules() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let secret = sandbox.top.appendingPathComponent("redis-app-user").path
        let first = try sandbox.runSetup(["--app-user"], extraEnvironment: ["SETUP_APP_USER_SECRET": secret])
        XCTAssertEqual(first.status, 0, first.output)
        XCTAssertTrue(first.output.contains("made a password for Redis user guide-app"), first.output)
        let mode = try FileManager.default.attributesOfItem(atPath: secret)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600, "the password file is readable by others")
        let password = try String(contentsOfFile: secret, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(password.count, 32)
        XCTAssertFalse(first.output.contains(password), "setup.sh printed the password")
        let conf = try String(contentsOf: sandbox.conf, encoding: .utf8)
        XCTAssertFalse(conf.contains(password), "redis.conf holds the password itself, not its hash")
        let userLines = conf.split(separator: "\n").filter { $0.hasPrefix("user guide-app ") }
        XCTAssertEqual(userLines.count, 1, conf)
        let line = try XCTUnwrap(userLines.first)
        let acl = try GuideAppACL.load()
        XCTAssertTrue(line.hasSuffix(" " + acl.rules), String(line))
        XCTAssertTrue(line.hasPrefix("user guide-app reset on #"), String(line))

        let second = try sandbox.runSetup(["--app-user"], extraEnvironment: ["SETUP_APP_USER_SECRET": secret])
        XCTAssertEqual(second.status, 0, second.output)
        XCTAssertTrue(second.output.contains("Nothing to change"), second.output)
        XCTAssertEqual(try String(contentsOf: sandbox.conf, encoding: .utf8), conf, "a second run changed redis.conf")

        let server = try await PrivateRedisServer.start(extraDirectives: [String(line)])
        defer { server.shutDownAndRemove() }
        var configuration = server.configuration()
        configuration.username = "guide-app"
        configuration.password = password
        try await RedisConnection.withConnection(configuration: configuration) { redis in
            _ = try await redis.send(SET(":1:greeting", "hello"))
            do {
                _ = try await redis.send("FLUSHALL")
                XCTFail("FLUSHALL was allowed to guide-app")
            } catch let error as RedisError {
                XCTAssertEqual(error.serverError?.kind, .noPermission, "\(error)")
            }
        }
    }

    func testAConfigThatIsASymlinkIsRefusedAndNothingIsWrittenThroughIt() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try FileManager.default.removeItem(at: sandbox.conf)
        try FileManager.default.createSymbolicLink(at: sandbox.conf, withDestinationURL: sandbox.victim)

        let run = try sandbox.runSetup()
        XCTAssertNotEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("is a symbolic link"), run.output)
        try sandbox.assertVictimUntouched()
        // The victim's text must not have been copied into the group's folder either.
        for name in try FileManager.default.contentsOfDirectory(atPath: sandbox.folder.path) {
            let path = sandbox.folder.appendingPathComponent(name)
            guard (try? FileManager.default.destinationOfSymbolicLink(atPath: path.path)) == nil else { continue }
            XCTAssertFalse((try? String(contentsOf: path, encoding: .utf8))?.contains("setup.sh must never write here") ?? false, name)
        }
    }

    func testABackupNameThatIsADanglingSymlinkIsNotWrittenThrough() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let planted = sandbox.top.appendingPathComponent("planted-by-the-group")
        try FileManager.default.createSymbolicLink(at: sandbox.backup, withDestinationURL: planted)

        let run = try sandbox.runSetup()
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: planted.path), "setup.sh created a file through the backup's link:\n\(run.output)")
        XCTAssertTrue(run.output.contains("is a symbolic link"), run.output)
    }

    /// The only names setup.sh may make in the group's folder are the final ones, each in one
    /// system call (link, rename): a staged file there is a file a group member can swap for a
    /// link between two of root's writes.
    func testNoStagedFileEverAppearsInTheGroupWritableFolder() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let watch = try DirectoryWatch(sandbox.folder.path)
        defer { watch.close() }

        let run = try sandbox.runSetup()
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("unixsocket /var/run/redis/redis.sock"), run.output)
        let created = watch.namesCreated()
        XCTAssertEqual(Set(created), ["redis.conf.orig", "redis.conf"], "names created in the group's folder: \(created)")

        let info = try FileManager.default.attributesOfItem(atPath: sandbox.conf.path)
        XCTAssertEqual(info[.type] as? FileAttributeType, .typeRegular)
        XCTAssertEqual(info[.ownerAccountID] as? Int, Int(sandbox.redis.id), "the edited redis.conf keeps its owner")
        XCTAssertEqual(info[.posixPermissions] as? Int, 0o640, "the edited redis.conf keeps its mode")
        let text = try String(contentsOf: sandbox.conf, encoding: .utf8)
        XCTAssertTrue(text.contains("\nport 0\n"), "port 0 written")
    }

    func testAnIncludedFileThatReopensTCPStopsSetup() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let local = sandbox.folder.appendingPathComponent("local.conf")
        try "port 6379\n".write(to: local, atomically: false, encoding: .utf8)
        try sandbox.append("include \(sandbox.folder.path)/*.conf\n")

        let run = try sandbox.runSetup()
        XCTAssertNotEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("\(local.path):1:port 6379"), run.output)
    }

    func testANestedIncludeIsFollowedAndARelativeOneRefused() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let outer = sandbox.folder.appendingPathComponent("outer.conf")
        let inner = sandbox.folder.appendingPathComponent("inner.conf")
        try "include \(inner.path)\ninclude \(outer.path)\n".write(to: outer, atomically: false, encoding: .utf8)
        try "bind 0.0.0.0\n".write(to: inner, atomically: false, encoding: .utf8)
        try sandbox.append("include \(outer.path)\n")
        let nested = try sandbox.runSetup()
        XCTAssertNotEqual(nested.status, 0, nested.output)
        XCTAssertTrue(nested.output.contains("\(inner.path):1:bind 0.0.0.0"), nested.output)

        try FileManager.default.removeItem(at: inner)
        try sandbox.append("include local.conf\n")
        let relative = try sandbox.runSetup()
        XCTAssertNotEqual(relative.status, 0, relative.output)
        XCTAssertTrue(relative.output.contains("includes local.conf by a relative path"), relative.output)
    }

    func testAnActiveTLSPortIsTurnedOff() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.append("tls-port 6380\n")

        let run = try sandbox.runSetup()
        XCTAssertEqual(run.status, 0, run.output)
        let text = try String(contentsOf: sandbox.conf, encoding: .utf8)
        XCTAssertTrue(text.hasSuffix("tls-port 0\n"), String(text.suffix(80)))
        XCTAssertTrue(run.output.contains("a TLS port is TCP too"), run.output)
    }
}

/// The names created in (or moved into) one folder, seen through inotify.
final class DirectoryWatch {
    private let descriptor: Int32

    init(_ path: String) throws {
        descriptor = inotify_init1(Int32(IN_NONBLOCK))
        guard descriptor >= 0, inotify_add_watch(descriptor, path, UInt32(IN_CREATE | IN_MOVED_TO)) >= 0 else {
            throw XCTSkip("inotify is not available here (errno \(errno)): cannot watch \(path)")
        }
    }

    /// The names of the events queued so far, in order.
    func namesCreated() -> [String] {
        var names: [String] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return names }
            var offset = 0
            while offset < count {
                let (length, name): (Int, String) = buffer.withUnsafeBytes { raw in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let bytes = raw[nameStart..<(nameStart + Int(event.len))].prefix { $0 != 0 }
                    return (MemoryLayout<inotify_event>.size + Int(event.len), String(decoding: bytes, as: UTF8.self))
                }
                if !name.isEmpty { names.append(name) }
                offset += length
            }
        }
    }

    func close() { _ = Glibc.close(descriptor) }
}
