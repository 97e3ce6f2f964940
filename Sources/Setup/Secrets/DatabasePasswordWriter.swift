import PaygateCore
import PaygateCrypto

/// ROOT/secrets/database/*.password: one random password per MariaDB account of the stack
/// (`StackDatabase.accounts`), 0600, made only when missing: the servers already know it.
/// scripts/stack-accounts.sh creates the accounts with them; the configuration names the files,
/// so paygate.json itself holds no password.
enum DatabasePasswordWriter {
    /// 24 random bytes, written as 48 hex digits: plenty of entropy and no character any client
    /// or SQL literal would need to escape.
    static let passwordRandomByteCount = 24

    static func ensure(_ layout: StackLayout, notes: inout [String]) throws(SetupError) {
        try SetupFiles.directory(layout.secretsDirectory, mode: SetupFiles.privateDirectoryMode)
        // Traversable, not listable: the pool's user opens its own file by name (the stack chowns
        // each file to the user that reads it when started as root).
        try SetupFiles.directory(layout.databasePasswordsDirectory, mode: 0o711)
        for role in DatabaseRole.allCases {
            let path = layout.databasePasswordFile(role)
            guard !SetupFiles.hasContents(path) else { continue }
            notes.append("generating \(path)")
            let bytes = try SetupFiles.crypto("generating a database password") { () throws(CryptoError) in
                try SecureRandom.bytes(passwordRandomByteCount)
            }
            try SetupFiles.write(path, text: hex(bytes), .ownerOnly)
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }
}
