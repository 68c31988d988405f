import NIOCore
import NIOPosix

/// One task executor per event loop of NIO's shared group (the group Hummingbird and
/// ``EventLoopRedisClient`` use by default), made once: code running on one of those loops (a
/// Hummingbird request handler) can run its `async` work there with `withTaskExecutorPreference`,
/// so that a command and its reply on ``EventLoopRedisClient`` never change threads.
public enum EventLoopExecutors {
    static let shared: [ObjectIdentifier: EventLoopTaskExecutor] = {
        var executors: [ObjectIdentifier: EventLoopTaskExecutor] = [:]
        for eventLoop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
            executors[ObjectIdentifier(eventLoop)] = EventLoopTaskExecutor(eventLoop)
        }
        return executors
    }()

    /// The executor of `eventLoop` if it is one of the shared group's, else `nil` (an embedded
    /// loop of a test, a group of the app's own: those run where Hummingbird runs them).
    public static func executor(for eventLoop: any EventLoop) -> EventLoopTaskExecutor? {
        shared[ObjectIdentifier(eventLoop)]
    }
}
