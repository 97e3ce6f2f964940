/// Which MariaDB account a process connects with. Least privilege: the pool and the worker use
/// the application account, which may not change the append-only tables (history, journal,
/// webhook attempts, audit log) nor the schema; only `paygate-admin migrate` owns the schema;
/// the invariant checker and the reports read through an account that cannot write at all.
public enum DatabaseRole: String, Sendable, CaseIterable {
    /// DML only; INSERT and SELECT alone on the append-only tables (`Grants` in Storage).
    case application
    /// DDL on the paygate databases, and the grants of the application account on their tables.
    case migration
    /// SELECT only.
    case readOnly = "read_only"
}

/// The `accounts` section of `database`: the migration and read-only accounts, each a user and
/// its password file, the same on every server. Either left out means the servers' `user` (the
/// application account) for that role too, as before accounts existed.
public struct DatabaseAccounts: Sendable, Codable, Equatable {
    public struct Account: Sendable, Codable, Equatable {
        public var user: String
        public var passwordFile: String?
        public init(user: String, passwordFile: String?) {
            self.user = user
            self.passwordFile = passwordFile
        }
        enum CodingKeys: String, CodingKey {
            case user
            case passwordFile = "password_file"
        }
    }

    public var migration: Account?
    public var readOnly: Account?
    /// The host part of the application and read-only accounts in MariaDB (`'user'@'host'`),
    /// which the migration grants to. `localhost` is the unix socket; a remote pool needs its
    /// address or a pattern.
    public var host: String = "localhost"

    public init(migration: Account? = nil, readOnly: Account? = nil, host: String = "localhost") {
        self.migration = migration
        self.readOnly = readOnly
        self.host = host
    }

    enum CodingKeys: String, CodingKey {
        case migration, host
        case readOnly = "read_only"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        migration = try c.decodeIfPresent(Account.self, forKey: .migration)
        readOnly = try c.decodeIfPresent(Account.self, forKey: .readOnly)
        host = try c.decodeIfPresent(String.self, forKey: .host) ?? "localhost"
    }
}

/// TLS to one MariaDB server, passed to Connector/C (`MYSQL_OPT_SSL_CA`, `MYSQL_OPT_SSL_CERT`,
/// `MYSQL_OPT_SSL_KEY`, `MYSQL_OPT_SSL_VERIFY_SERVER_CERT`). With it the connection is encrypted
/// or refused, never silently plain.
public struct DatabaseTLS: Sendable, Codable, Equatable {
    /// The CA that signed the server's certificate (PEM).
    public var caFile: String
    /// A client certificate and its key, for servers that require one (`REQUIRE X509`).
    public var certificateFile: String?
    public var keyFile: String?
    /// Whether the server's certificate must name the host connected to. On by default; off only
    /// for a server reached by an address its certificate does not list.
    public var verifyServerCertificate: Bool = true

    public init(caFile: String, certificateFile: String? = nil, keyFile: String? = nil, verifyServerCertificate: Bool = true) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.verifyServerCertificate = verifyServerCertificate
    }

    enum CodingKeys: String, CodingKey {
        case caFile = "ca_file"
        case certificateFile = "certificate_file"
        case keyFile = "key_file"
        case verifyServerCertificate = "verify_server_certificate"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        caFile = try c.decode(String.self, forKey: .caFile)
        certificateFile = try c.decodeIfPresent(String.self, forKey: .certificateFile)
        keyFile = try c.decodeIfPresent(String.self, forKey: .keyFile)
        verifyServerCertificate = try c.decodeIfPresent(Bool.self, forKey: .verifyServerCertificate) ?? true
    }
}

extension DatabaseConfiguration {
    /// The same configuration with every server's credentials those of `role`: what a process
    /// of that role connects with. The application role is the configuration as written.
    public func using(_ role: DatabaseRole) -> DatabaseConfiguration {
        let account: DatabaseAccounts.Account?
        switch role {
        case .application: account = nil
        case .migration: account = accounts.migration
        case .readOnly: account = accounts.readOnly
        }
        guard let account else { return self }
        var copy = self
        copy.servers = servers.map { server in
            var server = server
            server.user = account.user
            server.password = nil
            server.passwordFile = account.passwordFile
            return server
        }
        return copy
    }
}
