import ArgumentParser
import XCTest

@testable import cache_api
@testable import configure_socket
@testable import install_redis

/// The chapter executables that used to parse their arguments by hand: the options they really
/// use, parsed and described by ArgumentParser like the others.
final class ChapterCommandLineTests: XCTestCase {
    func testSocketWithoutAValueSaysTheValueIsMissing() {
        for (name, parse) in [
            ("install-redis", { _ = try InstallRedisCommand.parse(["--socket"]) }),
            ("cache-api", { _ = try CacheAPICommand.parse(["--socket"]) }),
            ("configure-socket", { _ = try ConfigureSocketCommand.parse(["--socket"]) }),
        ] as [(String, () throws -> Void)] {
            XCTAssertThrowsError(try parse(), name) { error in
                let message = InstallRedisCommand.message(for: error)
                XCTAssertTrue(message.contains("Missing value for '--socket <socket>'"), "\(name): \(message)")
            }
        }
    }

    func testSocketDefaultsToTheGuidesAndTakesAPath() throws {
        XCTAssertEqual(try InstallRedisCommand.parse([]).socket, "/var/run/redis/redis.sock")
        XCTAssertEqual(try InstallRedisCommand.parse(["--socket", "/tmp/r.sock"]).socket, "/tmp/r.sock")
        XCTAssertEqual(try CacheAPICommand.parse(["--socket", "/tmp/r.sock"]).socket, "/tmp/r.sock")
        XCTAssertEqual(try ConfigureSocketCommand.parse(["--socket", "/tmp/r.sock"]).socket, "/tmp/r.sock")
    }

    func testCacheAPICleanIsAFlagListedUnderOptions() throws {
        XCTAssertFalse(try CacheAPICommand.parse([]).clean)
        XCTAssertTrue(try CacheAPICommand.parse(["--clean", "--socket", "/tmp/r.sock"]).clean)
        let options = try XCTUnwrap(CacheAPICommand.helpMessage().components(separatedBy: "OPTIONS:").last)
        XCTAssertTrue(options.contains("--clean"), "--clean is missing under OPTIONS:\n\(options)")
    }

    func testOnlyChapter02TakesAConfigFile() throws {
        XCTAssertEqual(try ConfigureSocketCommand.parse([]).config, "/etc/redis/redis.conf")
        XCTAssertEqual(try ConfigureSocketCommand.parse(["--config", "/tmp/redis.conf"]).config, "/tmp/redis.conf")
        XCTAssertTrue(ConfigureSocketCommand.helpMessage().contains("--config"))
        for help in [InstallRedisCommand.helpMessage(), CacheAPICommand.helpMessage()] {
            XCTAssertFalse(help.contains("--config"), "a --config the command does not read:\n\(help)")
        }
        XCTAssertThrowsError(try InstallRedisCommand.parse(["--config", "/tmp/redis.conf"]))
        XCTAssertThrowsError(try CacheAPICommand.parse(["--config", "/tmp/redis.conf"]))
    }

    func testAnUnknownArgumentIsAUsageError() {
        XCTAssertThrowsError(try CacheAPICommand.parse(["--bogus"])) { error in
            XCTAssertEqual(CacheAPICommand.exitCode(for: error), .validationFailure)
            XCTAssertTrue(CacheAPICommand.message(for: error).contains("--bogus"))
        }
    }
}
