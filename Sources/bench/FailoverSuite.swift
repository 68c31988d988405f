import ArgumentParser
import Chapters
import Foundation

/// `bench failover`: a private primary, replica and three sentinels; chapter 03's site and a
/// session store on the Sentinel client under load; the primary killed with SIGKILL. The
/// timeline in milliseconds beside what it is naturally measured against: the sentinels'
/// `down-after-milliseconds` (no failover can start sooner), the 5 s target for
/// session writes, the requests made in the window, the writes acknowledged.
struct FailoverBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover",
        abstract: "Sentinel failover under load: kill → +switch-master → first write on the new primary; pages served; writes lost.",
        discussion: "Starts its own redis-server primary, replica and three sentinels on loopback ports; never touches yours.")

    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() async throws {
        let json = json
        let report = try await Self.measure(progress: { line in
            if !json { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        })
        try report.show(json: json, reference: "reference", unit: "", decimals: 0)
    }

    /// One failover measured, as rows; `progress` gets the timeline as it happens and the
    /// demo's summary lines.
    static func measure(progress: @escaping (String) -> Void) async throws -> BenchReport {
        let report = try await SentinelDemo.measureFailover(progress: progress)
        SentinelDemo.lines(report).forEach(progress)
        func ms(_ duration: Duration?) -> Double {
            guard let duration else { return .infinity }
            return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
        let downAfter = ms(report.downAfter)
        let rows = [
            BenchRow(
                name: "kill → +switch-master ms (reference: down-after-milliseconds)", ours: ms(report.killToSwitchMaster),
                reference: downAfter, ratio: ms(report.killToSwitchMaster) / downAfter),
            BenchRow(
                name: "kill → first session write on the new primary ms (reference: the 5 s target)", ours: ms(report.killToFirstWrite),
                reference: 5000, ratio: ms(report.killToFirstWrite) / 5000),
            BenchRow(
                name: "pages served 200 in the window (reference: pages requested)", ours: Double(report.pagesServed),
                reference: Double(report.pagesServed + report.pagesFailed),
                ratio: Double(report.pagesServed) / Double(max(1, report.pagesServed + report.pagesFailed))),
            BenchRow(
                name: "WAIT-acknowledged writes lost (reference: writes acknowledged)", ours: Double(report.waitedLost),
                reference: Double(report.waitedAcknowledged), ratio: Double(report.waitedLost) / Double(max(1, report.waitedAcknowledged))),
            BenchRow(
                name: "writes without WAIT lost (reference: writes acknowledged)", ours: Double(report.unwaitedLost),
                reference: Double(report.unwaitedAcknowledged), ratio: Double(report.unwaitedLost) / Double(max(1, report.unwaitedAcknowledged))),
        ]
        return BenchReport(suite: "failover", rows: rows)
    }
}
