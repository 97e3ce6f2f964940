import PaygateCore
import Sandbox

/// ROOT/sandbox.json, the channel sandbox's configuration: built as the
/// `SandboxConfigurationFile` it reads, checked by loading every key it names before it is
/// written, and read back after. The sandbox holds both sides of each account: it signs with the
/// platform keys and checks paygate's requests with the merchant public halves.
enum SandboxConfigurationWriter {
    static func file(_ layout: StackLayout, _ options: InitOptions) -> SandboxConfigurationFile {
        var channels: [String: SandboxConfigurationFile.ChannelEntry] = [:]
        for channel in Channel.allCases {
            let files = ChannelFiles(layout: layout, channel: channel)
            channels[channel.rawValue] = SandboxConfigurationFile.ChannelEntry(
                merchantAccountId: LocalChannelAccounts.merchantAccountId(channel), platformKeyFile: files.privateKey(.platform),
                platformCertificateFile: files.hasCertificates ? files.publicHalf(.platform) : nil,
                merchantKeyFiles: [files.publicHalf(.merchant)], apiv3KeyFile: channel == .wechatpay ? files.sandboxAPIV3Key : nil)
        }
        let fast = Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0.rawValue, InitOptions.fastRetrySchedule) })
        return SandboxConfigurationFile(
            listenSocket: layout.sandboxSocket, pidFile: layout.sandboxPidFile, threads: options.sandboxThreads,
            publicBaseURL: "https://127.0.0.1:\(options.sandboxPort)", callbackCAFile: layout.caCertificateFile,
            retrySchedules: options.sandboxFastRetries ? fast : nil, callbackSenders: options.sandboxCallbackSenders, channels: channels)
    }

    /// Writes only when the text differs, and says whether it did: scripts/stack-sandbox.sh
    /// restarts a running sandbox whose file changed (its in-memory state belongs to the old one).
    @discardableResult
    static func write(_ file: SandboxConfigurationFile, to path: String) throws(SetupError) -> Bool {
        do {
            _ = try file.sandboxConfiguration()
        } catch {
            throw SetupError(.configurationInvalid, "the options make a sandbox configuration it refuses: \(error)")
        }
        let text = try JSONFile.encode(file)
        guard SetupFiles.read(path) != Array(text.utf8) else { return false }
        try SetupFiles.write(path, text: text, .ownerOnly)
        do {
            _ = try SandboxConfigurationFile.load(path: path).sandboxConfiguration()
        } catch {
            throw SetupError(.readBackFailed, "\(path) does not read back: \(error)")
        }
        return true
    }
}
