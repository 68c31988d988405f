import Foundation
import LarderRedis

/// The guide app's least-privilege Redis user, as `chapters/acl/guide-app.acl` defines it: the
/// very rules `./setup.sh --app-user` gives the reader's Redis, read from the same file, so a
/// test or a demo on a private server runs under what the reader gets.
///
/// ```swift
/// let acl = try GuideAppACL.load()
/// let server = try await PrivateRedisServer.start(extraDirectives: [acl.userDirective(password: "s3cret")])
/// var configuration = server.configuration()
/// configuration.username = acl.name
/// configuration.password = "s3cret"
/// ```
public struct GuideAppACL: Sendable, Hashable {
    /// The user name (`guide-app`).
    public let name: String
    /// Its rules in redis.conf's `user` syntax, without `on` and the password.
    public let rules: String

    /// The file the rules come from, in this checkout.
    public static let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("chapters/acl/guide-app.acl")

    /// Reads ``file``: its first line that is neither blank nor a comment, `NAME RULES...`.
    ///
    /// - Throws: ``Failure`` when the file is missing or holds no such line.
    public static func load() throws(Failure) -> GuideAppACL {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw Failure(description: "cannot read \(file.path): the ACL rules of the guide's app user live there")
        }
        let line = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let line, let space = line.firstIndex(of: " ") else {
            throw Failure(description: "\(file.path) holds no 'NAME RULES...' line")
        }
        return GuideAppACL(name: String(line[..<space]), rules: line[line.index(after: space)...].trimmingCharacters(in: .whitespaces))
    }

    /// The redis.conf line that creates the user with `password` (setup.sh writes the
    /// password's SHA-256 instead, `#…`; the server treats both alike).
    public func userDirective(password: String) -> String {
        "user \(name) reset on >\(password) \(rules)"
    }

    /// `configuration` logged in as this user with `password`.
    public func configuration(_ configuration: RedisConfiguration, password: String) -> RedisConfiguration {
        var result = configuration
        result.username = name
        result.password = password
        return result
    }

    /// Why the rules could not be read.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }
}
