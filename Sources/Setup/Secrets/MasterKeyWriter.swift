import PaygateCrypto

/// ROOT/secrets/master.key: `SecretBox.keyByteCount` random bytes that seal every merchant
/// secret in the directory database. Made only when missing: replacing it under existing data
/// would make every sealed secret unreadable.
enum MasterKeyWriter {
    static func ensure(_ layout: StackLayout, notes: inout [String]) throws(SetupError) {
        try SetupFiles.directory(layout.secretsDirectory, mode: SetupFiles.privateDirectoryMode)
        guard !SetupFiles.hasContents(layout.masterKeyFile) else { return }
        notes.append("generating \(layout.masterKeyFile)")
        let key = try SetupFiles.crypto("generating the master key") { () throws(CryptoError) in
            try SecureRandom.bytes(SecretBox.keyByteCount)
        }
        try SetupFiles.write(layout.masterKeyFile, Secret(key), .ownerOnly)
    }
}
