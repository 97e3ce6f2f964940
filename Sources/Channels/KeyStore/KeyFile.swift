import PaygateCrypto

/// Reads the files of the key store through `ProtectedFile` (the one reader of key material),
/// naming the configuration field in every error.
enum KeyFile {
    /// A PEM key or certificate is 1 to 3 KB; a file far larger is something else.
    static let fileBytesMax = 64 * 1024

    enum Access {
        /// Private keys and the APIv3 key: refused when group or others may read them.
        case ownerOnly
        /// Public keys and certificates.
        case anyone
    }

    /// A private file that may be sealed under the master key (`SealedKeyFile`): its plain bytes.
    static func readSealable(_ path: String, field: String, masterKeys: KeyRing?) throws(KeyStoreError) -> Secret {
        let contents = try read(path, .ownerOnly, field: field)
        do {
            return try SealedKeyFile.open(contents, keys: masterKeys)
        } catch {
            throw KeyStoreError(.keyUnreadable, "\(field): \(path) is sealed and does not open under the master keys (\(error.code))")
        }
    }

    /// The file's bytes as a `Secret`, so no textual form of them can reach a log.
    static func read(_ path: String, _ access: Access, field: String) throws(KeyStoreError) -> Secret {
        do {
            return try ProtectedFile.read(path: path, access: access == .ownerOnly ? .ownerOnly : .anyone, bytesMax: fileBytesMax)
        } catch {
            switch error.code {
            case .unreadable: throw KeyStoreError(.fileUnreadable, "\(field): \(error.message)")
            case .permissionsTooOpen: throw KeyStoreError(.filePermissionsTooOpen, "\(field): \(error.message)")
            case .tooLarge: throw KeyStoreError(.fileTooLarge, "\(field): \(error.message)")
            }
        }
    }
}
