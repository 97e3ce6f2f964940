import PaygateCore
import PaygateCrypto

/// A new platform key for one channel: the current one becomes "previous" (replacing an older
/// previous) with the moment it was retired, so paygate keeps accepting it for
/// `verification_key_grace_seconds` and the sandbox can still sign with it until restarted.
public enum ChannelKeyRotation {
    public static func rotate(_ layout: StackLayout, channel: Channel, now: Timestamp) throws(SetupError) {
        let files = ChannelFiles(layout: layout, channel: channel)
        guard SetupFiles.hasContents(files.privateKey(.platform)), SetupFiles.hasContents(files.publicHalf(.platform)) else {
            throw SetupError(.rootIncomplete, "no \(channel.rawValue) platform key in \(files.directory): run init (stack.sh up) first")
        }
        // Everything new is made first, so a failure leaves the current key in place.
        let key = try SetupFiles.crypto("generating the \(channel.rawValue) platform key") { () throws(CryptoError) in
            try RSAPrivateKey.generate(bits: LocalChannelAccounts.rsaBits)
        }
        let nextKey = files.directory + "/platform-next.key"
        let nextPublic = files.directory + "/platform-next" + (files.hasCertificates ? ".pem" : ".pub")
        let retiredAt = files.previousRetiredAt + ".next"
        try SetupFiles.write(nextKey, try ChannelKeyWriter.export(key), .ownerOnly)
        try SetupFiles.write(
            nextPublic, text: try ChannelKeyWriter.publicHalf(of: key, files, .platform, now: now.secondsSinceEpoch), .ownerOnly)
        try SetupFiles.write(retiredAt, text: now.rfc3339 + "\n", .ownerOnly)

        try SetupFiles.move(files.privateKey(.platform), to: files.privateKey(.platformPrevious))
        try SetupFiles.move(files.publicHalf(.platform), to: files.publicHalf(.platformPrevious))
        try SetupFiles.move(retiredAt, to: files.previousRetiredAt)
        try SetupFiles.move(nextKey, to: files.privateKey(.platform))
        try SetupFiles.move(nextPublic, to: files.publicHalf(.platform))
    }
}
