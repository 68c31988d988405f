import ArgumentParser
import Chapters
import Guide
import Hummingbird
import LarderRedis
import LarderKeyspace
import WebTestSupport
import XCTest

@testable import keyspace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A server started on a port another program holds says so, and what to do, in one clean
/// sentence (NIO's own text was `...Address already in use) (errno: 98)`).
final class ListenErrorTests: XCTestCase {
    func testAPortInUseNamesTheAddressTheErrnoAndTheFix() {
        XCTAssertEqual(
            ListenError(host: "127.0.0.1", port: 8000, code: EADDRINUSE).description,
            "127.0.0.1:8000 is already in use (errno \(EADDRINUSE), EADDRINUSE): stop the other server or pass --port N")
    }

    func testAnotherErrnoIsDescribedBySystemText() {
        let description = ListenError(host: "127.0.0.1", port: 8000, code: ENOBUFS).description
        XCTAssertEqual(description, "cannot listen on 127.0.0.1:8000: \(String(cString: strerror(ENOBUFS))) (errno \(ENOBUFS)): pass another --port")
    }

    func testCacheBackendOnATakenPortSaysItIsInUse() async throws {
        let holder = try await RunningSite.start(Router(), port: 0)
        do {
            let site = try await CacheBackend.serve(GuideSettings(), host: "127.0.0.1", port: holder.port)
            await site.stop()
            XCTFail("a second server listened on the taken port \(holder.port)")
        } catch {
            XCTAssertEqual("\(error)", Self.inUse(holder.port))
        }
        await holder.stop()
    }

    func testKeyspaceWebOnATakenPortSaysItIsInUse() async throws {
        let holder = try await RunningSite.start(Router(), port: 0)
        let inspector = KeyspaceInspector(configuration: RedisConfiguration())
        do {
            try await WebCommand.serve(inspector, port: holder.port)
            XCTFail("the browser listened on the taken port \(holder.port)")
        } catch {
            XCTAssertEqual("\(error)", Self.inUse(holder.port))
            XCTAssertEqual(KeyspaceCommand.exitCode(for: error), .failure)
        }
        await holder.stop()
    }

    static func inUse(_ port: Int) -> String {
        "127.0.0.1:\(port) is already in use (errno \(EADDRINUSE), EADDRINUSE): stop the other server or pass --port N"
    }
}
