/// A chapter of the guide as steps run in order, by its own executable or by the tour.
public struct Chapter: Sendable {
    /// The chapter's number, e.g. 2.
    public let number: Int
    /// The executable's name and the chapter file's slug, e.g. `configure-socket`.
    public let name: String
    /// The title, e.g. "Listen on a Unix socket".
    public let title: String
    /// The steps, in the order the chapter text presents them.
    public let steps: [Step]

    /// A chapter.
    public init(number: Int, name: String, title: String, steps: [Step]) {
        self.number = number
        self.name = name
        self.title = title
        self.steps = steps
    }

    /// The Markdown file that explains the chapter, e.g. `chapters/02-configure-socket.md`.
    public var file: String { "chapters/\(paddedNumber)-\(name).md" }

    /// The number with two digits, as in the file names: `02`.
    public var paddedNumber: String { number < 10 ? "0\(number)" : "\(number)" }

    /// Runs every step in order, stopping at the first failure (later steps build on earlier
    /// ones), and prints each as it completes when `terminal` is given.
    public func run(printingTo terminal: Terminal? = nil) async -> ChapterReport {
        let started = ContinuousClock.now
        terminal?.print(terminal?.styled("Chapter \(paddedNumber): \(title)", .bold) ?? "")
        var outcomes: [StepOutcome] = []
        for step in steps {
            var log = StepLog()
            let outcome: StepOutcome
            do {
                try await step.body(&log)
                outcome = StepOutcome(title: step.title, log: log, failure: nil)
            } catch let failure as StepFailure {
                outcome = StepOutcome(title: step.title, log: log, failure: failure)
            } catch {
                outcome = StepOutcome(title: step.title, log: log, failure: StepFailure(error))
            }
            outcomes.append(outcome)
            if let terminal { outcome.print(to: terminal) }
            if outcome.failure != nil { break }
        }
        let skipped = steps.dropFirst(outcomes.count).map(\.title)
        if let terminal, !skipped.isEmpty {
            for title in skipped { terminal.print("  \(terminal.styled("·", .dim)) \(terminal.styled("\(title) (not run)", .dim))") }
        }
        return ChapterReport(chapter: self, outcomes: outcomes, skipped: skipped, duration: ContinuousClock.now - started)
    }
}

/// How one step went.
public struct StepOutcome: Sendable {
    /// The step's title.
    public let title: String
    /// What it showed and found.
    public let log: StepLog
    /// Why it failed, or `nil` when it passed.
    public let failure: StepFailure?

    /// Whether the step passed.
    public var passed: Bool { failure == nil }

    func print(to terminal: Terminal) {
        terminal.print("  \(passed ? terminal.pass : terminal.fail) \(title)")
        for line in log.lines { terminal.print("      \(line)") }
        if let failure {
            terminal.print("      \(terminal.styled(failure.problem, .red))")
            terminal.print("      \(terminal.styled("→ next: \(failure.fix)", .yellow))")
        }
    }
}

/// The result of running a chapter.
public struct ChapterReport: Sendable {
    /// The chapter run.
    public let chapter: Chapter
    /// The steps run, in order; the last one failed if any did.
    public let outcomes: [StepOutcome]
    /// Titles of the steps not run after a failure.
    public let skipped: [String]
    /// How long the chapter took.
    public let duration: Duration

    /// Whether every step ran and passed.
    public var passed: Bool { skipped.isEmpty && outcomes.allSatisfy(\.passed) }

    /// A fact recorded by any step (see ``StepLog/record(_:_:)``).
    public func fact(_ name: String) -> String? {
        outcomes.lazy.compactMap { $0.log.facts[name] }.first
    }
}
