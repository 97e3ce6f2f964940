import Foundation
import PaygateCore
import PaygateCrypto

/// ROOT/channels: both sides of every channel account (`ChannelFiles`). Everything is made only
/// when missing, so a restart never replaces a key under running data; a key made anew drops the
/// public half made for the key before it. Our side's private key and our copy of the APIv3 key
/// are sealed under the master key ring (`SealedKeyFile`); a plain one left by an older stack is
/// sealed in place. The channel's side (platform keys, `sandbox-apiv3.key`) is what the sandbox
/// reads, as a channel holds its own keys: it stays plain.
enum ChannelKeyWriter {
    /// A PEM key or certificate is 1 to 3 KB.
    static let keyFileBytesMax = 64 * 1024

    static func ensure(_ layout: StackLayout, now: Int64, masterKeys: KeyRing, notes: inout [String]) throws(SetupError) {
        try SetupFiles.directory(layout.channelsDirectory, mode: SetupFiles.privateDirectoryMode)
        for channel in Channel.allCases {
            let files = ChannelFiles(layout: layout, channel: channel)
            try SetupFiles.directory(files.directory, mode: SetupFiles.privateDirectoryMode)
            try ensurePair(files, .merchant, now: now, masterKeys: masterKeys, notes: &notes)
            try ensurePair(files, .platform, now: now, masterKeys: nil, notes: &notes)
            try sealInPlace(files.privateKey(.merchant), masterKeys: masterKeys, notes: &notes)
            if channel == .wechatpay {
                try ensureAPIV3Key(files, masterKeys: masterKeys, notes: &notes)
                try ensureSandboxAPIV3Key(files, masterKeys: masterKeys)
                try sealInPlace(files.apiV3Key, masterKeys: masterKeys, notes: &notes)
            }
            try ownerOnly(files.directory)
        }
    }

    /// ROLE.key and its public half, each only when missing; ROLE.key sealed when `masterKeys`.
    private static func ensurePair(
        _ files: ChannelFiles, _ role: ChannelFiles.Role, now: Int64, masterKeys: KeyRing?, notes: inout [String]
    ) throws(SetupError) {
        if !SetupFiles.hasContents(files.privateKey(role)) {
            notes.append("generating the \(files.channel.rawValue) \(role.rawValue) key")
            let key = try SetupFiles.crypto("generating the \(files.channel.rawValue) \(role.rawValue) key") { () throws(CryptoError) in
                try RSAPrivateKey.generate(bits: LocalChannelAccounts.rsaBits)
            }
            try SetupFiles.write(files.privateKey(role), try sealed(try export(key), masterKeys), .ownerOnly)
            // A public half made for another key would verify nothing.
            try SetupFiles.remove(files.publicHalf(role))
        }
        if isOutsideValidity(files.publicHalf(role), files, now: now) {
            // The key store refuses a certificate outside its validity, so an old local stack
            // would not start: the same key gets a new certificate (and so a new serial).
            notes.append("renewing the \(files.channel.rawValue) \(role.rawValue) certificate: it is not valid now")
            try SetupFiles.remove(files.publicHalf(role))
        }
        if !SetupFiles.hasContents(files.publicHalf(role)) {
            let key = try readPrivateKey(files.privateKey(role), masterKeys: masterKeys)
            try SetupFiles.write(files.publicHalf(role), text: try publicHalf(of: key, files, role, now: now), .ownerOnly)
        }
    }

    /// True for a readable certificate that is not valid at `now`; a bare public key has no
    /// validity, and an unreadable file is left for the key store to name.
    static func isOutsideValidity(_ path: String, _ files: ChannelFiles, now: Int64) -> Bool {
        guard files.hasCertificates, let pem = SetupFiles.read(path), let certificate = try? X509Certificate(pem: pem) else { return false }
        return !certificate.isValid(atUnixSeconds: now)
    }

    /// Letters and digits, as WeChat Pay issues APIv3 keys.
    private static func ensureAPIV3Key(_ files: ChannelFiles, masterKeys: KeyRing, notes: inout [String]) throws(SetupError) {
        guard !SetupFiles.hasContents(files.apiV3Key) else { return }
        notes.append("generating the wechatpay APIv3 key")
        let key = try SetupFiles.crypto("generating the APIv3 key") { () throws(CryptoError) in
            try SecureRandom.alphanumeric(LocalChannelAccounts.apiV3KeyCharacters)
        }
        try SetupFiles.write(files.apiV3Key, try sealed(Secret(utf8: key), masterKeys), .ownerOnly)
    }

