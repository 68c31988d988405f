import Logging
import WebTestSupport

extension SessionsSite {
    /// Opens `engine`'s store, starts the site on it (any free port), runs `body` with both,
    /// then stops the site and closes the store, awaited, however `body` ends: a step returns
    /// with nothing of its own left running.
    ///
    /// - Throws: what opening the store, starting the site or `body` throws; whatever was
    ///   already open is closed first.
    static func withRunningSite<Result>(
        _ engine: Engine, socketPath: String, databasePath: String, logger: Logger,
        _ body: (Backend, RunningSite) async throws -> Result
    ) async throws -> Result {
        let backend = try await backend(engine, socketPath: socketPath, databasePath: databasePath, secret: secret(), logger: logger)
        let site: RunningSite
        do {
            site = try await RunningSite.start(router(store: backend.store), port: 0, logger: logger)
        } catch {
            await backend.close()
            throw error
        }
        do {
            let result = try await body(backend, site)
            await site.stop()
            await backend.close()
            return result
        } catch {
            await site.stop()
            await backend.close()
            throw error
        }
    }
}
