/// One finding of the doctor: what was checked, what was seen, and how to fix it.
public struct DoctorCheck: Sendable, Hashable {
    /// What should be true, e.g. "TCP is off (port 0)".
    public let name: String
    /// Whether it is.
    public let passed: Bool
    /// What was seen, e.g. "CONFIG GET port → 6379".
    public let detail: String
    /// The one command or edit that fixes a failure; `nil` when it passed.
    public let fix: String?

    /// A passing check.
    public static func pass(_ name: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(name: name, passed: true, detail: detail, fix: nil)
    }

    /// A failing check with its fix.
    public static func fail(_ name: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(name: name, passed: false, detail: detail, fix: fix)
    }
}

/// Everything the doctor found, in the order it checked.
public struct DoctorReport: Sendable {
    /// The checks, in order.
    public let checks: [DoctorCheck]

    /// Whether every check passed.
    public var passed: Bool { checks.allSatisfy(\.passed) }

    /// The failed checks.
    public var failures: [DoctorCheck] { checks.filter { !$0.passed } }

    /// The check called `name`, if it ran.
    public func check(_ name: String) -> DoctorCheck? { checks.first { $0.name == name } }

    /// Prints one line per check, with the fix under each failure, then a summary.
    public func print(to terminal: Terminal) {
        for check in checks {
            terminal.print("\(check.passed ? terminal.pass : terminal.fail) \(check.name)  \(terminal.styled(check.detail, .dim))")
            if let fix = check.fix { terminal.print("    \(terminal.styled("fix: \(fix)", .yellow))") }
        }
        terminal.print()
        if passed {
            terminal.print(terminal.styled("All \(checks.count) checks passed.", .green))
        } else {
            terminal.print(terminal.styled("\(failures.count) of \(checks.count) checks failed.", .red) + " Fix the first one first: later ones often follow from it.")
        }
    }
}
