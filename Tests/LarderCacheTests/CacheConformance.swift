import LarderCache
import Foundation
import Logging
import XCTest

/// One behaviour suite, run against every ``Cache`` backend (Django's cache API, `django/core/cache/backends/base.py`): a backend passes
/// only if it behaves as Django's caches do. Each backend's test class calls every check.
struct CacheConformance {
    /// A fresh, empty cache with `configuration`.
    let makeCache: @Sendable (CacheConfiguration) async throws -> any Cache

    func cache(prefix: String = "", version: Int = 1, defaultTimeout: Int? = 300) async throws -> any Cache {
        var configuration = CacheConfiguration(defaultTimeout: defaultTimeout, keyPrefix: prefix, version: version)
        configuration.logger.logLevel = .error
        return try await makeCache(configuration)
    }

    // MARK: set/get and timeouts

    func setThenGetReturnsTheValue() async throws {
        let cache = try await cache()
        try await cache.set("craig", "derington")
        let value = try await cache.get("craig", as: String.self)
        XCTAssertEqual(value, "derington")
        let missing = try await cache.get("nobody", as: String.self)
        XCTAssertNil(missing)
        let fallback = try await cache.get("nobody", default: "fallback")
        XCTAssertEqual(fallback, "fallback")
    }

    func zeroAndNegativeTimeoutsDoNotStore() async throws {
        let cache = try await cache()
        try await cache.set("zero", "x", timeout: 0)
        try await cache.set("negative", "x", timeout: -5)
        let zero = try await cache.hasKey("zero")
        let negative = try await cache.hasKey("negative")
        XCTAssertFalse(zero)
        XCTAssertFalse(negative)
        // A zero timeout on an existing key deletes it.
        try await cache.set("existing", "x")
        try await cache.set("existing", "y", timeout: 0)
        let existing = try await cache.hasKey("existing")
        XCTAssertFalse(existing)
    }

    func neverTimeoutKeepsTheValue() async throws {
        let cache = try await cache(defaultTimeout: nil)
        try await cache.set("forever", 1, timeout: .never)
        try await cache.set("default-forever", 2)
        let forever = try await cache.get("forever", as: Int.self)
        let defaultForever = try await cache.get("default-forever", as: Int.self)
        XCTAssertEqual(forever, 1)
        XCTAssertEqual(defaultForever, 2)
    }

