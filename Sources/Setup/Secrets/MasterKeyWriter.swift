import PaygateCrypto

/// ROOT/secrets/master.key: `SecretBox.keyByteCount` random bytes, the first key (id 0) of the
/// master key ring that seals merchant secrets, payer data and stored answers; and the ring's
/// directory ROOT/secrets/master-keys (0700) for the keys `paygate-admin keys rotate-master`
/// makes. Made only when no key exists: replacing it under existing data would make every sealed
/// value unreadable, and once the first key is retired the ring's newer keys carry on alone.
enum MasterKeyWriter {
    static func ensure(_ layout: StackLayout, notes: inout [String]) throws(SetupError) {
        try SetupFiles.directory(layout.secretsDirectory, mode: SetupFiles.privateDirectoryMode)
        try SetupFiles.directory(layout.masterKeyDirectory, mode: SetupFiles.privateDirectoryMode)
        let location = KeyRingLocation(firstKeyFile: layout.masterKeyFile, directory: layout.masterKeyDirectory)
        let rotated = ((try? location.presentKeyIds()) ?? []).contains { $0 > 0 }
        guard !SetupFiles.hasContents(layout.masterKeyFile), !rotated else { return }
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
