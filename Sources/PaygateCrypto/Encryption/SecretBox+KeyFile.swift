#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SecretBox {
    /// Reads a master key: exactly `keyByteCount` raw bytes from a regular file that only its
    /// owner may read (no group or other permission bits at all, as `chmod 600` leaves it).
    ///
    /// The checks run on the opened descriptor, so the file examined is the file read. Errors
    /// name the path and mode, never the contents.
    public static func loadKey(path: String) throws(CryptoError) -> [UInt8] {
        let descriptor = openReadOnly(path)
        guard descriptor >= 0 else {
            throw CryptoError(.keyFileUnreadable, "cannot open key file \(path): \(errnoText())")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw CryptoError(.keyFileUnreadable, "cannot examine key file \(path): \(errnoText())")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw CryptoError(.keyFileUnreadable, "key file \(path) is not a regular file")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw CryptoError(
                .keyFilePermissionsTooOpen,
                "key file \(path) has mode 0\(String(permissions, radix: 8)); group and others must have no access (chmod 600)")
        }
        // Read one byte more than a key so a longer file is noticed rather than truncated.
        var key = [UInt8](repeating: 0, count: keyByteCount + 1)
        var total = 0
        while total < key.count {
            let count = key.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + total, buffer.count - total)
            }
            if count < 0 && errno == EINTR {
                continue
            }
            guard count >= 0 else {
                throw CryptoError(.keyFileUnreadable, "cannot read key file \(path): \(errnoText())")
            }
            if count == 0 {
                break
            }
            total += count
        }
        guard total == keyByteCount else {
            key.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            let length = total > keyByteCount ? "more than \(keyByteCount)" : "\(total)"
            throw CryptoError(.keyFileLengthInvalid, "key file \(path) holds \(length) bytes, exactly \(keyByteCount) expected")
        }
        key.removeLast()
        return key
    }
}

/// At file scope so `open` means the system call, not `SecretBox.open`.
private func openReadOnly(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_CLOEXEC)
}

private func errnoText() -> String {
    String(cString: strerror(errno))
}
