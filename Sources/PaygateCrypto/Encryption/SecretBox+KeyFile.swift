extension SecretBox {
    /// Reads a master key: exactly `keyByteCount` raw bytes from a regular file that only its
    /// owner may read (`ProtectedFile` makes the checks). Errors name the path and mode, never
    /// the contents.
    public static func loadKey(path: String) throws(CryptoError) -> [UInt8] {
        let contents: Secret
        do {
            contents = try ProtectedFile.read(path: path, access: .ownerOnly, bytesMax: keyByteCount)
        } catch {
            switch error.code {
            case .unreadable: throw CryptoError(.keyFileUnreadable, "key file: \(error.message)")
            case .permissionsTooOpen: throw CryptoError(.keyFilePermissionsTooOpen, "key file: \(error.message)")
            case .tooLarge:
                throw CryptoError(
                    .keyFileLengthInvalid, "key file \(path) holds more than \(keyByteCount) bytes, exactly \(keyByteCount) expected")
            }
        }
        guard contents.count == keyByteCount else {
            throw CryptoError(.keyFileLengthInvalid, "key file \(path) holds \(contents.count) bytes, exactly \(keyByteCount) expected")
        }
        return contents.reveal()
    }
}
