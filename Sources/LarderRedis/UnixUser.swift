#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A user account: its name, id, and the groups it belongs to.
public struct UnixUser: Hashable, Sendable {
    /// The login name.
    public let name: String
    /// The user id.
    public let id: UInt32
    /// The primary and supplementary group ids from the group database (what a new login gets).
    public let groupIDs: Set<UInt32>

    /// The user this process runs as, with the groups the process holds now. These can lag
    /// behind the group database until the user logs in again (or runs `newgrp`).
    public static var current: UnixUser {
        let uid = getuid()
        let count = getgroups(0, nil)
        var groups = [gid_t](repeating: 0, count: Int(max(count, 0)))
        let filled = getgroups(count, &groups)
        var ids = Set(groups.prefix(Int(max(filled, 0))))
        ids.insert(getegid())
        return UnixUser(name: name(ofUser: uid) ?? String(uid), id: uid, groupIDs: ids)
    }

    /// Looks up `name` in the user database, with the groups a new login would have.
    public static func named(_ name: String) -> UnixUser? {
        let found: (uid: uid_t, gid: gid_t)? = withPasswordEntry({ entry, buffer, size, result in
            getpwnam_r(name, &entry, buffer, size, &result)
        }) { ($0.pw_uid, $0.pw_gid) }
        guard let (uid, primary) = found else { return nil }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, primary, &groups, &count) == -1 {
            groups = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(name, primary, &groups, &count)
        }
        return UnixUser(name: name, id: uid, groupIDs: Set(groups.prefix(Int(count))).union([primary]))
    }

    /// Whether the group database makes this user a member of group `groupID`: what a new
    /// login gets, whatever the groups this value (a running process, say) holds.
    public func isMemberInGroupDatabase(of groupID: UInt32) -> Bool {
        guard let listed = UnixUser.named(name), listed.id == id else { return false }
        return listed.groupIDs.contains(groupID)
    }

    /// Creates a user value by hand (tests).
    public init(name: String, id: UInt32, groupIDs: Set<UInt32>) {
        self.name = name
        self.id = id
        self.groupIDs = groupIDs
    }

    /// The name of user `id`, or `nil` if the database has none.
    public static func name(ofUser id: UInt32) -> String? {
        withPasswordEntry({ entry, buffer, size, result in getpwuid_r(id, &entry, buffer, size, &result) }) {
            String(cString: $0.pw_name)
        }
    }

    /// The name of group `id`, or `nil` if the database has none.
    public static func name(ofGroup id: UInt32) -> String? {
        withGroupEntry({ entry, buffer, size, result in getgrgid_r(id, &entry, buffer, size, &result) }) {
            String(cString: $0.gr_name)
        }
    }

    /// The id of the group called `name`, or `nil` if there is none.
    public static func groupID(named name: String) -> UInt32? {
        withGroupEntry({ entry, buffer, size, result in getgrnam_r(name, &entry, buffer, size, &result) }) { $0.gr_gid }
    }

    // The reentrant `_r` look-ups: the plain ones share a static buffer between threads.

    private static func withPasswordEntry<T>(
        _ lookUp: (inout passwd, UnsafeMutablePointer<CChar>, Int, inout UnsafeMutablePointer<passwd>?) -> Int32,
        _ read: (passwd) -> T
    ) -> T? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>? = nil
        var storage = [CChar](repeating: 0, count: 16 * 1024)
        return storage.withUnsafeMutableBufferPointer { buffer in
            // The entry's strings point into `buffer`: read them before it goes away.
            guard lookUp(&entry, buffer.baseAddress!, buffer.count, &result) == 0, result != nil else { return nil }
            return read(entry)
        }
    }

    private static func withGroupEntry<T>(
        _ lookUp: (inout group, UnsafeMutablePointer<CChar>, Int, inout UnsafeMutablePointer<group>?) -> Int32,
        _ read: (group) -> T
    ) -> T? {
        var entry = group()
        var result: UnsafeMutablePointer<group>? = nil
        var storage = [CChar](repeating: 0, count: 64 * 1024)
        return storage.withUnsafeMutableBufferPointer { buffer in
            // The entry's strings point into `buffer`: read them before it goes away.
            guard lookUp(&entry, buffer.baseAddress!, buffer.count, &result) == 0, result != nil else { return nil }
            return read(entry)
        }
    }
}
