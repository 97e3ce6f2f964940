import MariaDB
import PaygateCore
import PaygateCrypto

/// How this process reaches one server: the configured account (see `DatabaseConfiguration.using`)
/// with its password read from its file, and TLS when the server entry asks for it. The one place
/// that turns a server entry into Connector/C options, so every connection (pools, migrations,
/// checker) gets the same credentials and the same certificate checks.
enum ServerConnectionOptions {
    /// A password file holds one line; anything longer is not a password file.
    static let passwordBytesMax = 256

    static func make(
        _ configuration: DatabaseConfiguration, server name: String, database: String?
    ) throws(ConfigurationError) -> ConnectionOptions {
        guard let server = configuration.servers.first(where: { $0.name == name }) else {
            throw ConfigurationError("unknown server \(name)")
        }
        var options = ConnectionOptions(
            socket: server.socket, host: server.host, port: server.port ?? 3306, user: server.user,
            password: try password(of: server), database: database,
            connectTimeoutSeconds: configuration.connectTimeoutSeconds,
            readTimeoutSeconds: configuration.readTimeoutSeconds,
            writeTimeoutSeconds: configuration.writeTimeoutSeconds,
            lockWaitTimeoutSeconds: configuration.lockWaitTimeoutSeconds)
        if let tls = server.tls {
            options.tls = ConnectionTLS(
                caFile: tls.caFile, certificateFile: tls.certificateFile, keyFile: tls.keyFile,
                verifyServerCertificate: tls.verifyServerCertificate)
        }
        return options
    }

    /// The password file's text less a trailing newline (an editor's), or the inline password.
    static func password(of server: DatabaseConfiguration.Server) throws(ConfigurationError) -> String? {
        guard let path = server.passwordFile else { return server.password }
        let secret: Secret
        do {
            secret = try ProtectedFile.read(path: path, access: .ownerOnly, bytesMax: passwordBytesMax)
        } catch {
            throw ConfigurationError("database password of \(server.user) on \(server.name): \(error.message)")
        }
        var bytes = secret.reveal()
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        guard !bytes.isEmpty, let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError("database password file \(path) is empty or not UTF-8")
        }
        return text
    }
}
