import ArgumentParser
import Chapters
import Foundation

/// `bench appendix`: runs every suite with its default load and writes the guide's appendix
/// chapter (`chapters/appendix-benchmarks.md`): the machine, the commands, and each suite's
/// figures beside the reference measured in the same run. The chapters link there rather than
/// carry figures of their own, so no figure in the guide is older than its last run.
struct AppendixBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appendix",
        abstract: "Runs every suite and writes the appendix chapter with the figures and the machine they were measured on.",
        discussion: "Takes about six minutes. Run it on a quiet machine, from the repository's root. Needs wrk for the page and sessions suites (./setup.sh --with-bench-tools); a suite that cannot run is written as not measured, with the reason, and the command then exits with a failure.")

    @Option(help: "The chapter to write.") var output = "chapters/appendix-benchmarks.md"
    @Option(help: "Suites to run (comma-separated), in the appendix's order.") var suites = AppendixSection.all.map(\.name).joined(separator: ",")

    func run() async throws {
        let chosen = try suites.split(separator: ",").map { name in
            guard let section = AppendixSection.all.first(where: { $0.name == name }) else {
                throw ValidationError("unknown suite '\(name)': use \(AppendixSection.all.map(\.name).joined(separator: ", "))")
            }
            return section
        }
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder) else {
            throw ValidationError("no folder \(folder): run bench appendix from the repository's root, or pass --output")
        }
        let machine = MachineDescription.current()
        let started = Date()
        var written: [String] = []
        var failed: [String] = []
        for section in chosen {
            FileHandle.standardError.write(Data("== \(section.name): \(section.command)\n".utf8))
            var notes: [String] = []
            do {
                let report = try await section.run { line in
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                    if section.keepsProgress(line) { notes.append(line) }
                }
                written.append(section.markdown(report: report, notes: notes))
            } catch {
                failed.append(section.name)
                written.append(section.markdown(notMeasuredBecause: "\(error)"))
            }
        }
        let text = AppendixSection.chapter(machine: machine, started: started, finished: Date(), sections: written)
        try text.write(toFile: output, atomically: true, encoding: .utf8)
        print("wrote \(output) (\(chosen.count) suites\(failed.isEmpty ? "" : "; not measured: " + failed.joined(separator: ", ")))")
        if !failed.isEmpty { throw ExitCode.failure }
    }
}

/// One suite as the appendix shows it: what it measures, against what, and how to run it alone.
struct AppendixSection: Sendable {
    var name: String
    var title: String
    var command: String
    var explanation: String
    var reference: String
    var unit: String
    var decimals = 0
    /// Progress lines worth keeping in the appendix (figures the table has no column for).
    var keepsProgress: @Sendable (String) -> Bool = { _ in false }
    var run: @Sendable (@escaping (String) -> Void) async throws -> BenchReport

