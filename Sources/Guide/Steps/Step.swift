/// One step of a chapter: a title, and the work that shows and checks it.
///
/// The body records what it did with ``StepLog/show(_:)`` and fails by throwing, usually a
/// ``StepFailure`` naming the problem and the one thing to do next. Any other error (a
/// `RedisError`, say) fails the step with its own description as the problem, and this
/// repository's remedy for it (``SetupRemedy``) as the fix.
///
/// ```swift
/// Step("a server answers PING") { log in
///     let pong = try await redis.send(PING())
///     log.show("PING → \(pong)")
/// }
/// ```
public struct Step: Sendable {
    /// What the step shows, phrased as what should be true once it passes.
    public let title: String
    let body: @Sendable (inout StepLog) async throws -> Void

    /// A step with a title and its work.
    public init(_ title: String, _ body: @escaping @Sendable (inout StepLog) async throws -> Void) {
        self.title = title
        self.body = body
    }
}

/// What a step did, line by line, as printed under its title.
public struct StepLog: Sendable {
    /// The lines recorded so far.
    public private(set) var lines: [String] = []
    /// Values the step found, by name, for tests and for later steps to read.
    public private(set) var facts: [String: String] = [:]

    /// Records a line of output.
    public mutating func show(_ line: String) {
        lines.append(contentsOf: line.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }

    /// Records a value the step found (`version = 7.0.15`), for the chapter's tests.
    public mutating func record(_ name: String, _ value: String) {
        facts[name] = value
    }
}

/// Why a step failed, and the one thing to do next.
public struct StepFailure: Error, Sendable, CustomStringConvertible {
    /// What is wrong, e.g. "redis-server is not installed".
    public let problem: String
    /// The command or edit that fixes it, e.g. "run ./setup.sh".
    public let fix: String

    /// A failure with its fix.
    public init(_ problem: String, fix: String) {
        self.problem = problem
        self.fix = fix
    }

    /// A failure for an error a step threw: its description is the problem (a library error
    /// names the general remedy), and the fix is the guide's own, ./setup.sh where that is
    /// what repairs it (``SetupRemedy``), else the doctor, which checks the whole setup.
    public init(_ error: any Error) {
        self.init(
            "\(error)",
            fix: SetupRemedy.fix(for: error)
                ?? "the error names what failed; swift run guide doctor checks the whole setup and prints a fix for each problem")
    }

    public var description: String { "\(problem) (fix: \(fix))" }
}
