import Foundation

/// Where a `KeyRing`'s master keys live (`master_key_file` and `master_key_directory` in the
/// configuration; both may be outside the stack's data root). Each key is `SecretBox.keyByteCount`
/// raw bytes in a file only its owner may read (`ProtectedFile`).
///
/// - `firstKeyFile` is key id 0, the key every value was sealed under before keys rotated.
/// - `directory` holds the keys made since, `master-<id>.key` (id 1, 2, …); other names are
///   ignored. A retired key is moved to `retired/` inside it (the first key: renamed with
///   `.retired`), for the operator to destroy once no backup needs it.
///
/// The first key file may be gone (retired) when the directory holds a key; without a directory
/// the ring is the first key alone and cannot rotate.
public struct KeyRingLocation: Sendable, Equatable {
    public static let fileNamePrefix = "master-"
    public static let fileNameSuffix = ".key"
    public static let retiredDirectoryName = "retired"

    public var firstKeyFile: String
    public var directory: String?

    public init(firstKeyFile: String, directory: String?) {
        self.firstKeyFile = firstKeyFile
        self.directory = directory
    }

    /// The file of key `id`.
    public func path(of id: UInt32) -> String? {
        if id == 0 { return firstKeyFile }
        return directory.map { $0 + "/" + Self.fileNamePrefix + String(id) + Self.fileNameSuffix }
    }

    /// The ids of the key files present (the first key's 0 when its file exists).
    public func presentKeyIds() throws(CryptoError) -> [UInt32] {
        var ids: [UInt32] = FileManager.default.fileExists(atPath: firstKeyFile) ? [0] : []
        guard let directory else { return ids }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw CryptoError(.keyFileUnreadable, "cannot list the key directory \(directory)")
        }
        for name in names where name.hasPrefix(Self.fileNamePrefix) && name.hasSuffix(Self.fileNameSuffix) {
            let digits = name.dropFirst(Self.fileNamePrefix.count).dropLast(Self.fileNameSuffix.count)
            guard let id = UInt32(digits), id > 0, String(id) == digits else {
                throw CryptoError(.keyRingInvalid, "\(directory)/\(name) is not named master-<id>.key with an id of 1 or more")
            }
            ids.append(id)
        }
        return ids.sorted()
    }

    /// Writes a fresh random key with the next id (one above the highest present) and returns
    /// the id. The file is complete and 0600 before it appears under its name.
    public func addKey() throws(CryptoError) -> UInt32 {
        guard let directory else {
            throw CryptoError(.keyRingInvalid, "no master_key_directory is configured: the master key cannot rotate")
        }
        try? FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let id = (try presentKeyIds().max() ?? 0) + 1
        guard let path = path(of: id) else { throw CryptoError(.keyRingInvalid, "no path for key \(id)") }
        let key = Secret(try SecureRandom.bytes(SecretBox.keyByteCount))
        do {
            try ProtectedFile.write(path: path, contents: key, access: .ownerOnly)
            // The processes that read the ring run as the directory's owner (a service user).
            try ProtectedFile.give(path, to: ProtectedFile.owner(of: directory))
        } catch {
            throw CryptoError(.keyFileUnreadable, "cannot write the new master key: \(error.message)")
        }
        return id
    }

    /// Takes key `id` out of the ring: its file is moved aside, not destroyed (see above).
    public func retire(_ id: UInt32) throws(CryptoError) {
        guard let path = path(of: id) else { return }
        let target: String
        if id == 0 {
            target = path + ".retired"
        } else {
            let retired = directory! + "/" + Self.retiredDirectoryName
            try? FileManager.default.createDirectory(
                atPath: retired, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            target = retired + "/" + Self.fileNamePrefix + String(id) + Self.fileNameSuffix
        }
        guard rename(path, target) == 0 else {
            throw CryptoError(.keyFileUnreadable, "cannot move \(path) to \(target) (errno \(errno))")
        }
    }
}

extension KeyRing {
    /// Reads every key present at `location`.
    static func load(_ location: KeyRingLocation) throws(CryptoError) -> Keys {
        var boxes: [UInt32: SecretBox] = [:]
        for id in try location.presentKeyIds() {
            guard let path = location.path(of: id) else { continue }
            boxes[id] = try SecretBox(key: SecretBox.loadKey(path: path), keyId: id)
        }
        return try keys(boxes)
    }
}
