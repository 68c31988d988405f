import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the file system says about a Unix socket path, and whether a user may connect to it.
///
/// Connecting to a Unix socket needs write permission on the socket file (and search
/// permission on its directories). Used to explain a refused connection and by the doctor.
public struct UnixSocketStatus: Hashable, Sendable, CustomStringConvertible {
    /// The path inspected.
    public let path: String
    /// The file's owner name (or numeric id when the name is unknown).
    public let owner: String
    /// The file's group name (or numeric id when the name is unknown).
    public let group: String
    /// The file's owner id.
    public let ownerID: UInt32
    /// The file's group id.
    public let groupID: UInt32
    /// The permission bits, e.g. `0o770`.
    public let permissions: UInt16
    /// Whether the path is a socket (and not a regular file or a directory).
    public let isSocket: Bool

    /// Reads the status of `path`, or returns `nil` if nothing exists there.
    public init?(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        self.path = path
        self.ownerID = info.st_uid
        self.groupID = info.st_gid
        self.permissions = UInt16(info.st_mode & 0o7777)
        self.isSocket = (info.st_mode & S_IFMT) == S_IFSOCK
        self.owner = UnixUser.name(ofUser: info.st_uid) ?? String(info.st_uid)
        self.group = UnixUser.name(ofGroup: info.st_gid) ?? String(info.st_gid)
    }

    /// The mode as `ls -l` prints it, e.g. `srwxrwx---`.
    public var modeString: String {
        let letters: [Character] = ["r", "w", "x"]
        var text = isSocket ? "s" : "-"
        for shift in stride(from: 6, through: 0, by: -3) {
            for (index, letter) in letters.enumerated() {
                text.append(permissions & (1 << (shift + 2 - index)) != 0 ? letter : "-")
            }
        }
        return text
    }

    /// Whether this process may connect to the socket at `path` now, as the kernel judges it
    /// (`access(2)` for write permission): the groups the process holds count, and so do ACL
    /// entries on the file, which ``allowsConnection(by:)`` cannot see.
    public static func processMayConnect(to path: String) -> Bool {
        access(path, W_OK) == 0
    }

    /// Whether `user` may connect: root always can; otherwise the owner, group or other write bit
    /// that applies to the user must be set.
    public func allowsConnection(by user: UnixUser) -> Bool {
        if user.id == 0 { return true }
        if user.id == ownerID { return permissions & 0o200 != 0 }
        if user.groupIDs.contains(groupID) { return permissions & 0o020 != 0 }
        return permissions & 0o002 != 0
    }

    /// `srwxrwx--- redis:redis /var/run/redis/redis.sock`.
    public var description: String { "\(modeString) \(owner):\(group) \(path)" }
}
