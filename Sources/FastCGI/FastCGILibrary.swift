import CFastCGI
import Glibc
import Synchronization

/// Process-wide libfcgi calls and the listen socket.
public enum FastCGILibrary {
    /// Queue of connections nginx has opened that no thread has accepted yet: first come, first
    /// served, and free. Requests beyond the busy threads wait here rather than fail, so it is as
    /// deep as the kernel allows (net.core.somaxconn, 4096 on Debian 12, caps it).
    public static let listenBacklogCountMax: Int32 = 4096

    /// Opens the unix socket nginx connects to and returns its descriptor.
    ///
    /// The socket is bound at `path + ".new"`, given `mode`, and renamed over `path`. The rename is
    /// atomic: nginx always finds either the old socket or the new one, never nothing, which is what
    /// lets a reload start a new generation of workers on a fresh socket (see Pool's README notes in
    /// PoolServer.swift). A missing parent directory is reported instead of libfcgi's exit().
    public static func listen(path: String, mode: mode_t = 0o660) throws(FastCGIError) -> Int32 {
        let directory = parentDirectory(of: path)
        var status = stat()
        guard stat(directory, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
            throw FastCGIError(.socketDirectoryMissing, errorNumber: errno, "socket directory \(directory) does not exist")
        }
        let temporaryPath = path + ".new"
        unlink(temporaryPath)
        let result = paygate_fcgi_listen_unix(temporaryPath, listenBacklogCountMax, mode)
        guard result >= 0 else {
            throw FastCGIError(.socketOpenFailed, errorNumber: -result, "cannot listen on \(temporaryPath)")
        }
        guard rename(temporaryPath, path) == 0 else {
            let saved = errno
            close(result)
            unlink(temporaryPath)
            throw FastCGIError(.socketRenameFailed, errorNumber: saved, "cannot rename \(temporaryPath) to \(path)")
        }
        return result
    }

    /// `FCGX_Init`: once per process, before any thread makes a request.
    public static func initialize() throws(FastCGIError) {
        let result = FCGX_Init()
        guard result == 0 else { throw FastCGIError(.libraryInitFailed, errorNumber: -result, "FCGX_Init failed") }
    }

    /// `FCGX_ShutdownPending`: from now on libfcgi's accept returns at once instead of waiting, and
    /// an accept interrupted by a signal gives up instead of retrying. Reads and writes of requests
    /// in flight are not affected (checked in libfcgi 2.4.2: OS_Read/OS_Write do not look at it).
    public static func shutdownPending() {
        pending.store(true, ordering: .sequentiallyConsistent)
        FCGX_ShutdownPending()
    }

    /// Whether `shutdownPending()` was called in this process.
    public static var isShutdownPending: Bool { pending.load(ordering: .sequentiallyConsistent) }
    private static let pending = Atomic<Bool>(false)

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
