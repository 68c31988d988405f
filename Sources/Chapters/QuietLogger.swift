import Logging

extension Logger {
    /// A logger for the libraries a chapter's steps run, at `level` and above only.
    ///
    /// A step prints what went wrong itself (✗, the problem, the fix); the libraries' own
    /// warnings about the same failure (`cache backend unreachable`, say) would repeat it on
    /// stderr. Apps keep their loggers as they are: only the chapters pass this one.
    static func chapterQuiet(_ label: String, level: Logger.Level = .error) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}
