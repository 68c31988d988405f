import Logging
import Synchronization

/// Makes stored keys (`prefix:version:key`) and warns, once per cache, about keys that
/// memcached would refuse (Django's `CacheKeyWarning`): longer than 250 characters, or with
/// spaces or control characters. Redis accepts them, so they still work.
final class CacheKeyMaker: Sendable {
    let prefix: String
    let version: Int
    /// The configuration's own key function; nil for Django's, made here without a call.
    let function: (@Sendable (String, String, Int) -> String)?
    /// Django's key up to the key itself at the cache's version: `prefix:version:`.
    let versionPrefix: String
    let logger: Logger
    private let warned = Atomic<Bool>(false)

    init(configuration: CacheConfiguration) {
        prefix = configuration.keyPrefix
        version = configuration.version
        function = configuration.customKeyFunction
        versionPrefix = "\(configuration.keyPrefix):\(configuration.version):"
        logger = configuration.logger
    }

    /// The `SCAN MATCH` pattern of every key this cache writes, at any version: `prefix:*` with
    /// the prefix's glob characters escaped (`*?[]\`). With a key function of the caller's own,
    /// `prefix*`: such a function is expected to start its keys with the prefix.
    var clearPattern: String {
        var escaped = ""
        for character in prefix {
            if "*?[]\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return function == nil ? escaped + ":*" : escaped + "*"
    }

    /// The stored key for `key` at `version` (the cache's version when `nil`).
    func make(_ key: String, version: Int? = nil) -> String {
        let stored: String
        if let function {
            stored = function(key, prefix, version ?? self.version)
        } else if let version, version != self.version {
            stored = CacheConfiguration.djangoKey(key, prefix, version)
        } else {
            stored = versionPrefix + key
        }
        // Once warned, the check has nothing left to say: skip scanning every key on every call.
        // (Control characters and space are ASCII, so UTF-8 bytes find exactly them.)
        guard !warned.load(ordering: .relaxed) else { return stored }
        if stored.utf8.count > 250 || stored.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
            if !warned.exchange(true, ordering: .relaxed) {
                logger.warning(
                    "cache key is not portable to memcached (over 250 characters, or spaces/control characters); it works with Redis",
                    metadata: ["key": "\(stored.prefix(80))"])
            }
        }
        return stored
    }
}
