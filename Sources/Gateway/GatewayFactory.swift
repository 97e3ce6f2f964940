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

    public init(configuration: Configuration, log: Log) throws {
        self.configuration = configuration
        self.secretBox = try SecretBox(key: SecretBox.loadKey(path: configuration.masterKeyFile))
        self.log = log
    }

    public func workerDidStart() {
        Connection.initializeLibraryOnce()
    }

    public func makeHandler() -> any RequestHandler {
        do {
            return try GatewayHandler(configuration: configuration, secretBox: secretBox, log: log)
        } catch {
            // The configuration was validated at start-up; failing here is a programmer error.
            preconditionFailure("cannot build a gateway handler: \(error)")
        }
    }
}