    func expiryIsObservedThroughHasKey() async throws {
        let cache = try await cache()
        try await cache.set("short", "lived", timeout: 1)
        let present = try await cache.hasKey("short")
        XCTAssertTrue(present, "the key must exist right after set")
        // Wait for the TTL itself to pass, observing the key; the deadline bounds the wait.
        let deadline = ContinuousClock.now + .seconds(5)
        var gone = false
        while ContinuousClock.now < deadline {
            if try await !cache.hasKey("short") {
                gone = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertTrue(gone, "a 1 s key was still there after 5 s")
        let value = try await cache.get("short", as: String.self)
        XCTAssertNil(value)
    }

    // MARK: add and getOrSet

    func updateReplacesOnlyAnExistingKey() async throws {
        let cache = try await cache()
        try await cache.set("k", "first")
        let replaced = try await cache.update("k", "second", timeout: 60, version: nil)
        let missing = try await cache.update("gone", "third", timeout: 60, version: nil)
        let value = try await cache.get("k", as: String.self)
        let goneExists = try await cache.hasKey("gone")
        XCTAssertTrue(replaced)
        XCTAssertFalse(missing)
        XCTAssertEqual(value, "second")
        XCTAssertFalse(goneExists, "update wrote a key that did not exist")
    }

    func addDoesNotOverwriteAnExistingKey() async throws {
        let cache = try await cache()
        let first = try await cache.add("k", "first")
        let second = try await cache.add("k", "second")
        let value = try await cache.get("k", as: String.self)
        XCTAssertTrue(first)
        XCTAssertFalse(second)
        XCTAssertEqual(value, "first")
        let zero = try await cache.add("zero", "x", timeout: 0)
        XCTAssertTrue(zero, "add with timeout 0 reports it would have been added")
        let zeroExists = try await cache.hasKey("zero")
        XCTAssertFalse(zeroExists, "but the entry expires at once")
    }

    func getOrSetReturnsTheWinnersValue() async throws {
        let cache = try await cache()
        let computed = try await cache.getOrSet("computed") { "made here" }
        XCTAssertEqual(computed, "made here")
        let existing = try await cache.getOrSet("computed") { "not used" }
        XCTAssertEqual(existing, "made here")
        // Another writer stores a value while our default is being computed: theirs wins.
        let raced = try await cache.getOrSet("raced") { () async throws -> String in
            try await cache.set("raced", "the other writer")
            return "ours"
        }
        XCTAssertEqual(raced, "the other writer")
    }

    // MARK: Counters

    func incrAndDecrChangeIntegers() async throws {
        let cache = try await cache()
        try await cache.set("n", 42)
        let up = try await cache.incr("n")
        let down = try await cache.decr("n", by: 10)
        let read = try await cache.get("n", as: Int.self)
        XCTAssertEqual(up, 43)
        XCTAssertEqual(down, 33)
        XCTAssertEqual(read, 33)
    }

    /// Past 2^53 (where a double, such as a Lua number, is off) the count is exact.
    func incrIsExactForLargeIntegers() async throws {
        let cache = try await cache()
        try await cache.set("big", 1_234_567_890_123_456_789)
        let up = try await cache.incr("big")
        let read = try await cache.get("big", as: Int.self)
        XCTAssertEqual(up, 1_234_567_890_123_456_790)
        XCTAssertEqual(read, 1_234_567_890_123_456_790)
    }

    func incrOnAMissingKeyIsKeyNotFound() async throws {
        let cache = try await cache()
        do {
            try await cache.incr("missing")
            XCTFail("incr created a key")
        } catch {
            guard error.code == .keyNotFound, let key = error.key else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(key, "missing")
            XCTAssertTrue(error.description.contains("Key 'missing' not found"), error.description)
        }
        let created = try await cache.hasKey("missing")
        XCTAssertFalse(created)
    }

    func incrOnANonIntegerIsAnError() async throws {
        let cache = try await cache()
        try await cache.set("text", "abc")
        do {
            try await cache.incr("text")
            XCTFail("incr on text succeeded")
        } catch {
            guard error.code == .notAnInteger, let key = error.key else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(key, "text")
        }
    }

    // MARK: Many keys

    func setManyThenGetManyReturnsOnlyTheKeysFound() async throws {
        let cache = try await cache()
        let failed = try await cache.setMany(["a": 1, "b": 2, "c": 3])
        XCTAssertEqual(failed, [])
        let found = try await cache.getMany(["a", "b", "c", "missing"], as: Int.self)
        XCTAssertEqual(found, ["a": 1, "b": 2, "c": 3])
        try await cache.deleteMany(["a", "b"])
        let left = try await cache.getMany(["a", "b", "c"], as: Int.self)
        XCTAssertEqual(left, ["c": 3])
        let none = try await cache.getMany([], as: Int.self)
        XCTAssertEqual(none, [:])
    }

    func deleteReportsWhetherAKeyWasDeleted() async throws {
        let cache = try await cache()
        try await cache.set("k", "v")
        let deleted = try await cache.delete("k")
        let again = try await cache.delete("k")
        XCTAssertTrue(deleted)
        XCTAssertFalse(again)
    }

    func touchSetsANewTimeout() async throws {
        let cache = try await cache()
        try await cache.set("k", "v", timeout: 100)
        let touched = try await cache.touch("k", timeout: .never)
        let missing = try await cache.touch("missing")
        XCTAssertTrue(touched)
        XCTAssertFalse(missing)
        let persistentTouch = try await cache.touch("k", timeout: .never)
        XCTAssertTrue(persistentTouch, "touch on an existing key without a TTL is still true")
        let expired = try await cache.touch("k", timeout: 0)
        XCTAssertTrue(expired)
        let exists = try await cache.hasKey("k")
        XCTAssertFalse(exists, "touch with 0 expires the key")
    }

    // MARK: Keys and versions

    func versionsAreSeparateAndIncrVersionMovesTheValue() async throws {
        let cache = try await cache()
        try await cache.set("k", "v1", timeout: .default, version: 1)
        try await cache.set("k", "v2", timeout: .default, version: 2)
        let one = try await cache.get("k", as: String.self, version: 1)
        let two = try await cache.get("k", as: String.self, version: 2)
        XCTAssertEqual(one, "v1")
        XCTAssertEqual(two, "v2")
        try await cache.set("moving", "value")
        let newVersion = try await cache.incrVersion("moving")
        XCTAssertEqual(newVersion, 2)
        let atOld = try await cache.get("moving", as: String.self, version: 1)
        let atNew = try await cache.get("moving", as: String.self, version: 2)
        XCTAssertNil(atOld)
        XCTAssertEqual(atNew, "value")
        let back = try await cache.decrVersion("moving", version: 2)
        XCTAssertEqual(back, 1)
        do {
            _ = try await cache.incrVersion("never-set")
            XCTFail("incrVersion of a missing key succeeded")
        } catch {
            guard error.code == .keyNotFound else { return XCTFail("unexpected \(error)") }
        }
    }

    func overflowIsATypedErrorAndChangesNothing() async throws {
        let cache = try await cache()
        try await cache.set("big", Int.max)
        do {
            _ = try await cache.incr("big")
            XCTFail("an overflowing incr succeeded")
        } catch {
            guard error.code == .overflow, let key = error.key else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(key, "big")
        }
        do {
            _ = try await cache.decr("big", by: Int.min)
            XCTFail("decr by Int.min succeeded")
        } catch {
            guard error.code == .overflow else { return XCTFail("unexpected \(error)") }
        }
        let read = try await cache.get("big", as: Int.self)
        XCTAssertEqual(read, Int.max, "the value is unchanged")
        do {
            _ = try await cache.decrVersion("big", by: Int.min)
            XCTFail("decrVersion by Int.min succeeded")
        } catch {
            guard error.code == .overflow else { return XCTFail("unexpected \(error)") }
        }
    }

    func incrVersionByZeroKeepsTheValue() async throws {
        let cache = try await cache()
        try await cache.set("stays", "value")
        let version = try await cache.incrVersion("stays", by: 0)
        XCTAssertEqual(version, 1)
        let read = try await cache.get("stays", as: String.self)
        XCTAssertEqual(read, "value")
    }

    func incrVersionWithADefaultTimeoutOfZeroStoresNothing() async throws {
        let cache = try await cache(defaultTimeout: 0)
        try await cache.set("brief", "value", timeout: 60)
        _ = try await cache.incrVersion("brief")
        let atOld = try await cache.hasKey("brief", version: 1)
        let atNew = try await cache.hasKey("brief", version: 2)
        XCTAssertFalse(atOld)
        XCTAssertFalse(atNew, "a default timeout of 0 expires the moved value at once")
    }

    func keyPrefixSeparatesCaches() async throws {
        let plain = try await cache()
        let prefixed = try await cache(prefix: "site2")
        try await plain.set("shared-name", "plain")
        try await prefixed.set("shared-name", "prefixed")
        let fromPlain = try await plain.get("shared-name", as: String.self)
        let fromPrefixed = try await prefixed.get("shared-name", as: String.self)
        XCTAssertEqual(fromPlain, "plain")
        XCTAssertEqual(fromPrefixed, "prefixed")
    }

    func longAndOddKeysStillWork() async throws {
        let cache = try await cache()
        let long = String(repeating: "k", count: 300)
        let odd = "key with spaces\tand\u{1}control"
        try await cache.set(long, "long")
        try await cache.set(odd, "odd")
        let longValue = try await cache.get(long, as: String.self)
        let oddValue = try await cache.get(odd, as: String.self)
        XCTAssertEqual(longValue, "long")
        XCTAssertEqual(oddValue, "odd")
    }

    // MARK: Values

    func unicodeBinaryAndStructuredValuesRoundTrip() async throws {
        let cache = try await cache()
        let unicode = "Grüße, 世界 🌍 \u{0}"
        let binary = Data((0...255).map(UInt8.init))
        let article = ArticleValue.sample
        try await cache.set("unicode", unicode)
        try await cache.set("binary", binary)
        try await cache.set("my-key", article)
        try await cache.set("flag", true)
        try await cache.set("pi", 3.25)
        try await cache.set("optional", String?.none)
        let readUnicode = try await cache.get("unicode", as: String.self)
        let readBinary = try await cache.get("binary", as: Data.self)
        let readArticle = try await cache.get("my-key", as: ArticleValue.self)
        let readFlag = try await cache.get("flag", as: Bool.self)
        let readPi = try await cache.get("pi", as: Double.self)
        let readOptional = try await cache.get("optional", as: String?.self)
        XCTAssertEqual(readUnicode, unicode)
        XCTAssertEqual(readBinary, binary)
        XCTAssertEqual(readArticle, article)
        XCTAssertEqual(readFlag, true)
        XCTAssertEqual(readPi, 3.25)
        XCTAssertEqual(readOptional, .some(nil), "a stored nil is a hit holding nil, not a miss")
    }

    func aTenMegabyteValueRoundTrips() async throws {
        let cache = try await cache()
        let big = Data((0..<10_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try await cache.set("big", big)
        let read = try await cache.get("big", as: Data.self)
        XCTAssertEqual(read?.count, big.count)
        XCTAssertEqual(read, big)
    }

    func aValueOfAnotherTypeIsATypedErrorNotNil() async throws {
        let cache = try await cache()
        try await cache.set("text", "not a number")
        do {
            _ = try await cache.get("text", as: Int.self)
            XCTFail("decoded text as Int")
        } catch {
            guard error.code == .undecodable, let key = error.key, let expected = error.expected else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(key, "text")
            XCTAssertEqual(expected, "Int")
        }
    }

    func clearEmptiesTheCache() async throws {
        let cache = try await cache()
        try await cache.setMany(["a": 1, "b": 2])
        try await cache.clear()
        let found = try await cache.getMany(["a", "b"], as: Int.self)
        XCTAssertEqual(found, [:])
    }
}

/// The article's `my-key` value: a string, an integer, a list, the tuple as a fixed array,
/// and a dictionary (a Swift tuple is not `Codable`).
struct ArticleValue: Codable, Equatable, Sendable {
    var aString: String
    var anInteger: Int
    var oneList: [Int]
    var thisTuple: [Int]
    var myDict: [String: Int]

    static let sample = ArticleValue(
        aString: "this is a simple string", anInteger: 123, oneList: [9, 10, 11, 12, 13], thisTuple: [1, 2, 3, 4],
        myDict: ["a": 26, "b": 25, "c": 24])
}
