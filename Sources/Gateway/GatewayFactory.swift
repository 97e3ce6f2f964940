import HTTPClient
import MariaDB
import PaygateCore
import PaygateCrypto
import Storage

/// Builds one `GatewayHandler` per pool thread. Holds only immutable, shareable values; every
/// connection and cache lives in the per-thread handler.
public struct GatewayFactory: RequestHandlerFactory {
    public let configuration: Configuration
    public let secretBox: SecretBox
    public let log: Log
    /// nil when the configuration has no `channels` section: payments then stay `created`.
    public let channels: ChannelRuntime?

    public init(configuration: Configuration, log: Log) throws {
        self.configuration = configuration
        self.secretBox = try SecretBox(key: SecretBox.loadKey(path: configuration.masterKeyFile))
        self.log = log
        // Keys are read here, in the master, so a bad key refuses to start (or, on SIGHUP,
        // refuses the reload) instead of failing in every worker.
        self.channels = try ChannelRuntime.load(configuration, log: log)
    }

    public func workerDidStart() {
        Connection.initializeLibraryOnce()
        HTTPClient.initializeOnce()
    }

    public func makeHandler() -> any RequestHandler {
        do {
            return try GatewayHandler(configuration: configuration, secretBox: secretBox, channels: channels, log: log)
        } catch {
            // The configuration was validated at start-up; failing here is a programmer error.
            preconditionFailure("cannot build a gateway handler: \(error)")
        }
    }
}
