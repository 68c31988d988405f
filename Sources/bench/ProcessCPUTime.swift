import Foundation

/// The processor time this process has used so far, user and system together: what a run
/// cost the client, whatever the machine's speed of the moment did to its throughput.
enum ProcessCPUTime {
    static func now() -> Duration {
        var usage = rusage()
        #if canImport(Darwin)
        getrusage(RUSAGE_SELF, &usage)
        #else
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #endif
        func duration(_ time: timeval) -> Duration { .seconds(time.tv_sec) + .microseconds(time.tv_usec) }
        return duration(usage.ru_utime) + duration(usage.ru_stime)
    }
}
