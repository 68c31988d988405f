import LarderCache
import Foundation
import NIOCore

/// `bench serializer`: encode and decode of the article's `my-key` value by the cache's
/// default serializer (``FastJSONCacheSerializer``) beside Foundation's `JSONEncoder` and
/// `JSONDecoder` (``JSONCacheSerializer``), into and out of the `ByteBuffer` the cache sends
/// and receives, on one thread. The part of a cache call that is not Redis.
struct SerializerSuite {
    var operations: Int
    var repeats: Int
    var progress: (String) -> Void

    /// Allocations per encode and per decode, ours and Foundation's (the interposer must be
    /// preloaded: see ``AllocationCount``).
    func countAllocations() throws -> BenchReport {
        let value = CacheSuite.ArticleValue()
        var stored = ByteBuffer()
        try FastJSONCacheSerializer().encode(value, into: &stored)
        func count(_ serializer: any CacheSerializer, decode: Bool) throws -> Double {
            try AllocationCount.perCall {
                if decode {
                    _ = try serializer.decode(CacheSuite.ArticleValue.self, from: stored)
                } else {
                    var buffer = ByteBuffer()
                    try serializer.encode(value, into: &buffer)
                }
            }
        }
        var rows: [BenchRow] = []
        for decode in [false, true] {
            let ours = try count(FastJSONCacheSerializer(), decode: decode)
            let reference = try count(JSONCacheSerializer(), decode: decode)
            rows.append(BenchRow(name: "allocations per \(decode ? "decode" : "encode") my-key", ours: ours, reference: reference, ratio: ours / reference))
        }
        return BenchReport(suite: "serializer-allocations", rows: rows)
    }

    func run() throws -> BenchReport {
        let value = CacheSuite.ArticleValue()
        let fast = FastJSONCacheSerializer()
        let foundation = JSONCacheSerializer()
        var stored = ByteBuffer()
        try fast.encode(value, into: &stored)
        // Both read what the other writes: checked once, outside the timed loops.
        var foundationStored = ByteBuffer()
        try foundation.encode(value, into: &foundationStored)
        guard stored == foundationStored, try fast.decode(CacheSuite.ArticleValue.self, from: stored) == value else {
            throw BenchError("FastJSONCacheSerializer and JSONCacheSerializer disagree on the article's value")
        }

        var rows: [BenchRow] = []
        let encode = try compare("encode my-key") { serializer in
            var buffer = ByteBuffer()
            try serializer.encode(value, into: &buffer)
            return buffer.readableBytes
        }
        rows.append(encode)
        let decode = try compare("decode my-key") { serializer in
            try serializer.decode(CacheSuite.ArticleValue.self, from: stored).anInteger
        }
        rows.append(decode)
        rows += try runPickle()
        return BenchReport(suite: "serializer", rows: rows)
    }

    /// Ours (FastJSON) and the reference (Foundation) alternating, medians of `repeats` rounds.
    private func compare(_ name: String, _ operation: (any CacheSerializer) throws -> Int) throws -> BenchRow {
        var ours: [Double] = []
        var reference: [Double] = []
        for _ in 0..<repeats {
            ours.append(try measure(FastJSONCacheSerializer(), operation))
            reference.append(try measure(JSONCacheSerializer(), operation))
        }
        let oursRate = ours.sorted()[repeats / 2]
        let referenceRate = reference.sorted()[repeats / 2]
        progress(
            "\(name): FastJSON \(Int(oursRate)) ops/s (\(String(format: "%.2f", 1e6 / oursRate)) µs), Foundation \(Int(referenceRate)) ops/s (\(String(format: "%.2f", 1e6 / referenceRate)) µs)"
        )
        return BenchRow(name: name, ours: oursRate, reference: referenceRate, ratio: oursRate / referenceRate)
    }

    private func measure(_ serializer: any CacheSerializer, _ operation: (any CacheSerializer) throws -> Int) throws -> Double {
        var sink = 0
        for _ in 0..<min(1_000, operations) { sink &+= try operation(serializer) }
        let started = ContinuousClock.now
        for _ in 0..<operations { sink &+= try operation(serializer) }
        let elapsed = (ContinuousClock.now - started).seconds
        // Keeps the results alive, so that no work is optimized away.
        if sink == .min { progress("") }
        return Double(operations) / elapsed
    }
}
