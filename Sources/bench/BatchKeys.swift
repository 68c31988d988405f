import NIOCore
import LarderRedis

/// The keys of one caller's batches, made as redis-benchmark makes them with `-r`: a prefix
/// and twelve random digits below the keyspace (`key:000000012345`), written in place.
///
/// The digits of a batch's keys go into one buffer, each key a slice of it: one allocation per
/// batch, and bytes the client then reads from the cache. A table of every key made up front
/// (100,000 strings per shape) had the client's first read of each key miss the processor's
/// caches, which showed as a tenth of its time in slot hashing: the bench's cost, not the
/// client's, and one redis-benchmark, which rewrites its digits in one buffer, does not pay.
struct BatchKeys {
    let prefix: [UInt8]
    let count: Int
    let keyspace: UInt64
    static let digits = 12

    init(prefix: String, count: Int, keyspace: Int) {
        self.prefix = Array(prefix.utf8)
        self.count = count
        self.keyspace = UInt64(max(1, keyspace))
    }

    /// The next batch's `count` keys, numbers drawn from `generator`.
    func next(using generator: inout SplitMix64) -> [RedisKey] {
        let length = prefix.count + Self.digits
        var buffer = ByteBufferAllocator().buffer(capacity: count * length)
        for _ in 0..<count {
            buffer.writeBytes(prefix)
            var number = generator.next() % keyspace
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.digits) { free in
                for index in stride(from: Self.digits - 1, through: 0, by: -1) {
                    free[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: number % 10)
                    number /= 10
                }
                return Self.digits
            }
        }
        return (0..<count).map { index in RedisKey(buffer.getSlice(at: index * length, length: length)!) }
    }
}
