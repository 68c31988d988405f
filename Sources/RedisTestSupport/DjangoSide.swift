import Foundation

/// Django itself, run as a child process: `chapters/django/django_side.py` in one of the
/// virtualenvs `setup.sh --with-test-tools` makes under `.build/django`, configured from the
/// command line, given one JSON request on stdin and answering one JSON object on stdout.
///
/// ```swift
/// let django = try DjangoSide(environment: .djangoRedis, location: "unix://\(server.socketPath)?db=0")
/// let reply = try await django.run("cache-set", ["items": [["key": "k", "sample": "int"]]])
/// ```
public struct DjangoSide: Sendable {
    /// A virtualenv made from `chapters/django/requirements-<name>.txt`.
    public struct Environment: Sendable, Hashable, CustomStringConvertible {
        /// Its name, the requirements file's suffix.
        public let name: String
        /// Django, its built-in `RedisCache`, django-redis and django-redis-sessions.
        public static let djangoRedis = Environment(name: "django-redis")
        /// Django with django-redis-cache, the article's backend (redis-py 3).
        public static let djangoRedisCache = Environment(name: "django-redis-cache")
        public var description: String { name }
    }

    /// What went wrong running Django, with what it printed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The checkout this file was built from.
    public static let projectRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The script every command runs.
    public static var script: String {
        projectRoot.appendingPathComponent("chapters/django/django_side.py").path
    }

    /// The Python of `environment`'s virtualenv.
    public static func python(_ environment: Environment) -> String {
        projectRoot.appendingPathComponent(".build/django/\(environment.name)/bin/python").path
    }

    /// The Django and Python versions of `environment`, as `Django 5.2.20 on Python 3.11.2`.
    public static func versions(_ environment: Environment) throws -> String {
        let output = try runProcess(
            python(environment),
            ["-c", "import django, platform; print(f'Django {django.get_version()} on Python {platform.python_version()}')"],
            input: Data())
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public let environment: Environment
    /// The options before the command (`--backend`, `--location`, ...).
    public let arguments: [String]

    /// Django configured by `arguments` (see the script's docstring), in `environment`.
    ///
    /// - Throws: ``Failure`` saying how to install the environment when it is missing: a
    ///   test that needs Django never skips silently.
    public init(environment: Environment, arguments: [String]) throws {
        let python = Self.python(environment)
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure(description: """
                Django's test environment '\(environment)' is not installed (no \(python)). \
                Run ./setup.sh --with-test-tools: it installs python3-venv and Django from PyPI into .build/django.
                """)
        }
        self.environment = environment
        self.arguments = arguments
    }

    /// Runs `command` with `request` as JSON on stdin and returns the JSON object it printed.
    public func run(_ command: String, _ request: [String: any Sendable] = [:]) throws -> [String: Any] {
        let input = try JSONSerialization.data(withJSONObject: request)
        let output = try Self.runProcess(Self.python(environment), [Self.script] + arguments + [command], input: input)
        guard let reply = try? JSONSerialization.jsonObject(with: output) as? [String: Any] else {
            throw Failure(description: "django_side.py \(command) printed no JSON object: \(String(decoding: output.prefix(500), as: UTF8.self))")
        }
        return reply
    }

    /// Runs `executable` to its end, feeding it `input`, and returns its standard output.
    ///
    /// - Throws: ``Failure`` with the end of its standard error when it exits non-zero.
    static func runProcess(_ executable: String, _ arguments: [String], input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // No __pycache__ in chapters/django: a reader's clone stays as git checked it out.
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderrFile = FileManager.default.temporaryDirectory.appendingPathComponent("django-side-\(UUID().uuidString).err")
        guard FileManager.default.createFile(atPath: stderrFile.path, contents: nil) else {
            throw Failure(description: "could not create \(stderrFile.path) for the child's errors")
        }
        defer { try? FileManager.default.removeItem(at: stderrFile) }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
        try stdin.fileHandleForWriting.write(contentsOf: input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let errors = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
            throw Failure(description: """
                \(URL(fileURLWithPath: executable).lastPathComponent) \(arguments.joined(separator: " ")) \
                exited with status \(process.terminationStatus):
                \(errors.split(separator: "\n").suffix(15).joined(separator: "\n"))
                """)
        }
        return output
    }
}
