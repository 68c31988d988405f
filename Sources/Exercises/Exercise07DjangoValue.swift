import LarderCache

/// Exercise 07 (chapter 07): read what a Django app cached.
///
/// A Django app with Django's own `RedisCache` and `LOCATION` `location` has cached
/// `{"name": "derington", "site": "craigderington.me", "visits": 26}` under `article`. The
/// configuration below reads it as JSON and fails. Return the one that stores and reads as that
/// backend does, then run `swift run guide exercises 7`.
public enum DjangoValueExercise {
    /// The cache configuration for the Django app's cache at `location` (`unix://...?db=0`).
    public static func configuration(location: String) throws -> CacheConfiguration {
        try CacheConfiguration(location: location)
    }
}
