import Foundation
import PaygateCrypto

/// The file operations of the setup: directories with their modes, files written whole with
/// theirs (through `ProtectedFile`, the one writer of key material), and the `-s` test the shell
/// scripts used ("exists and is not empty") to decide what is already there.
enum SetupFiles {
    /// Directories only their owner may enter: secrets, channel keys.
    static let privateDirectoryMode = 0o700
    /// Directories tools may list, e.g. ROOT/tls, so anyone can read ca.pem.
    static let listableDirectoryMode = 0o755

    /// True when `path` exists and is not empty: an empty file is one a crash left half made.
    static func hasContents(_ path: String) -> Bool {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return ((attributes?[.size] as? NSNumber)?.intValue ?? 0) > 0
    }

    /// Creates `path` and its parents when missing, then sets `mode` (when given) on `path` itself.
    static func directory(_ path: String, mode: Int?) throws(SetupError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            if let mode {
                try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            }
        } catch {
            throw SetupError(.fileSystemFailed, "cannot create the directory \(path): \(error.localizedDescription)")
        }
    }

    static func write(_ path: String, _ contents: Secret, _ access: ProtectedFile.Access) throws(SetupError) {
        do {
            try ProtectedFile.write(path: path, contents: contents, access: access)
        } catch {
            throw SetupError(.fileSystemFailed, error.message)
        }
    }

    static func write(_ path: String, text: String, _ access: ProtectedFile.Access) throws(SetupError) {
        try write(path, Secret(utf8: text), access)
    }

    /// The file's contents, for files that are not secret (certificates, configuration).
    static func read(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }

    /// A private file through `ProtectedFile`, refused when others may read it.
    static func readPrivate(_ path: String, bytesMax: Int) throws(SetupError) -> Secret {
        do {
            return try ProtectedFile.read(path: path, access: .ownerOnly, bytesMax: bytesMax)
        } catch {
            throw SetupError(.fileSystemFailed, error.message)
        }
    }

    static func remove(_ path: String) throws(SetupError) {
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw SetupError(.fileSystemFailed, "cannot remove \(path): \(error.localizedDescription)")
        }
    }

    static func move(_ source: String, to target: String) throws(SetupError) {
        guard rename(source, target) == 0 else {
            throw SetupError(.fileSystemFailed, "cannot rename \(source) to \(target): \(String(cString: strerror(errno)))")
        }
    }

    static func setMode(_ path: String, _ mode: Int) throws(SetupError) {
        do {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        } catch {
            throw SetupError(.fileSystemFailed, "cannot set mode 0\(String(mode, radix: 8)) on \(path): \(error.localizedDescription)")
        }
    }

    /// Turns a PaygateCrypto failure into the setup's error, naming what was being made.
    static func crypto<Result>(_ what: String, _ body: () throws(CryptoError) -> Result) throws(SetupError) -> Result {
        do {
            return try body()
        } catch {
            throw SetupError(.cryptoFailed, "\(what): \(error.message)")
        }
    }
}
