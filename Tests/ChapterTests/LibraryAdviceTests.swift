import LarderCache
import Foundation
import Guide
import LarderRedis
import RedisTestSupport
import XCTest

/// The library modules are for any app that depends on them: their errors and docs name the
/// general remedy, never this repository's script, its notes or Debian's config path. The
/// guide adds those where it catches the error (`SetupRemedy`); the chapters quote what the
/// library prints.
final class LibraryAdviceTests: XCTestCase {
    static let libraryModules = [
        "LarderRESP", "LarderRedis", "LarderCache", "LarderFastJSON", "LarderSessions", "LarderWebCache", "LarderKeyspace",
        "LarderKeyspaceBrowser",
    ]

    func testLibrarySourcesNameNeitherSetupNorSpecNotesNorDebiansConfigPath() throws {
        let forbidden = try NSRegularExpression(pattern: #"setup\.sh|spec/|/etc/redis"#)
        // A link (the RESP specification on redis.io) is a reference, not advice about this repository.
        let link = try NSRegularExpression(pattern: #"https?://\S+"#)
        let (lines, files) = try Package.sourceLines(in: Self.libraryModules)
        var found: [String] = []
        for line in lines {
            let bare = link.stringByReplacingMatches(in: line.text, range: NSRange(line.text.startIndex..., in: line.text), withTemplate: "")
            if forbidden.firstMatch(in: bare, range: NSRange(bare.startIndex..., in: bare)) != nil {
                found.append("\(line.path):\(line.number): \(line.text)")
            }
        }
        XCTAssertGreaterThan(files, 50, "too few library sources found under \(Package.root.path)/Sources")
        XCTAssertTrue(found.isEmpty, "library code giving this repository's advice:\n" + found.joined(separator: "\n"))
    }

    /// The guide finds the Redis error a cache error carries (in its private payload) and adds
    /// this repository's remedy, as the cache-api chapter prints it.
    func testTheGuideAddsItsRemedyToTheRedisErrorACacheErrorCarries() {
        let missing = CacheError.backend(.socketNotFound(path: RedisConfiguration.defaultSocketPath))
        XCTAssertEqual(SetupRemedy.fix(for: missing), SetupRemedy.fix(for: RedisError.socketNotFound(path: RedisConfiguration.defaultSocketPath)))
        XCTAssertTrue(SetupRemedy.fix(for: missing)?.contains("./setup.sh") == true, "\(String(describing: SetupRemedy.fix(for: missing)))")
        XCTAssertNil(SetupRemedy.fix(for: CacheError.keyNotFound(key: "hits")), "a cache error without a Redis error has no setup remedy")
    }

    // MARK: The chapters' "What goes wrong" tables quote what the library prints

    func testChapter01QuotesTheMissingAndStaleSocketTexts() throws {
        let path = RedisConfiguration.defaultSocketPath
        try assertQuoted(in: "01-install-redis.md", startingWith: "no Redis socket", by: RedisError.socketNotFound(path: path).description)
        try assertQuoted(
            in: "01-install-redis.md", startingWith: "connection refused on",
            by: RedisError.connectionRefused(.unixSocket(path: path)).description)
    }

    func testChapter04QuotesTheCachesMissingSocketText() throws {
        let error = CacheError.backend(.socketNotFound(path: RedisConfiguration.defaultSocketPath))
        try assertQuoted(in: "04-cache-api.md", startingWith: "the cache's Redis failed", by: error.description)
    }

    func testChapter02QuotesThePermissionTexts() async throws {
        for (mode, quote) in [("700", "permission denied connecting to"), ("770", "permission denied ...")] {
            let server = try await PrivateRedisServer.start(unixSocketPerm: mode)
            defer { server.shutDownAndRemove() }
            let status = try XCTUnwrap(UnixSocketStatus(path: server.socketPath))
            let you = UnixUser(name: "you", id: status.ownerID &+ 1000, groupIDs: [status.groupID &+ 1000])
            let printed = RedisError.permissionDenied(path: server.socketPath, status: status, user: you).description
            // The chapter shows Debian's socket, owned by redis:redis.
            let asDebian = printed.replacingOccurrences(of: server.socketPath, with: RedisConfiguration.defaultSocketPath)
                .replacingOccurrences(of: "\(status.owner):\(status.group)", with: "redis:redis")
            try assertQuoted(in: "02-configure-socket.md", startingWith: quote, by: asDebian)
        }
    }

    /// The first cell of the table row whose quote starts with `prefix` is `printed`, or the
    /// start of it, with `...` standing for any text in between.
    private func assertQuoted(in chapter: String, startingWith prefix: String, by printed: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let text = try String(contentsOf: Package.root.appendingPathComponent("chapters").appendingPathComponent(chapter), encoding: .utf8)
        let row = try XCTUnwrap(
            text.split(separator: "\n").first { $0.hasPrefix("| `\(prefix)") }, "\(chapter): no table row quoting `\(prefix)…`", file: file, line: line)
        let quote = try XCTUnwrap(row.dropFirst(3).split(separator: "`").first, file: file, line: line)
        var rest = Substring(printed)
        for (index, piece) in quote.components(separatedBy: " ... ").enumerated() {
            guard let found = rest.range(of: piece), index > 0 || found.lowerBound == rest.startIndex else {
                return XCTFail("\(chapter) quotes `\(quote)`, but the library prints:\n\(printed)", file: file, line: line)
            }
            rest = rest[found.upperBound...]
        }
    }
}
