import Glibc
import PaygateCore
import PaygateCrypto

/// The signed checkpoints of the audit log's head, one JSON line each appended to a file outside
/// the database (README "Audit log"). Signed with HMAC-SHA256 under a 32-byte key in a 0600 file:
/// the threat the checkpoint answers is someone who can write the database (a stolen database
/// password, a DBA) but not read the paygate user's files; HMAC is already wrapped here and needs
/// no new C surface. Its limit: whoever can verify can also sign, so an auditor checks on the host
/// (an Ed25519 key would let a public key leave the host; see README).
public struct AuditCheckpoints: Sendable {
    public static let keyByteCount = 32
    /// Only the end of the file is read: the newest checkpoints decide, and a line a minute
    /// grows the file by about 50 MB a year. This holds some 2,000 lines.
    public static let tailBytesMax = 256 * 1024

    public let path: String
    let key: Secret
    /// The key file's owner: the service user. The checkpoints belong to it too, so that a
    /// checkpoint first written by root (an admin command of a stack started as root) does not
    /// lock the worker, running as that user, out of the file.
    let owner: (user: uid_t, group: gid_t)

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public init(path: String, keyFile: String) throws(Failure) {
        self.path = path
        do {
            key = try ProtectedFile.read(path: keyFile, access: .ownerOnly, bytesMax: Self.keyByteCount)
        } catch {
            throw Failure(message: "audit checkpoint key: \(error.message)")
        }
        guard key.count == Self.keyByteCount else {
            throw Failure(message: "audit checkpoint key \(keyFile) holds \(key.count) bytes, exactly \(Self.keyByteCount) expected")
        }
        var status = stat()
        owner = stat(keyFile, &status) == 0 ? (status.st_uid, status.st_gid) : (geteuid(), getegid())
    }

    func signature(_ checkpoint: AuditCheckpoint) -> String {
        Hex.encode(HMACSHA256.authenticate(key: key, message: checkpoint.signedBytes))
    }

    /// Appends one signed line (the file and its directory are made owner-only when missing).
    /// One `write` of a short line with O_APPEND: lines of concurrent writers do not interleave.
    public func append(_ checkpoint: AuditCheckpoint) throws(Failure) {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !directory.isEmpty, mkdir(directory, 0o700) == 0, geteuid() == 0 { _ = chown(directory, owner.user, owner.group) }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(message: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        if geteuid() == 0 { _ = fchown(descriptor, owner.user, owner.group) }
        let line = Array((checkpoint.line(signature: signature(checkpoint)) + "\n").utf8)
        let written = line.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress!, $0.count) }
        guard written == line.count, fsync(descriptor) == 0 else {
            throw Failure(message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The checkpoint with the highest sequence among the newest lines (`tailBytesMax`) whose
    /// signature checks, and whether any of those lines' did not (a forged or damaged
    /// checkpoint). No file: (nil, false).
    public func latest() throws(Failure) -> (checkpoint: AuditCheckpoint?, forged: Bool) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return (nil, false) }
            throw Failure(message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size >= 0 else { throw Failure(message: "cannot read \(path): \(String(cString: strerror(errno)))") }
        let start = max(0, size - off_t(Self.tailBytesMax))
        var bytes = [UInt8](repeating: 0, count: Int(size - start))
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, start) }
        guard count == bytes.count else { throw Failure(message: "cannot read \(path): \(String(cString: strerror(errno)))") }
        // A tail that starts inside a line: that partial first line is not a checkpoint.
        if start > 0, let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) { bytes.removeSubrange(...newline) }
        var best: AuditCheckpoint?
        var forged = false
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where !line.isEmpty {
            guard let (checkpoint, signature) = AuditCheckpoint.parse(line: String(line)),
                let given = Hex.decode(signature),
                ConstantTime.equals(given, HMACSHA256.authenticate(key: key, message: checkpoint.signedBytes))
            else {
                forged = true
                continue
            }
            if checkpoint.sequence >= (best?.sequence ?? -1) { best = checkpoint }
        }
        return (best, forged)
    }
}
