import LarderRedis
/// This repository's remedy for a `RedisError` that a chapter step or the doctor catches.
///
/// The library's errors name the general remedy ("start the Redis server", "set
/// `unixsocketperm 770` in the server's config"), as they must for any app that depends on
/// it. The guide knows more: its machine is set up by `./setup.sh`, with Debian's config at
/// `/etc/redis/redis.conf`, so it names those as the one thing to do next.
public enum SetupRemedy {
    /// The script that installs, configures and starts the guide's Redis.
    static let setup = "sudo ./setup.sh"
    /// The config file ./setup.sh edits.
    static let configFile = GuideSettings().configFile

    /// The guide's fix for `error`, or for the `RedisError` it carries (`CacheError.backend`,
    /// `KeyspaceError.redis`); `nil` when ./setup.sh has nothing to do with it.
    public static func fix(for error: any Error) -> String? {
        guard let redisError = carriedRedisError(error) else { return nil }
        switch redisError.code {
        case .socketNotFound:
            return "start Redis: \(setup) (it configures the socket in \(configFile) and starts the server)"
        case .permissionDenied:
            guard let status = redisError.socketStatus, let user = redisError.user else {
                return "\(setup) adds you to the socket's group; then newgrp redis (or log in again)"
            }
            if status.permissions & 0o020 == 0 {
                return "set `unixsocketperm 770` in \(configFile) and restart Redis (\(setup) does both)"
            }
            if user.isMemberInGroupDatabase(of: status.groupID) {
                return "newgrp \(status.group) (you are in the group; this login session is older than that), "
                    + "or \(setup) to let this session in"
            }
            return "\(setup) adds you to group \(status.group) (or: sudo usermod -aG \(status.group) \(user.name)); "
                + "then newgrp \(status.group) (or log in again)"
        case .connectionRefused:
            if case .unixSocket = redisError.endpoint {
                return "the socket is stale (Redis stopped): start it again with \(setup)"
            }
            return "the guide's Redis listens on its Unix socket only (`port 0`): connect to \(GuideSettings().url)"
        case .authenticationFailed:
            return "the guide's Redis has no password; pass it with REDIS_URL if yours does"
        default:
            return nil
        }
    }

    /// `error` itself, or the `RedisError` an error of another module wraps as its only
    /// payload. The guide depends on `Redis` alone, so it reads the payload rather than
    /// naming `CacheError` or `KeyspaceError`: an enum case with one payload
    /// (`case redis(RedisError)`), or a struct whose one stored property is such a case (the
    /// shape of `CacheError` and `KeyspaceError`, which keep their payload in a private enum).
    static func carriedRedisError(_ error: any Error) -> RedisError? {
        var value: Any = error
        for _ in 0..<3 {
            if let redisError = value as? RedisError { return redisError }
            let payload = Mirror(reflecting: value).children
            guard payload.count == 1, let inner = payload.first?.value else { return nil }
            value = inner
        }
        return nil
    }
}
