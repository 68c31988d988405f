import Foundation

/// One row of a benchmark: our figure beside the reference measured in the same run.
struct BenchRow: Codable, Sendable {
    var name: String
    /// Our figure (operations per second unless the suite says otherwise).
    var ours: Double
    /// The reference's figure, measured in the same run.
    var reference: Double
    /// `ours / reference`.
    var ratio: Double
    /// Median latency of one request (or one pipeline of requests), in microseconds.
    var oursP50Microseconds: Double?
    var referenceP50Microseconds: Double?
    /// 99th percentile latency, in microseconds, where the suite measures it.
    var oursP99Microseconds: Double?
    var referenceP99Microseconds: Double?
    /// The reference of this row when it is not the suite's (the pickle rows of `bench serializer`
    /// compare with CPython, the JSON rows with Foundation).
    var referenceName: String?
}

/// A suite's rows, printed as a table or as `{"suite":…,"rows":[…]}`.
struct BenchReport: Codable, Sendable {
    var suite: String
    var rows: [BenchRow]

    /// The rows as a table; figures rounded to `decimals` places (allocation counts want one).
    func printTable(reference: String, unit: String = "ops/s", decimals: Int = 0) {
        let withP99 = rows.contains { $0.oursP99Microseconds != nil }
        var header = ["test", "ours \(unit)", "\(reference) \(unit)", "ratio", "ours p50 µs", "ref p50 µs"]
        if withP99 { header += ["ours p99 µs", "ref p99 µs"] }
        var lines = [header]
        for row in rows {
            var line = [
                row.referenceName.map { "\(row.name) (reference: \($0))" } ?? row.name, Self.format(row.ours, decimals: decimals), Self.format(row.reference, decimals: decimals), Self.format(row.ratio, decimals: 2),
                row.oursP50Microseconds.map { Self.format($0, decimals: 1) } ?? "-",
                row.referenceP50Microseconds.map { Self.format($0, decimals: 1) } ?? "-",
            ]
            if withP99 {
                line += [
                    row.oursP99Microseconds.map { Self.format($0, decimals: 0) } ?? "-",
                    row.referenceP99Microseconds.map { Self.format($0, decimals: 0) } ?? "-",
                ]
            }
            lines.append(line)
        }
        let widths = header.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        for (index, line) in lines.enumerated() {
            let cells = line.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }
            print(cells.joined(separator: "  "))
            if index == 0 { print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
    }

    /// JSON when `json`, else the table: what every suite prints at the end.
    func show(json: Bool, reference: String, unit: String = "ops/s", decimals: Int = 0) throws {
        if json {
            try printJSON()
        } else {
            printTable(reference: reference, unit: unit, decimals: decimals)
        }
    }

    func printJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(self), as: UTF8.self))
    }

    static func format(_ value: Double, decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}

extension BenchReport {
    /// The rows as a Markdown table, for the appendix chapter.
    func markdownTable(reference: String, unit: String, decimals: Int = 0) -> String {
        let withP50 = rows.contains { $0.oursP50Microseconds != nil }
        let withP99 = rows.contains { $0.oursP99Microseconds != nil }
        let suffix = unit.isEmpty ? "" : " " + unit
        var header = ["test", "ours" + suffix, reference + suffix, "ratio"]
        if withP50 { header += ["ours p50 µs", "ref p50 µs"] }
        if withP99 { header += ["ours p99 µs", "ref p99 µs"] }
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + header.indices.map { $0 == 0 ? "---" : "--:" }.joined(separator: "|") + "|"]
        for row in rows {
            var cells = [
                row.referenceName.map { "\(row.name) (reference: \($0))" } ?? row.name,
                Self.format(row.ours, decimals: decimals), Self.format(row.reference, decimals: decimals), Self.format(row.ratio, decimals: 2),
            ]
            if withP50 {
                cells += [row.oursP50Microseconds.map { Self.format($0, decimals: 1) } ?? "–", row.referenceP50Microseconds.map { Self.format($0, decimals: 1) } ?? "–"]
            }
            if withP99 {
                cells += [row.oursP99Microseconds.map { Self.format($0, decimals: 0) } ?? "–", row.referenceP99Microseconds.map { Self.format($0, decimals: 0) } ?? "–"]
            }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
