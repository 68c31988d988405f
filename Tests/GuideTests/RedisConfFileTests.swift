import Guide
import XCTest

final class RedisConfFileTests: XCTestCase {
    func testTheLastActiveLineWinsAndCommentsAreIgnored() {
        let config = RedisConfFile(path: "test.conf", text: "port 6379\n# port 0\n  port 0  \nbind 127.0.0.1 -::1\n#unixsocket /x\n")
        XCTAssertEqual(config["port"], "0")
        XCTAssertEqual(config.lineNumbers["port"], 3)
        XCTAssertEqual(config["bind"], "127.0.0.1 -::1")
        XCTAssertNil(config["unixsocket"])
    }

    func testTheArticlesEditLeavesNoActivePortOrBind() {
        let config = RedisConfFile(path: "article.conf", text: "#port 6379\n#bind 127.0.0.1\nunixsocket /var/run/redis/redis.sock\nunixsocketperm 700\n")
        XCTAssertNil(config["port"])
        XCTAssertNil(config["bind"])
        XCTAssertEqual(config["unixsocketperm"], "700")
    }

    func testDirectiveNamesAreCaseInsensitive() {
        XCTAssertEqual(RedisConfFile(path: "x", text: "Port 0\n")["port"], "0")
    }

    func testVersionLinesAreParsedAndCompared() throws {
        let version = try XCTUnwrap(RedisVersion(versionLine: "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=ae4d"))
        XCTAssertEqual(version, RedisVersion(major: 7, minor: 0, patch: 15))
        XCTAssertLessThan(RedisVersion(major: 2, minor: 8, patch: 4), version)
        XCTAssertNil(RedisVersion(versionLine: "not a version"))
    }
}
