import Foundation
import Guide
import RedisTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A prepared scenario: the private servers a chapter's transcript runs against, how its
/// commands reach them, and how to take it all down.
///
/// The commands run as the chapter shows them, with two rewrites: the chapter's socket and
/// ports become the private ones (``commandRewrites``), and the private ones become the
/// chapter's again in what the commands print (``outputRewrites``).
public final class TranscriptStage: @unchecked Sendable {
    // Filled in by the scenario while it prepares, then only read; one block runs at a time.

    /// A folder of the scenario's own: the commands' working directory, and `$CURL_HOME`.
    public let directory: URL
    /// Variables added to the commands' environment (`REDIS_URL`, `CURL_HOME`).
    var environment: [String: String] = [:]
    /// `(shown, actual)`: text of the chapter's commands replaced before they run.
    var commandRewrites: [(String, String)] = []
    /// `(actual, shown)`: text of what the commands print replaced before it is compared.
    var outputRewrites: [(String, String)] = []
    /// The chapter's `swift run NAME` run as this package's executable: `my-app` → `your-app`.
    var executableAliases: [String: String] = [:]
    /// Commands that serve until stopped (`keyspace --web`): their prefix, and the text that
    /// says they are ready. Their output is what they printed by then; they stop with the stage.
    var servers: [(prefix: String, readyWhen: String)] = []
    /// A process whose network namespace the commands run in (see ``isolateNetwork()``).
    private(set) var namespace: Process?
    private var privateTmp = false
    private var teardown: [@Sendable () async -> Void] = []

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("transcript-\(getpid())-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // At a terminal curl shows no progress meter; here its output is a file, where it would.
        try "no-progress-meter\n".write(to: directory.appendingPathComponent(".curlrc"), atomically: true, encoding: .utf8)
        environment["CURL_HOME"] = directory.path
    }

    /// Runs the commands against `server` where the chapter names the reader's socket, and
    /// shuts it down with the stage.
    func use(_ server: PrivateRedisServer, shownAs shown: String = "/var/run/redis/redis.sock") {
        commandRewrites.append((shown, server.socketPath))
        outputRewrites.append((server.socketPath, shown))
        environment["REDIS_URL"] = "unix://\(server.socketPath)"
        onTeardown { server.shutDownAndRemove() }
    }

    /// Sends the chapter's `curl http://127.0.0.1:<shown>/...` to `port`, with the `Host` the
    /// chapter shows (so pages get the chapter's keys): curl's `connect-to` in a `.curlrc` of
    /// the stage's own, the command itself unchanged.
    func route(curlTo shown: Int, to port: Int) throws {
        let line = "connect-to = \"127.0.0.1:\(shown):127.0.0.1:\(port)\"\n"
        let file = directory.appendingPathComponent(".curlrc")
        let before = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        try (before + line).write(to: file, atomically: true, encoding: .utf8)
        environment["CURL_HOME"] = directory.path
    }

    /// Runs the commands in a network namespace of their own, with a loopback of its own, so a
    /// program the chapter shows on a fixed port (`127.0.0.1:8080`) gets that port whatever
    /// this machine's programs hold. Unix sockets are files, so the private Redis is still
    /// reached. Needs unprivileged user namespaces (`unshare -rn`), which Debian and Ubuntu allow.
    ///
    /// With `privateTmp`, the commands also see a `/tmp` of their own (an empty tmpfs in a mount
    /// namespace): a chapter's fixed `/tmp/article-demo` is then theirs, used as it is.
    func isolateNetwork(privateTmp: Bool = false) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        // `unshare` runs the shell in the new namespaces; it raises the loopback, then waits.
        let mount = privateTmp ? "mount -t tmpfs tmpfs /tmp && " : ""
        process.arguments = [privateTmp ? "-rnm" : "-rn", "/bin/sh", "-c", "\(mount)ip link set lo up && echo up && exec sleep 3600"]
        self.privateTmp = privateTmp
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        onTeardown {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let line = pipe.fileHandleForReading.availableData
        guard String(decoding: line, as: UTF8.self).hasPrefix("up") else {
            throw TranscriptError(text: "could not make a network namespace (`unshare -rn` then `ip link set lo up`): \(String(decoding: line, as: UTF8.self)); the commands need a loopback of their own")
        }
        namespace = process
    }

    /// The program and arguments that run `line` in the stage's shell (inside its network
    /// namespace, when it has one).
    func shell(_ line: String) -> (String, [String]) {
        guard let namespace else { return ("/bin/bash", ["-c", line]) }
        let namespaces = privateTmp ? ["-U", "-n", "-m"] : ["-U", "-n"]
        return ("/usr/bin/nsenter", ["--preserve-credentials"] + namespaces + ["-t", "\(namespace.processIdentifier)", "/bin/bash", "-c", line])
    }

    /// Runs `line` in the stage's shell (and network namespace) while the scenario prepares,
    /// and returns what it printed. Output goes to a file, not a pipe: a daemon it starts
    /// (`redis-server --daemonize yes`) would hold a pipe open, and a read to its end, forever.
    @discardableResult
    func execute(_ line: String) async throws -> String {
        let (program, arguments) = shell(line)
        let outputFile = directory.appendingPathComponent("prepare-\(UUID().uuidString.prefix(8))")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let handle = try FileHandle(forWritingTo: outputFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
        guard await waitUntil(limit: .seconds(30), { process.isRunning ? nil : true }) != nil else {
            kill(process.processIdentifier, SIGKILL)
            throw TranscriptError(text: "`\(line)` did not finish within 30 s while preparing the scenario")
        }
        let output = ((try? String(contentsOf: outputFile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            throw TranscriptError(text: "`\(line)` failed while preparing the scenario: \(output)")
        }
        return output
    }

    /// Starts `line`, a server that runs in the foreground, in the stage's shell (and network
    /// namespace); it is killed when the stage comes down.
    func startInBackground(_ line: String) throws {
        let (program, arguments) = shell("exec \(line)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        onTeardown {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Adds work to do when the stage comes down (last added, first done).
    func onTeardown(_ work: @escaping @Sendable () async -> Void) {
        teardown.append(work)
    }

    /// Stops what the scenario started and removes its folder.
    public func tearDown() async {
        for work in teardown.reversed() { await work() }
        teardown = []
        try? FileManager.default.removeItem(at: directory)
    }
}
