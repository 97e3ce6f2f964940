/// Where and how to connect. Built from the configuration by the storage layer.
public struct ConnectionOptions: Sendable {
    public var socket: String?
    public var host: String?
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String?
    public var connectTimeoutSeconds: Int
    public var readTimeoutSeconds: Int
    public var writeTimeoutSeconds: Int
    /// Server-side wait for a row lock. Must stay below `readTimeoutSeconds`: otherwise the
    /// client gives up (an unknown outcome) while the server goes on and may still commit.
    public var lockWaitTimeoutSeconds: Int
    /// TLS to the server (`Connection+TLS.swift`); nil: none, as over the local unix socket.
    public var tls: ConnectionTLS? = nil

    public init(
        socket: String?, host: String?, port: Int = 3306, user: String, password: String?, database: String?,
        connectTimeoutSeconds: Int = 2, readTimeoutSeconds: Int = 10, writeTimeoutSeconds: Int = 10,
        lockWaitTimeoutSeconds: Int = 5
    ) {
        precondition(lockWaitTimeoutSeconds < readTimeoutSeconds, "lock waits must end before the client gives up")
        self.lockWaitTimeoutSeconds = lockWaitTimeoutSeconds
        self.socket = socket; self.host = host; self.port = port; self.user = user; self.password = password
        self.database = database; self.connectTimeoutSeconds = connectTimeoutSeconds
        self.readTimeoutSeconds = readTimeoutSeconds; self.writeTimeoutSeconds = writeTimeoutSeconds
    }
}
