import PaygateCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the files of the key store. A private file must be readable by its owner only (no
/// group or other permission bits, as `chmod 600` leaves it), checked on the opened
/// descriptor so the file examined is the file read, like `SecretBox.loadKey`.
enum KeyFile {
    /// A PEM key or certificate is 1 to 3 KB; a file far larger is something else.
    static let fileBytesMax = 64 * 1024

    enum Access {
        /// Private keys and the APIv3 key: refused when group or others may read them.
        case ownerOnly
        /// Public keys and certificates.
        case anyone
    }

    /// The file's bytes as a `Secret`, so no textual form of them can reach a log.
    static func read(_ path: String, _ access: Access, field: String) throws(KeyStoreError) -> Secret {
        let descriptor = openReadOnly(path)
        guard descriptor >= 0 else {
            throw KeyStoreError(.fileUnreadable, "\(field): cannot open \(path): \(errnoText())")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw KeyStoreError(.fileUnreadable, "\(field): cannot examine \(path): \(errnoText())")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw KeyStoreError(.fileUnreadable, "\(field): \(path) is not a regular file")
        }
        let permissions = status.st_mode & 0o777
        if access == .ownerOnly && permissions & 0o077 != 0 {
            throw KeyStoreError(
                .filePermissionsTooOpen,
                "\(field): \(path) has mode 0\(String(permissions, radix: 8)); group and others must have no access (chmod 600)")
        }
        return try readAll(descriptor, path: path, field: field)
    }

    private static func readAll(_ descriptor: Int32, path: String, field: String) throws(KeyStoreError) -> Secret {
        // One byte more than allowed, so a larger file is noticed rather than cut short.
        var buffer = [UInt8](repeating: 0, count: fileBytesMax + 1)
        var total = 0
        while total < buffer.count {
            let count = buffer.withUnsafeMutableBytes { bytes in
                readSome(descriptor, bytes.baseAddress! + total, bytes.count - total)
            }
            if count < 0 && errno == EINTR {
                continue
            }
            guard count >= 0 else {
                throw KeyStoreError(.fileUnreadable, "\(field): cannot read \(path): \(errnoText())")
            }
            if count == 0 {
                break
            }
            total += count
        }
        let contents = Secret(Array(buffer[0..<total]))
        buffer.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        guard total <= fileBytesMax else {
            throw KeyStoreError(.fileTooLarge, "\(field): \(path) is larger than \(fileBytesMax) bytes")
        }
        return contents
    }
}

/// At file scope so `open` and `read` mean the system calls, not `KeyFile.read`.
private func openReadOnly(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_CLOEXEC)
}

private func readSome(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

private func errnoText() -> String {
    String(cString: strerror(errno))
}
