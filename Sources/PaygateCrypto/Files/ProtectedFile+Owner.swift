#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Key files an administrator writes as root for a stack run by its own service user (a new
/// master key, a re-sealed channel key) must stay readable by that user: a key only root could
/// read would be refused by the running processes, which then keep the keys they hold and never
/// learn the new one. The owner to keep is read before the write and given back after it.
extension ProtectedFile {
    public struct Owner: Sendable, Equatable {
        public var user: UInt32
        public var group: UInt32
    }

    /// The owner of `path` (a file or a directory), nil when it cannot be examined.
    public static func owner(of path: String) -> Owner? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Owner(user: status.st_uid, group: status.st_gid)
    }

    /// Gives `path` to `owner` when this process may (it runs as root) and it is not already
    /// theirs; otherwise the file stays this process's, as written.
    public static func give(_ path: String, to owner: Owner?) throws(WriteFailure) {
        guard let owner, geteuid() == 0, Self.owner(of: path) != owner else { return }
        guard chown(path, owner.user, owner.group) == 0 else {
            throw WriteFailure(message: "cannot give \(path) to user \(owner.user): \(String(cString: strerror(errno)))")
        }
    }
}
