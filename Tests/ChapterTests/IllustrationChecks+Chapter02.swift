import Foundation
import Guide
import LarderRedis
import RedisTestSupport
import XCTest

/// Chapter 02's blocks of what setup.sh and the doctor print on a machine a test cannot be (a
/// Debian redis.conf not yet edited; a server with `CONFIG` renamed): each is checked against
/// what the program prints when made to meet that machine on a private copy.
extension IllustrationChecks {
    static let chapter02: [String: @Sendable (String) async throws -> Void] = [
        "setup.sh first run": setupFirstRun,
        "setup.sh second run": setupSecondRun,
        "doctor on a hardened server": doctorOnAHardenedServer,
    ]

    /// The redis.conf part of setup.sh's first run (the backup, the four items, the diff) is,
    /// line for line, what `setup.sh --config-only` prints on a copy of Debian's redis.conf
    /// whose backup exists (as on the machine the block was taken from). The lines around it
    /// (packages, the group, the restart, Django) need a machine in its first state: each must
    /// be one of setup.sh's messages (``SetupMessageTemplates``).
    static func setupFirstRun(_ text: String) async throws {
        guard geteuid() == 0 else {
            throw XCTSkip("setup.sh runs as root (it re-runs itself with sudo): this check of chapter 02's setup.sh run needs root, as CI runs it")
        }
        let debians = "/etc/redis/redis.conf.orig"
        guard FileManager.default.fileExists(atPath: debians) else {
            throw Differs("no /etc/redis/redis.conf.orig (Debian's redis.conf, kept by ./setup.sh): run ./setup.sh first")
        }
        // A folder only root writes, as setup.sh demands of the file's folders.
        let top = FileManager.default.temporaryDirectory.appendingPathComponent("setup-shown-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: top, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: top) }
        let folder = top.appendingPathComponent("redis")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        let conf = folder.appendingPathComponent("redis.conf")
        let original = try Data(contentsOf: URL(fileURLWithPath: debians))
        try original.write(to: conf)
        try original.write(to: folder.appendingPathComponent("redis.conf.orig"))

        let setup = Package.root.appendingPathComponent("setup.sh").path
        let run = ShellCommand.run("/usr/bin/env", ["SETUP_CONF=\(conf.path)", "NO_COLOR=1", "/bin/bash", setup, "--config-only"])
        guard let result = run, result.status == 0 else {
            throw Differs("setup.sh --config-only on a copy of Debian's redis.conf failed: \(run.map { "exit \($0.status)\n\($0.output)" } ?? "it did not start")")
        }
        let printed = result.output.replacingOccurrences(of: conf.path, with: "/etc/redis/redis.conf")
            .components(separatedBy: "\n").filter { !$0.isEmpty }
        let shown = text.components(separatedBy: "\n")
        guard let first = printed.first, let start = shown.firstIndex(of: first) else {
            throw Differs("the block does not have setup.sh's first redis.conf line `\(printed.first ?? "")`: paste the run's redis.conf part again")
        }
        for (offset, line) in printed.enumerated() {
            let index = start + offset
            guard index < shown.count, shown[index] == line else {
                throw Differs("line \(index + 1) of the block is `\(index < shown.count ? shown[index] : "(none)")`, and setup.sh prints `\(line)` there")
            }
        }
        // The lines around it are checked against setup.sh's own messages: a reworded message
        // fails here until the block is taken again.
        let templates = try SetupMessageTemplates(script: String(contentsOf: Package.root.appendingPathComponent("setup.sh"), encoding: .utf8))
        for (index, line) in shown.enumerated() where !(start..<(start + printed.count)).contains(index) && !line.isEmpty {
            guard templates.matches(line) else {
                throw Differs("line \(index + 1) of the block, `\(line)`, is no message setup.sh prints: take the run again")
            }
        }
    }

    /// A second run's one line is setup.sh's own words, with this machine's Redis version and
    /// the guide's socket.
    static func setupSecondRun(_ text: String) async throws {
        let script = try String(contentsOf: Package.root.appendingPathComponent("setup.sh"), encoding: .utf8)
        guard script.contains(#"printf '%s\n' "${G}Nothing to change:${N} $answers""#),
              script.contains(#"local answers="Redis $version answers PONG on $SOCK""#)
        else {
            throw Differs("setup.sh no longer prints `Nothing to change: Redis VERSION answers PONG on SOCKET` on a run that changes nothing: update chapter 02's block")
        }
        let version = ShellCommand.run("redis-server", "--version")?.output ?? ""
        guard let number = version.split(separator: " ").first(where: { $0.hasPrefix("v=") })?.dropFirst(2) else {
            throw Differs("`redis-server --version` printed no v=: \(version)")
        }
        let expected = "Nothing to change: Redis \(number) answers PONG on \(RedisConfiguration.defaultSocketPath)"
        guard text == expected else { throw Differs("the block is `\(text)`, and setup.sh prints `\(expected)` on this machine") }
    }

    /// The doctor's `?` lines, from the doctor run on a private server started with
    /// `rename-command CONFIG ""`: the checks it could not make, as it prints them.
    static func doctorOnAHardenedServer(_ text: String) async throws {
        let server = try await PrivateRedisServer.start(extraDirectives: ["rename-command CONFIG \"\""])
        defer { server.shutDownAndRemove() }
        guard let status = UnixSocketStatus(path: server.socketPath) else { throw Differs("the private server's socket cannot be read") }
        let report = await Doctor.examine(
            DoctorOptions(socketPath: server.socketPath, configFile: server.configFile, user: .current, socketGroup: status.group))
        let printed = report.unchecked.map { "? \($0.name)  \($0.detail)" }.joined(separator: "\n")
        guard text == printed else {
            throw Differs("the block differs from the doctor's `?` lines on a server with CONFIG renamed:\n\(printed)")
        }
    }
}
