import Guide

/// Chapter 08: when one Redis is not enough (chapters/08-beyond-one-redis.md). Each step starts
/// private servers of its own on loopback ports (a TLS server, a primary with a replica and three
/// sentinels, a six-node cluster), runs the same cache, page cache and sessions on them, and stops
/// them: the reader's Redis is never touched, and the chapter runs on a machine with only the
/// socket of chapter 02.
public enum BeyondOneRedis {
    /// The chapter's steps.
    public static func chapter(_ settings: GuideSettings = GuideSettings()) -> Chapter {
        Chapter(
            number: 8, name: "beyond-one-redis", title: "When one Redis is not enough",
            steps: [
                demoStep("TLS, and the app's own Redis user") { try await TLSDemo.run(print: { _ in }) },
                demoStep("Sentinel: the primary killed under load") { try await SentinelDemo.run() },
                demoStep("Cluster: the keys over three primaries, and a slot resharded under load") { try await ClusterDemo.run(print: { _ in }) },
            ])
    }

    /// A step that runs `demo` and shows its lines; a line starting with `✗` fails the step.
    static func demoStep(_ title: String, _ demo: @escaping @Sendable () async throws -> [String]) -> Step {
        Step(title) { log in
            let lines: [String]
            do {
                lines = try await demo()
            } catch {
                throw StepFailure(error)
            }
            for line in lines { log.show(line) }
            if let failed = lines.first(where: { $0.hasPrefix("✗") }) {
                throw StepFailure(String(failed.dropFirst(2)), fix: "this is a bug of the chapter's code or of your redis-server's build: run `swift test --filter BeyondOneRedis` and report it")
            }
        }
    }
}
