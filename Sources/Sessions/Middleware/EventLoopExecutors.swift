import NIOCore
import NIOPosix
import Redis

/// One task executor per event loop of NIO's shared group (the group Hummingbird and
/// ``EventLoopRedisClient`` use by default), made once.
enum EventLoopExecutors {
    static let shared: [ObjectIdentifier: EventLoopTaskExecutor] = {
        var executors: [ObjectIdentifier: EventLoopTaskExecutor] = [:]
        for eventLoop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
            executors[ObjectIdentifier(eventLoop)] = EventLoopTaskExecutor(eventLoop)
        }
        return executors
    }()

    /// The executor of `eventLoop` if it is one of the shared group's, else `nil` (an embedded
    /// loop of a test, a group of the app's own: those run where Hummingbird runs them).
    static func executor(for eventLoop: any EventLoop) -> EventLoopTaskExecutor? {
        shared[ObjectIdentifier(eventLoop)]
    }
}
