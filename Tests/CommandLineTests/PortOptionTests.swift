import ArgumentParser
import Guide
import XCTest

@testable import cache_backend
@testable import keyspace
@testable import sessions

/// `--port` of every server a reader starts: 0...65535 or a usage error naming the value and
/// the range, never a port silently cut to 16 bits (99999 used to listen on 34463).
final class PortOptionTests: XCTestCase {
    func testPortArgumentAcceptsEveryTCPPortAndZero() throws {
        XCTAssertEqual(try PortArgument.parse("0"), 0)
        XCTAssertEqual(try PortArgument.parse("8000"), 8000)
        XCTAssertEqual(try PortArgument.parse("65535"), 65535)
    }

    func testPortArgumentRejectsWhatIsNotAPort() {
        for argument in ["65536", "99999", "-1", "8000x", "", "99999999999999999999999"] {
            XCTAssertThrowsError(try PortArgument.parse(argument), "'\(argument)' was taken for a port") { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("not \(argument):"), "the message does not name the value: \(message)")
                XCTAssertTrue(message.contains("0...65535"), "the message does not name the range: \(message)")
            }
        }
    }

    func testCacheBackendRejectsAPortAbove65535() {
        assertRejected { try CacheBackendCommand.parse(["--once", "--port", "99999"]) }
        XCTAssertEqual(try CacheBackendCommand.parse(["--port", "65535"]).port, 65535)
        XCTAssertEqual(try CacheBackendCommand.parse([]).port, 8000)
    }

    func testSessionsRejectsAPortAbove65535() {
        assertRejected { try SessionsCommand.parse(["--serve", "cache", "--port", "99999"]) }
        XCTAssertEqual(try SessionsCommand.parse(["--serve", "cache", "--port", "0"]).port, 0)
    }

    func testKeyspaceWebRejectsAPortAbove65535() {
        assertRejected { try KeyspaceCommand.parseAsRoot(["--web", "--port", "99999"]) }
        assertRejected { try KeyspaceCommand.parseAsRoot(["web", "--port=-1"]) }
        XCTAssertEqual((try KeyspaceCommand.parseAsRoot(["web", "--port", "8087"]) as? WebCommand)?.port, 8087)
        XCTAssertEqual((try KeyspaceCommand.parseAsRoot(["--web"]) as? ChapterCommand)?.port, WebCommand.defaultPort)
    }

    func testPortHelpNamesTheRangeWhatZeroMeansAndTheDefault() {
        let helps = [
            (CacheBackendCommand.helpMessage(), 8000), (SessionsCommand.helpMessage(), 8000),
            (KeyspaceCommand.helpMessage(for: WebCommand.self), 8086), (KeyspaceCommand.helpMessage(for: ChapterCommand.self), 8086),
        ]
        for (help, port) in helps {
            // The help is wrapped to the terminal's width: compare words, not lines.
            let words = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            XCTAssertTrue(words.contains("0...65535; 0 picks a free port, printed once the server listens. (default: \(port))"), help)
        }
    }

    /// Asserts that parsing fails with a message naming the value and the range, as the
    /// executable prints it.
    private func assertRejected(_ parse: () throws -> Any, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(), file: file, line: line) { error in
            let message = CacheBackendCommand.message(for: error)
            XCTAssertTrue(message.contains("0...65535"), "no range in: \(message)", file: file, line: line)
            XCTAssertTrue(message.contains("--port"), "no option name in: \(message)", file: file, line: line)
        }
    }
}
