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

    public init(
        socket: String?, host: String?, port: Int = 3306, user: String, password: String?, database: String?,
        connectTimeoutSeconds: Int = 2, readTimeoutSeconds: Int = 10, writeTimeoutSeconds: Int = 10
    ) {
        self.socket = socket; self.host = host; self.port = port; self.user = user; self.password = password
        self.database = database; self.connectTimeoutSeconds = connectTimeoutSeconds
        self.readTimeoutSeconds = readTimeoutSeconds; self.writeTimeoutSeconds = writeTimeoutSeconds
    }
}
