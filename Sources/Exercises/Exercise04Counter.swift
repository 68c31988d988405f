import LarderCache

/// Exercise 04 (chapter 04): a counter Redis can count, that does not outlive the minute.
///
/// Store the number of visits under `visits` so that `cache.incr("visits")` works (Redis keeps
/// it as an integer, `OBJECT ENCODING` `int`) and the key expires within 60 seconds. Change the
/// line below, then run `swift run guide exercises 4`.
public enum CounterExercise {
    /// Stores the counter's first value.
    public static func start(_ cache: RedisCache) async throws {
        try await cache.set("visits", "0")
    }
}
