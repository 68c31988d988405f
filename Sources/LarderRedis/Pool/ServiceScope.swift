import ServiceLifecycle

/// Runs `service` beside `body` and stops it when `body` ends: the scope a script gives a
/// service that an app would run in its `ServiceGroup`.
///
/// When `body` returns or throws, the service's task is cancelled and awaited, so whatever
/// its `run()` does on the way out (closing connections) has finished when this returns.
/// An error `body` throws wins over one the service throws while stopping.
package func withRunningService<Service: ServiceLifecycle.Service, Result>(
    _ service: Service,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Void.self, isolation: isolation) { group in
        group.addTask { try await service.run() }
        let result: Result
        do {
            result = try await body()
        } catch {
            group.cancelAll()
            try? await group.waitForAll()
            throw error
        }
        group.cancelAll()
        try await group.waitForAll()
        return result
    }
}