    static let all: [AppendixSection] = [
        AppendixSection(
            name: "client", title: "The Redis client beside redis-benchmark",
            command: "swift run -c release bench client",
            explanation: """
                GET and SET of a 3-byte value on a private `redis-server`, with 1 and 50 connections and \
                pipelines of 1 and 16 commands, over the Unix socket and loopback TCP. The reference is \
                `redis-benchmark` with the same `-c`, `-P` and `-n`, run against the same server in the same \
                run: a C client with one event loop, the ceiling a client can reach on this machine.
                """,
            reference: "redis-benchmark", unit: "ops/s",
            run: { progress in try await ClientBench.parse([]).suite(progress: progress).run() }),
        AppendixSection(
            name: "client-tls", title: "The Redis client over TLS beside redis-benchmark --tls",
            command: "swift run -c release bench client --transports tls",
            explanation: """
                The same workloads over TLS (chapter 08): the same private `redis-server` with a `tls-port` \
                and certificates made for the run, our client (NIOSSL) and `redis-benchmark --tls` (OpenSSL) \
                each verifying the server's certificate against the run's CA. Our connections are opened \
                before the timed loop; redis-benchmark completes its TLS handshakes inside its timed run, \
                which costs it a little with 50 connections and short runs.
                """,
            reference: "redis-benchmark --tls", unit: "ops/s",
            run: { progress in try await ClientBench.parse(["--transports", "tls"]).suite(progress: progress).run() }),
        AppendixSection(
            name: "cache", title: "The cache API beside the raw client",
            command: "swift run -c release bench cache",
            explanation: """
                `RedisCache` `get` and `set` of the article's `my-key` value (chapter 04) beside the raw \
                client sending the same bytes, from 1 and 16 tasks: what the cache's key making, \
                serializing and error handling cost on top of the round trip. Medians of 5 alternating rounds.
                """,
            reference: "raw client", unit: "ops/s",
            run: { progress in try await CacheBench.parse([]).suite(progress: progress).run() }),
        AppendixSection(
            name: "serializer", title: "Serializers beside Foundation and CPython",
            command: "swift run -c release bench serializer",
            explanation: """
                Encoding and decoding the article's value on one thread, no Redis: the cache's FastJSON \
                serializer beside Foundation's `JSONEncoder`/`JSONDecoder`, and LarderPickle (chapter 07) \
                beside CPython's C `pickle`, timed with `timeit` in the same run.
                """,
            reference: "Foundation", unit: "ops/s",
            run: { progress in try SerializerBench.parse([]).suite(progress: progress).run() }),
        AppendixSection(
            name: "page", title: "Chapter 03's site under load beside Django",
            command: "swift run -c release bench page",
            explanation: """
                Chapter 03's site in a release build on a private Redis, loaded with `wrk -t2 -c32 -d10s`: \
                `/` (every request a cache hit) and `/uncached` (a 20 ms render each time). The reference \
                is the article's stack measured on the same kind of machine: Django 6.1 with \
                django-redis-cache behind gunicorn, 2 sync workers (the figures are in \
                `Sources/bench/PageSuite.swift`). wrk, the site and Redis share the machine's cores.
                """,
            reference: "Django", unit: "req/s",
            run: { progress in try await PageBench.parse([]).suite(progress: progress).run() }),
        AppendixSection(
            name: "sessions", title: "Chapter 05's session engines under load beside Django",
            command: "swift run -c release bench sessions --new-sessions",
            explanation: """
                Chapter 05's `/session` counter on each engine, on a private Redis (and a SQLite file for \
                the cached DB engine), loaded with `wrk -t2 -c32 -d10s` and a fixed session cookie, so \
                every request loads and saves one session; then the cache engine without a cookie, a new \
                session per request, as the reference was measured. A session costs two Redis round \
                trips (a `GET` to load it, a `SET … XX EX` to save it); the cached DB engine adds a SQLite \
                `UPDATE` and a signature. The reference is Django's engines on the article's stack.
                """,
            reference: "Django", unit: "req/s",
            keepsProgress: { $0.hasPrefix("keys left behind") },
            run: { progress in try await SessionsBench.parse(["--new-sessions"]).suite(progress: progress).run() }),
        AppendixSection(
            name: "cluster", title: "Chapter 08's cluster client beside redis-benchmark --cluster",
            command: "swift run -c release bench cluster",
            explanation: """
                `GET` and `SET` on a private 6-node cluster (3 primaries, a replica each), 50 callers with \
                16 commands each in flight, keys drawn from 100,000, beside `redis-benchmark --cluster` \
                with the same `-c`, `-P`, `-r` and `-n` on the same cluster in the same run. \
                redis-benchmark gives each client one primary (a hash tag of its slots in every key), so \
                the compared rows do the same; the rows with keys of every slot spread each pipeline over \
                the three primaries, as an application's keys do, against the same reference. \
                redis-benchmark's rate is read off the primaries' own command counts (`INFO stats`, \
                sampled every 50 ms between a tenth and nine tenths of its run), not off the figure it \
                prints, which its 250 ms end-of-run timer rounds down; our callers run on one event loop \
                per core, as NIO's shared group has (redis-benchmark runs a thread per primary). Five \
                rounds per command, the reference and ours alternating; each row gives the medians. \
                Ours is timed over its whole run, start and tail included.
                """,
            reference: "redis-benchmark --cluster", unit: "ops/s",
            run: { progress in try await ClusterBench.parse([]).suite(progress: progress).run() }),
        AppendixSection(
            name: "failover", title: "Chapter 08's Sentinel failover under load",
            command: "swift run -c release bench failover",
            explanation: """
                A private primary, a replica and three sentinels (`down-after-milliseconds 1000`); \
                chapter 03's site (fail-open page cache) and a standalone session store on \
                `RedisSentinelClient` under load; the primary killed with `SIGKILL`. Each row beside \
                what it is naturally measured against: the sentinels' `down-after-milliseconds` (no \
                failover starts sooner), the 5 s target for session writes, the pages requested in \
                the window, the writes acknowledged before the kill (with and without `WAIT 1`).
                """,
            reference: "reference", unit: "",
            run: { progress in try await FailoverBench.measure(progress: progress) }),
    ]

    /// The section with its figures.
    func markdown(report: BenchReport, notes: [String]) -> String {
        var text = "## \(title)\n\n\(explanation)\n\n```shell\n\(command)\n```\n\n\(report.markdownTable(reference: reference, unit: unit, decimals: decimals))\n"
        if !notes.isEmpty { text += "\n" + notes.map { "- \($0)" }.joined(separator: "\n") + "\n" }
        return text
    }

    /// The section of a suite that could not run, and why.
    func markdown(notMeasuredBecause reason: String) -> String {
        "## \(title)\n\n\(explanation)\n\n```shell\n\(command)\n```\n\n**Not measured in this run:** \(reason)\n"
    }

    /// The whole chapter.
    static func chapter(machine: MachineDescription, started: Date, finished: Date, sections: [String]) -> String {
        let format = ISO8601DateFormatter()
        let minutes = Int((finished.timeIntervalSince(started) / 60).rounded(.up))
        return """
            <!-- Written by `swift run -c release bench appendix`; edits here are overwritten by its next run. -->
            # Appendix: How fast

            The figures of the guide, each beside a reference measured in the same run on the same
            machine, so the **ratio** is the figure to compare: machines of this kind differ by 40 % from
            one to the next, and a figure taken while something else runs is lower. Every suite starts its
            own `redis-server` on a temporary socket and never touches yours. To measure your machine,
            from the repository's root (about six minutes; the page and sessions suites need `wrk`,
            which `./setup.sh --with-bench-tools` installs):

            ```shell
            swift run -c release bench appendix
            ```

            It rewrites this page. Each suite also runs alone (its command is under its heading), prints a
            table, and with `--json` prints `{"suite":…,"rows":[{"name":…,"ours":…,"reference":…,"ratio":…}]}`.

            ## The machine

            Run from \(format.string(from: started)) to \(format.string(from: finished)) (\(minutes) min).

            \(machine.markdown)

            \(sections.joined(separator: "\n"))
            Previous: [Use it in your own app](your-own-app.md) · [All chapters](../README.md#chapters)

            """
    }
}
