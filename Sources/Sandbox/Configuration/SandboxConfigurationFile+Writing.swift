/// Building the file in code, for its writer (`paygate-admin init`, the Setup module): encoded
/// with the keys it is decoded with, so a written file reads back by construction. A value left
/// nil is left out of the file and keeps its documented default.
extension SandboxConfigurationFile {
    public init(
        listenSocket: String, pidFile: String?, threads: Int?, publicBaseURL: String, callbackCAFile: String?,
        retrySchedules: [String: [String]]?, callbackSenders: Int?, channels: [String: ChannelEntry]
    ) {
        self.listenSocket = listenSocket
        self.pidFile = pidFile
        self.threads = threads
        self.publicBaseURL = publicBaseURL
        self.callbackCAFile = callbackCAFile
        self.retrySchedules = retrySchedules
        self.callbackSenders = callbackSenders
        self.channels = channels
    }
}
