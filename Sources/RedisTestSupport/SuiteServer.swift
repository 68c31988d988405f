import Foundation

/// One private server shared by the tests of a suite: started by the first test that asks,
/// stopped by the suite's `class func tearDown()`.
///
/// ```swift
/// final class MyTests: XCTestCase {
///     static let redis = SuiteServer()
///     override class func tearDown() { redis.stop() }
///     func testSomething() async throws { let server = try await Self.redis.server() ... }
/// }
/// ```
public final class SuiteServer: @unchecked Sendable {
    private let lock = NSLock()
    private var started: PrivateRedisServer?
    private let options: @Sendable () async throws -> PrivateRedisServer

    /// A suite server started with `start` (by default, ``PrivateRedisServer/start(tcpPort:unixSocketPerm:password:extraDirectives:)``
    /// with its defaults).
    public init(start: @escaping @Sendable () async throws -> PrivateRedisServer = { try await PrivateRedisServer.start() }) {
        self.options = start
    }

    /// The running server, started on first use.
    public func server() async throws -> PrivateRedisServer {
        if let running = lock.withLock({ started }) { return running }
        let server = try await options()
        return lock.withLock {
            if let running = started {
                server.shutDownAndRemove()  // Another test won the race.
                return running
            }
            started = server
            return server
        }
    }

    /// Stops the server and removes its folder.
    public func stop() {
        let server = lock.withLock {
            defer { started = nil }
            return started
        }
        server?.shutDownAndRemove()
    }
}