    /// The channel's own copy of the APIv3 key, which the sandbox reads: the two sides of the
    /// account may run as different users (scripts/stack-users.sh), and a key file has one owner.
    /// Ours is sealed (once `sealInPlace` has run): the channel's copy is the key in the clear.
    private static func ensureSandboxAPIV3Key(_ files: ChannelFiles, masterKeys: KeyRing) throws(SetupError) {
        guard let stored = SetupFiles.read(files.apiV3Key) else { return }
        let key = try SetupFiles.crypto("opening \(files.apiV3Key)") { () throws(CryptoError) in
            try SealedKeyFile.open(Secret(stored), keys: masterKeys).reveal()
        }
        guard SetupFiles.read(files.sandboxAPIV3Key) != key else { return }
        try SetupFiles.write(files.sandboxAPIV3Key, Secret(key), .ownerOnly)
    }

    /// Alipay: the bare public key. WeChat Pay, UnionPay: a self-signed certificate whose serial
    /// names the key (`serial_no` / `Wechatpay-Serial` in hex, `certId` in decimal).
    static func publicHalf(of key: RSAPrivateKey, _ files: ChannelFiles, _ role: ChannelFiles.Role, now: Int64) throws(SetupError) -> String
    {
        let channel = files.channel.rawValue
        guard files.hasCertificates else {
            return try SetupFiles.crypto("writing the \(channel) \(role.rawValue) public key") { () throws(CryptoError) in
                try key.publicKey.pemSPKI()
            }
        }
        let serial = try SerialNumber.random(bytes: files.serialNumberBytes)
        let roleName = role == .merchant ? "merchant" : "platform"
        return try SetupFiles.crypto("making the \(channel) \(role.rawValue) certificate") { () throws(CryptoError) in
            try X509Certificate.selfSigned(
                key: key, commonName: "paygate local \(channel) \(roleName)", serialNumber: serial, notBeforeUnixSeconds: now,
                validityDays: LocalChannelAccounts.certificateValidityDays,
                extensions: [
                    .basicConstraints(certificateAuthority: false, pathLength: nil), .keyUsage([.digitalSignature, .nonRepudiation]),
                    .subjectKeyIdentifier,
                ]
            ).pem()
        }
    }

    static func export(_ key: RSAPrivateKey) throws(SetupError) -> Secret {
        try SetupFiles.crypto("exporting an RSA key") { () throws(CryptoError) in try key.pemPKCS8() }
    }

    static func readPrivateKey(_ path: String, masterKeys: KeyRing?) throws(SetupError) -> RSAPrivateKey {
        let contents = try SetupFiles.readPrivate(path, bytesMax: keyFileBytesMax)
        return try SetupFiles.crypto("reading \(path)") { () throws(CryptoError) in
            try RSAPrivateKey(pem: SealedKeyFile.open(contents, keys: masterKeys))
        }
    }

    static func sealed(_ contents: Secret, _ masterKeys: KeyRing?) throws(SetupError) -> Secret {
        guard let masterKeys else { return contents }
        return try SetupFiles.crypto("sealing a key file") { () throws(CryptoError) in try SealedKeyFile.seal(contents, keys: masterKeys) }
    }

    /// A plain private key left by a stack from before sealing, sealed where it is.
    private static func sealInPlace(_ path: String, masterKeys: KeyRing, notes: inout [String]) throws(SetupError) {
        let contents = try SetupFiles.readPrivate(path, bytesMax: keyFileBytesMax)
        guard !SealedKeyFile.isSealed(contents) else { return }
        notes.append("sealing \(path) under the master key")
        try SetupFiles.write(path, try sealed(contents, masterKeys), .ownerOnly)
    }

    /// Public halves too: nothing in a channel directory is meant for anyone but the stack's owner.
    static func ownerOnly(_ directory: String) throws(SetupError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw SetupError(.fileSystemFailed, "cannot list \(directory): \(error.localizedDescription)")
        }
        for name in names.sorted() {
            try SetupFiles.setMode(directory + "/" + name, ProtectedFile.mode(for: .ownerOnly))
        }
    }
}
