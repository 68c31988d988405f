import NIOCore

/// Runs Swift tasks on a NIO event loop.
///
/// A task that prefers this executor (`withTaskExecutorPreference`) runs on the event loop of
/// its connection: sending a command writes it directly, and the reply resumes the task on the
/// same thread in the same loop iteration, with no hand-off between threads.
public final class EventLoopTaskExecutor: TaskExecutor, Sendable {
    /// The event loop tasks run on.
    public let eventLoop: any EventLoop

    /// An executor for `eventLoop`.
    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
