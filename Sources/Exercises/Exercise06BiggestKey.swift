import LarderKeyspace
import LarderRedis

/// Exercise 06 (chapter 06): the biggest key of a database, without `KEYS`.
///
/// Return the key that uses the most memory in `database`. Walk the keys with `SCAN` (the
/// inspector's `page(database:cursor:...)`, following `nextCursor` until `isLast`); each
/// described key has `memoryBytes`. Then run `swift run guide exercises 6`.
public enum BiggestKeyExercise {
    /// The key of `database` that uses the most memory, or `nil` for an empty database.
    public static func biggestKey(_ inspector: KeyspaceInspector, database: Int) async throws -> RedisKey? {
        nil
    }
}
