#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing the files `ProtectedFile.read` reads: the one writer of key material, so that a key is
/// never, not even for a moment, readable by others, and never half written.
extension ProtectedFile {
    public struct WriteFailure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The mode a file written for `access` gets: what `read` accepts for it.
    public static func mode(for access: Access) -> Int {
        switch access {
        case .ownerOnly: 0o600
        case .anyone: 0o644
        }
    }

    /// Replaces `path` with `contents`, whole or not at all: a temporary file beside it is
    /// created with the final mode (never wider, whatever the umask), synced, then renamed over
    /// `path`. Errors name the path, never the contents.
    public static func write(path: String, contents: Secret, access: Access) throws(WriteFailure) {
        let temporary = path + ".tmp"
        let mode = mode_t(mode(for: access))
        // A temporary file left by a crashed run is ours to replace; O_EXCL below then makes sure
        // the file written is one this call created, with this call's mode.
        _ = unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw WriteFailure(message: "cannot create \(temporary): \(errnoText())") }
        var written = false
        defer {
            close(descriptor)
            if !written { _ = unlink(temporary) }
        }
        guard fchmod(descriptor, mode) == 0 else { throw WriteFailure(message: "cannot set the mode of \(temporary): \(errnoText())") }
        try contents.withBytes { (bytes) throws(WriteFailure) in
            var offset = 0
            while offset < bytes.count {
                let count = bytes.withUnsafeBytes { buffer in
                    writeSome(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw WriteFailure(message: "cannot write \(temporary): \(errnoText())") }
                offset += count
            }
        }
        guard fsync(descriptor) == 0 else { throw WriteFailure(message: "cannot sync \(temporary): \(errnoText())") }
        guard rename(temporary, path) == 0 else { throw WriteFailure(message: "cannot rename \(temporary) to \(path): \(errnoText())") }
        written = true
    }
}

/// At file scope so `write` means the system call, not `ProtectedFile.write`.
private func writeSome(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

private func errnoText() -> String {
    String(cString: strerror(errno))
}
