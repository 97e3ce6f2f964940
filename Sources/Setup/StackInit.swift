import PaygateCore
import PaygateCrypto

/// `paygate-admin init ROOT`: every file a stack root needs before its processes start, made with
/// the types and the crypto code that read them. Keys, secrets and certificates are made only
/// when missing (a restart keeps its data readable); the two configuration files are rewritten
/// from the options every time. Idempotent: run it again with the same options and nothing changes.
public enum StackInit {
    public struct Result: Sendable {
        /// What was made, one line each ("generating ..."): never key text.
        public var notes: [String]
        /// Whether ROOT/sandbox.json changed: a running sandbox must be restarted to see it.
        public var sandboxConfigurationChanged: Bool
    }

    public static func run(_ layout: StackLayout, _ options: InitOptions, now: Timestamp = .now()) throws(SetupError) -> Result {
        var notes: [String] = []
        // The root keeps whatever mode its maker gave it (the end-to-end suite's is 0700).
        try SetupFiles.directory(layout.root, mode: nil)
        try MasterKeyWriter.ensure(layout, notes: &notes)
        try AuditKeyWriter.ensure(layout, notes: &notes)
        try DatabasePasswordWriter.ensure(layout, notes: &notes)
        try TLSWriter.ensure(layout, now: now.secondsSinceEpoch, notes: &notes)
        let masterKeys = try SetupFiles.crypto("reading the master keys") { () throws(CryptoError) in
            try KeyRing(location: KeyRingLocation(firstKeyFile: layout.masterKeyFile, directory: layout.masterKeyDirectory))
        }
        try ChannelKeyWriter.ensure(layout, now: now.secondsSinceEpoch, masterKeys: masterKeys, notes: &notes)
        try PaygateConfigurationWriter.write(try PaygateConfigurationWriter.configuration(layout, options), to: layout.configurationFile)
        let changed = try SandboxConfigurationWriter.write(
            SandboxConfigurationWriter.file(layout, options), to: layout.sandboxConfigurationFile)
        return Result(notes: notes, sandboxConfigurationChanged: changed)
    }
}
