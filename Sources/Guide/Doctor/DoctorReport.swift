/// One finding of the doctor: what was checked, what was seen, and how to fix it.
public struct DoctorCheck: Sendable, Hashable {
    /// How a check ended.
    public enum Outcome: Sendable, Hashable {
        /// It holds.
        case passed
        /// It does not hold; ``DoctorCheck/fix`` says what to do.
        case failed
        /// It could not be made (a command disabled or renamed on a hardened server, say);
        /// ``DoctorCheck/detail`` says why. Neither a pass nor a failure.
        case unchecked
    }

    /// What should be true, e.g. "TCP is off (port 0)".
    public let name: String
    /// Whether it is, or whether it could be checked at all.
    public let outcome: Outcome
    /// What was seen, e.g. "CONFIG GET port → 6379", or why the check could not be made.
    public let detail: String
    /// The one command or edit that fixes a failure; `nil` otherwise.
    public let fix: String?

    /// Whether the check was made and holds.
    public var passed: Bool { outcome == .passed }

    /// A passing check.
    public static func pass(_ name: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(name: name, outcome: .passed, detail: detail, fix: nil)
    }

    /// A failing check with its fix.
    public static func fail(_ name: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(name: name, outcome: .failed, detail: detail, fix: fix)
    }

    /// A check that could not be made, and why.
    public static func unchecked(_ name: String, _ reason: String) -> DoctorCheck {
        DoctorCheck(name: name, outcome: .unchecked, detail: reason, fix: nil)
    }
}

/// Everything the doctor found, in the order it checked.
public struct DoctorReport: Sendable {
    /// The checks, in order.
    public let checks: [DoctorCheck]

    /// Whether no check failed. Checks that could not be made do not count either way: the
    /// report judges from what it could read, and ``unchecked`` lists the rest.
    public var passed: Bool { failures.isEmpty }

    /// The failed checks.
    public var failures: [DoctorCheck] { checks.filter { $0.outcome == .failed } }

    /// The checks that could not be made.
    public var unchecked: [DoctorCheck] { checks.filter { $0.outcome == .unchecked } }

    /// The check called `name`, if it ran.
    public func check(_ name: String) -> DoctorCheck? { checks.first { $0.name == name } }

    /// Prints one line per check, with the fix under each failure, then a summary.
    public func print(to terminal: Terminal) {
        for check in checks {
            let mark = switch check.outcome {
            case .passed: terminal.pass
            case .failed: terminal.fail
            case .unchecked: terminal.styled("?", .yellow)
            }
            terminal.print("\(mark) \(check.name)  \(terminal.styled(check.detail, .dim))")
            if let fix = check.fix { terminal.print("    \(terminal.styled("fix: \(fix)", .yellow))") }
        }
        terminal.print()
        let made = checks.count - unchecked.count
        let notMade = unchecked.isEmpty
            ? ""
            : " \(unchecked.count) could not be made (marked ?): the result stands on the \(made) that could."
        if passed {
            terminal.print(terminal.styled(unchecked.isEmpty ? "All \(checks.count) checks passed." : "All \(made) checks that could be made passed.", .green) + notMade)
        } else {
            terminal.print(terminal.styled("\(failures.count) of \(made) checks failed.", .red) + " Fix the first one first: later ones often follow from it." + notMade)
        }
    }
}
