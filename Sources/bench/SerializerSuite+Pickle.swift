import Foundation
import LarderPickle
import NIOCore

/// `bench serializer`'s pickle rows: the article's `my-key` value pickled at protocol 5 (what
/// Django's `RedisCache` writes) by LarderPickle, through `Codable` and as a `PickleValue`, beside
/// CPython's own `pickle.dumps`/`pickle.loads` of the same value, timed by a python3 subprocess
/// (`timeit`) in the same run.
extension SerializerSuite {
    func runPickle() throws -> [BenchRow] {
        let value = CacheSuite.ArticleValue()
        let pickled = try PickleEncoder().encodeValue(value)
        var stored = ByteBuffer()
        try Pickle.encode(pickled, protocol: 5, into: &stored)
        guard try PickleDecoder().decode(CacheSuite.ArticleValue.self, from: stored) == value else {
            throw BenchError("LarderPickle does not read back the article's value")
        }
        let storedBytes = stored.getBytes(at: stored.readerIndex, length: stored.readableBytes) ?? []
        let cpython = try measureCPython(pickle: storedBytes)
        progress("CPython \(cpython.version): pickle.dumps \(Int(cpython.dumps)) ops/s, pickle.loads \(Int(cpython.loads)) ops/s")

        func row(_ name: String, reference: Double, _ operation: () throws -> Int) throws -> BenchRow {
            var rates: [Double] = []
            for _ in 0..<repeats { rates.append(try measure(operation)) }
            let rate = rates.sorted()[repeats / 2]
            progress("\(name): LarderPickle \(Int(rate)) ops/s (\(String(format: "%.2f", 1e6 / rate)) µs), CPython \(Int(reference)) ops/s")
            var row = BenchRow(name: name, ours: rate, reference: reference, ratio: rate / reference)
            row.referenceName = "CPython \(cpython.version) pickle"
            return row
        }
        return [
            try row("pickle encode my-key (Codable)", reference: cpython.dumps) {
                var buffer = ByteBuffer()
                try PickleEncoder().encode(value, protocol: 5, into: &buffer)
                return buffer.readableBytes
            },
            try row("pickle decode my-key (Codable)", reference: cpython.loads) {
                try PickleDecoder().decode(CacheSuite.ArticleValue.self, from: stored).anInteger
            },
            try row("pickle encode my-key (PickleValue)", reference: cpython.dumps) {
                var buffer = ByteBuffer()
                try Pickle.encode(pickled, protocol: 5, into: &buffer)
                return buffer.readableBytes
            },
            try row("pickle decode my-key (PickleValue)", reference: cpython.loads) {
                try Pickle.decode(stored).dictPairs?.count ?? 0
            },
        ]
    }

    /// Operations per second of `operation`, after a warm-up.
    private func measure(_ operation: () throws -> Int) throws -> Double {
        var sink = 0
        for _ in 0..<min(1_000, operations) { sink &+= try operation() }
        let started = ContinuousClock.now
        for _ in 0..<operations { sink &+= try operation() }
        let elapsed = (ContinuousClock.now - started).seconds
        if sink == .min { progress("") }
        return Double(operations) / elapsed
    }

    /// CPython's dumps and loads rates (medians of `repeats` timeit rounds) on the value our
    /// pickle holds, so both sides work on the very same value.
    private func measureCPython(pickle: [UInt8]) throws -> (version: String, dumps: Double, loads: Double) {
        let script = """
            import sys, pickle, timeit, statistics, platform
            value = pickle.loads(bytes.fromhex(sys.argv[1]))
            n, repeats = int(sys.argv[2]), int(sys.argv[3])
            data = pickle.dumps(value, 5)
            dumps = statistics.median(timeit.repeat(lambda: pickle.dumps(value, 5), number=n, repeat=repeats))
            loads = statistics.median(timeit.repeat(lambda: pickle.loads(data), number=n, repeat=repeats))
            print(platform.python_version(), n / dumps, n / loads)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, pickle.map { String(format: "%02x", $0) }.joined(), String(operations), String(repeats)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let fields = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard process.terminationStatus == 0, fields.count == 3, let dumps = Double(fields[1]), let loads = Double(fields[2]) else {
            throw BenchError("python3 (the CPython reference for the pickle rows) did not run: install python3 3.8 or later")
        }
        return (String(fields[0]), dumps, loads)
    }
}
