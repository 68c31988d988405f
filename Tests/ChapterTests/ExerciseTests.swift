import Chapters
import Guide
import Hummingbird
import LarderCache
import LarderKeyspace
import LarderRedis
import LarderSessions
import XCTest

/// Each exercise's check passes on a right answer and fails on the starting code (copied here
/// as it ships, so that a reader who solved theirs still sees these pass): the check can tell the
/// two apart. A reader's own answers are checked by `swift run guide exercises`, not here.
final class ExerciseTests: XCTestCase {
    func assertFails(_ check: () async throws -> String, mentioning text: String, file: StaticString = #filePath, line: UInt = #line) async {
        do {
            let saw = try await check()
            XCTFail("the starting code passed: \(saw)", file: file, line: line)
        } catch let failure as StepFailure {
            XCTAssertTrue(failure.problem.contains(text), failure.problem, file: file, line: line)
        } catch {
            XCTFail("the check threw \(error), not a StepFailure", file: file, line: line)
        }
    }

    func testExercise03VaryOnCookie() async throws {
        await assertFails({ try await Exercises.checkVaryOnCookie { [.contentType: "text/html; charset=utf-8"] } }, mentioning: "1 page key for two visitors")
        let saw = try await Exercises.checkVaryOnCookie { [.contentType: "text/html; charset=utf-8", .vary: "Cookie"] }
        XCTAssertTrue(saw.hasPrefix("two page keys"), saw)
    }

    func testExercise04Counter() async throws {
        await assertFails({ try await Exercises.checkCounter { cache in try await cache.set("visits", "0") } }, mentioning: "not an integer")
        await assertFails({ try await Exercises.checkCounter { cache in try await cache.set("visits", 0) } }, mentioning: "TTL")
        let saw = try await Exercises.checkCounter { cache in try await cache.set("visits", 0, timeout: .seconds(60)) }
        XCTAssertTrue(saw.contains("incr → 1"), saw)
    }

    func testExercise05SurvivingSessions() async throws {
        await assertFails({ try await Exercises.checkSurvivingSessions { cache, _, _ in try CacheSessionStore(cache: cache) } }, mentioning: "logged out")
        let saw = try await Exercises.checkSurvivingSessions { cache, signer, path in
            CachedDatabaseSessionStore(database: try DatabaseSessionStore(path: path, signer: signer), cache: cache)
        }
        XCTAssertTrue(saw.contains("still there"), saw)
    }

    func testExercise06BiggestKey() async throws {
        await assertFails({ try await Exercises.checkBiggestKey { _, _ in nil } }, mentioning: "found nothing")
        let saw = try await Exercises.checkBiggestKey { inspector, database in
            var cursor = "0"
            var biggest: (key: RedisKey, bytes: Int)?
            repeat {
                let page = try await inspector.page(database: database, cursor: cursor)
                for key in page.keys where (key.memoryBytes ?? 0) > (biggest?.bytes ?? -1) { biggest = (key.key, key.memoryBytes ?? 0) }
                cursor = page.nextCursor
            } while cursor != "0"
            return biggest?.key
        }
        XCTAssertTrue(saw.contains("the-big-one"), saw)
    }

    func testExercise07DjangoValue() async throws {
        await assertFails({ try await Exercises.checkDjangoValue { try CacheConfiguration(location: $0) } }, mentioning: "reading Django's value failed")
        let saw = try await Exercises.checkDjangoValue { try CacheConfiguration.django(location: $0) }
        XCTAssertTrue(saw.contains("derington"), saw)
    }

    func testEveryChapterFrom03HasAnExercise() {
        XCTAssertEqual(Exercises.all().map(\.chapter), [3, 4, 5, 6, 7])
        for exercise in Exercises.all() {
            XCTAssertTrue(FileManager.default.fileExists(atPath: Package.root.appendingPathComponent(exercise.file).path), exercise.file)
        }
    }
}
