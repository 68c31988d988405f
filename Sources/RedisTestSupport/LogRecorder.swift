import Logging
import Synchronization

/// Keeps every event logged through its loggers, so a test can check what was said (one
/// warning per outage, no password in any line) instead of reading a terminal.
///
/// ```swift
/// let recorder = LogRecorder()
/// configuration.logger = recorder.logger(label: "test")
/// // ... run the code under test ...
/// XCTAssertEqual(recorder.messages(containing: "unreachable").count, 1, "\(recorder.lines)")
/// ```
public final class LogRecorder: Sendable {
    /// One logged event, as the handler received it.
    public struct Event: Sendable, CustomStringConvertible {
        /// The level it was logged at.
        public let level: Logger.Level
        /// The message text, without metadata.
        public let message: String
        /// The logger's metadata merged with the event's own (the event's wins on a clash).
        public let metadata: Logger.Metadata
        /// The module that logged it.
        public let source: String

        /// `level message metadata source`, every part of the event, as ``LogRecorder/lines`` shows it.
        public var description: String { "\(level) \(message) \(metadata) \(source)" }
    }

    private let recorded = Mutex<[Event]>([])

    /// A recorder with nothing recorded.
    public init() {}

    /// A logger writing here, at `level` and above (every level by default).
    public func logger(label: String = "recorded", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { _ in Handler(recorder: self) }
        logger.logLevel = level
        return logger
    }

    /// Every event so far, in the order logged.
    public var events: [Event] { recorded.withLock { $0 } }

    /// Every event so far rendered with its metadata and source (see ``Event/description``),
    /// for a check that nothing logged anywhere shows a secret.
    public var lines: [String] { events.map(\.description) }

    /// The events logged at `level` or above.
    public func events(atLeast level: Logger.Level) -> [Event] {
        events.filter { $0.level >= level }
    }

    /// The messages logged at exactly `level`.
    public func messages(at level: Logger.Level) -> [String] {
        events.filter { $0.level == level }.map(\.message)
    }

    /// The messages, at any level, whose text contains `text` (metadata is not searched).
    public func messages(containing text: String) -> [String] {
        events.map(\.message).filter { $0.contains(text) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let recorded = Event(level: event.level, message: "\(event.message)", metadata: merged, source: event.source)
            recorder.recorded.withLock { $0.append(recorded) }
        }
    }
}
