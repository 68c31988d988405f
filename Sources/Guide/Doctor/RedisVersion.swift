/// A Redis version number, comparable: `7.0.15`.
public struct RedisVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// The major version: 7 in 7.0.15.
    public var major: Int
    /// The minor version: 0 in 7.0.15.
    public var minor: Int
    /// The patch version: 15 in 7.0.15.
    public var patch: Int

    /// A version from its parts.
    public init(major: Int, minor: Int, patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `7.0.15`.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".").map { Int($0) }
        guard parts.count == 3, let major = parts[0], let minor = parts[1], let patch = parts[2] else { return nil }
        self.init(major: major, minor: minor, patch: patch)
    }

    /// Reads the `v=7.0.15` field of `redis-server --version`'s line.
    public init?(versionLine: String) {
        guard let field = versionLine.split(separator: " ").first(where: { $0.hasPrefix("v=") }) else { return nil }
        self.init(field.dropFirst(2))
    }

    public static func < (lhs: RedisVersion, rhs: RedisVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public var description: String { "\(major).\(minor).\(patch)" }
}
