#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file that holds key material: the master key, channel private keys, the WeChat Pay
/// APIv3 key. The one place that does it, so every caller gets the same checks: a regular file,
/// for private material no group or other permission bits (as `chmod 600` leaves it), checked on
/// the opened descriptor so the file examined is the file read, and a size cap noticed rather
/// than cut short. The contents come back as a `Secret`; errors name the path and mode, never
/// the contents.
public enum ProtectedFile {
    public enum Access: Sendable {
        /// Private material: refused when group or others may read it.
        case ownerOnly
        /// Public keys and certificates.
        case anyone
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public enum Code: Sendable, Equatable { case unreadable, permissionsTooOpen, tooLarge }
        public let code: Code
        public let message: String
        public var description: String { message }
    }

    public static func read(path: String, access: Access, bytesMax: Int) throws(Failure) -> Secret {
        let descriptor = openReadOnly(path)
        guard descriptor >= 0 else { throw Failure(code: .unreadable, message: "cannot open \(path): \(errnoText())") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw Failure(code: .unreadable, message: "cannot examine \(path): \(errnoText())")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw Failure(code: .unreadable, message: "\(path) is not a regular file")
        }
        let permissions = status.st_mode & 0o777
        if access == .ownerOnly && permissions & 0o077 != 0 {
            throw Failure(
                code: .permissionsTooOpen,
                message: "\(path) has mode 0\(String(permissions, radix: 8)); group and others must have no access (chmod 600)")
        }
        // One byte more than allowed, so a larger file is noticed rather than cut short.
        var buffer = [UInt8](repeating: 0, count: bytesMax + 1)
        defer { buffer.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        var total = 0
        while total < buffer.count {
            let count = buffer.withUnsafeMutableBytes { bytes in
                readSome(descriptor, bytes.baseAddress! + total, bytes.count - total)
            }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Failure(code: .unreadable, message: "cannot read \(path): \(errnoText())") }
            if count == 0 { break }
            total += count
        }
        guard total <= bytesMax else { throw Failure(code: .tooLarge, message: "\(path) is larger than \(bytesMax) bytes") }
        return Secret(Array(buffer[0..<total]))
    }
}

/// At file scope so `open` and `read` mean the system calls, not `ProtectedFile.read`.
private func openReadOnly(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_CLOEXEC)
}

private func readSome(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

private func errnoText() -> String {
    String(cString: strerror(errno))
}
