import Foundation
import LarderRedis
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The directives of a `redis.conf`, as Redis reads them: one per line, `#` comments ignored,
/// the last occurrence of a directive winning.
public struct RedisConfFile: Sendable {
    /// The file's path.
    public let path: String
    /// Directive name (lower-cased) → its arguments as written on the last line that sets it.
    public let directives: [String: String]
    /// Directive name (lower-cased) → the 1-based line number of that last line.
    public let lineNumbers: [String: Int]

    /// The group the file was read through with `sg`, when this login session could not read
    /// it itself (see ``init(path:group:)``); `nil` when it was read directly.
    public private(set) var readThroughGroup: String? = nil

    /// Reads and parses `path`.
    ///
    /// - Parameter group: the group that may read the file (Debian's is `redis:redis`, mode
    ///   640, in a folder only that group may enter). When this process may not read it, but
    ///   the group database says its user is a member (joined after this login session began,
    ///   as `setup.sh` does), the file is read through `sg group`, as a new login would read it.
    /// - Throws: ``RedisConfFileError`` when the file is missing or this user may not read it.
    public init(path: String, group: String? = nil) throws(RedisConfFileError) {
        var info = stat()
        if stat(path, &info) != 0 {
            // /etc/redis is itself `drwxrws--- redis:redis`: outside the group, even looking fails.
            guard errno == EACCES else { throw .missing(path: path) }
            try self.init(path: path, readingThrough: group)
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            try self.init(path: path, readingThrough: group)
            return
        }
        self.init(path: path, text: String(decoding: data, as: UTF8.self))
    }

    private init(path: String, readingThrough group: String?) throws(RedisConfFileError) {
        let user = UnixUser.current
        guard let group, let groupID = UnixUser.groupID(named: group), !user.groupIDs.contains(groupID),
            user.isMemberInGroupDatabase(of: groupID)
        else { throw .unreadable(path: path, user: user.name) }
        let quoted = "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
        guard let result = ShellCommand.run("sg", group, "-c", "cat -- \(quoted)"), result.status == 0 else {
            throw .unreadable(path: path, user: user.name)
        }
        self.init(path: path, text: result.output)
        readThroughGroup = group
    }

    /// Parses the text of a config file.
    public init(path: String, text: String) {
        self.path = path
        var directives: [String: String] = [:]
        var lineNumbers: [String: Int] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let name: Substring
            var arguments: Substring = ""
            if let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) {
                name = line[..<space]
                arguments = line[space...].drop(while: { $0 == " " || $0 == "\t" })
            } else {
                name = line[...]
            }
            directives[name.lowercased()] = String(arguments)
            lineNumbers[name.lowercased()] = index + 1
        }
        self.directives = directives
        self.lineNumbers = lineNumbers
    }

    /// The arguments of `name`, or `nil` when the file does not set it.
    public subscript(name: String) -> String? { directives[name.lowercased()] }
}

/// Why a Redis config file could not be read.
public enum RedisConfFileError: Error, Sendable, CustomStringConvertible {
    /// Nothing exists at the path.
    case missing(path: String)
    /// The file exists but this user may not read it (Debian's is `redis:redis`, mode 640).
    case unreadable(path: String, user: String)

    public var description: String {
        switch self {
        case .missing(let path): "\(path) does not exist"
        case .unreadable(let path, let user): "\(path): permission denied for \(user) (it is readable by the redis group)"
        }
    }
}
