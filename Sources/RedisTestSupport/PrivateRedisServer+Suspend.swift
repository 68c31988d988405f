#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension PrivateRedisServer {
    /// Runs `body` with the server frozen by `SIGSTOP`, and sends `SIGCONT` however `body` ends.
    ///
    /// A frozen server is a stalled Redis as a site meets it: the kernel still accepts
    /// connections on its socket and takes the bytes written to them, but nothing is answered,
    /// so every command waits out its timeout (unlike a killed server, whose socket refuses at
    /// once). What was written meanwhile is read and run when the server continues.
    ///
    /// ```swift
    /// try await server.whileSuspended {
    ///     let response = try await client.get("/")   // served while Redis does not answer
    /// }
    /// ```
    /// - Throws: ``PrivateRedisServerError/notRunning`` when the server is not running, or what
    ///   `body` throws.
    public func whileSuspended<Result>(_ body: () async throws -> Result) async throws -> Result {
        guard let pid else { throw PrivateRedisServerError.notRunning }
        Glibc.kill(pid, SIGSTOP)
        // Synchronous, so it runs on every way out of `body`: a server left frozen would make
        // the suite's clean-up (SIGTERM, then waiting for the exit) wait forever.
        defer { Glibc.kill(pid, SIGCONT) }
        return try await body()
    }
}
