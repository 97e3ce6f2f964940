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

/// ROOT/secrets/audit.key: the key that signs the audit log's checkpoints (HMAC-SHA256, README
/// "Audit log"). Made only when missing: a new key would make every earlier checkpoint fail.
enum AuditKeyWriter {
    static let keyByteCount = 32

    static func ensure(_ layout: StackLayout, notes: inout [String]) throws(SetupError) {
        try SetupFiles.directory(layout.secretsDirectory, mode: SetupFiles.privateDirectoryMode)
        guard !SetupFiles.hasContents(layout.auditKeyFile) else { return }
        notes.append("generating \(layout.auditKeyFile)")
        let key = try SetupFiles.crypto("generating the audit checkpoint key") { () throws(CryptoError) in
            try SecureRandom.bytes(keyByteCount)
        }
        try SetupFiles.write(layout.auditKeyFile, Secret(key), .ownerOnly)
    }
}
