import PaygateCore

/// Where everything of one stack root lives. The shell scripts (process supervision) and this
/// module agree on these paths; every path is absolute because the root is.
///
///     ROOT/paygate.json           the pool's and the worker's configuration (0600)
///     ROOT/sandbox.json           the channel sandbox's configuration (0600)
///     ROOT/secrets/master.key     32 random bytes sealing merchant secrets (dir 0700, file 0600)
///     ROOT/secrets/audit.key      32 random bytes signing the audit log's checkpoints (0600)
///     ROOT/audit/checkpoints      the audit log's signed checkpoints, one line each (dir 0700, 0600)
///     ROOT/secrets/database/      one password file per MariaDB account (0600): application,
///                                 migration, read-only (`DatabasePasswordWriter`)
///     ROOT/tls/ca.pem ca.key      the local CA (EC P-256; dir 0755, certificates 0644, keys 0600)
///     ROOT/tls/server.pem .key    nginx's certificate for 127.0.0.1 and localhost, from that CA
///     ROOT/channels/CHANNEL/      both sides of each channel account (dirs 0700, files 0600),
///                                 see `ChannelFiles`
///     ROOT/run/ ROOT/mariadb/     sockets and pid files; the MariaDB servers' data
///     ROOT/sandbox/               the channel sandbox's socket and pid file
public struct StackLayout: Sendable, Equatable {
    /// A unix socket path holds at most 107 bytes (sun_path less its terminating zero).
    public static let socketPathBytesMax = 107

    public let root: String

    /// `root` must be absolute, without a trailing slash, and short enough for the longest
    /// socket path below it (a MariaDB server's).
    public init(root: String) throws(SetupError) {
        guard root.hasPrefix("/") else { throw SetupError(.argumentInvalid, "ROOT must be an absolute path, got '\(root)'") }
        let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.root = trimmed
        let longest = databaseSocket(server: StackDatabase.serverNames.max { $0.utf8.count < $1.utf8.count } ?? "")
        guard longest.utf8.count <= Self.socketPathBytesMax else {
            throw SetupError(.argumentInvalid, "ROOT is too long for unix socket paths (max \(Self.socketPathBytesMax) bytes): \(longest)")
        }
    }

    public var configurationFile: String { root + "/paygate.json" }
    public var sandboxConfigurationFile: String { root + "/sandbox.json" }

    public var secretsDirectory: String { root + "/secrets" }
    public var masterKeyFile: String { secretsDirectory + "/master.key" }
    public var auditKeyFile: String { secretsDirectory + "/audit.key" }
    public var auditCheckpointFile: String { root + "/audit/checkpoints" }
    /// The master keys made by `paygate-admin keys rotate-master` (`KeyRingLocation`).
    public var masterKeyDirectory: String { secretsDirectory + "/master-keys" }
    public var databasePasswordsDirectory: String { secretsDirectory + "/database" }
    /// The password file of one account (scripts/stack-accounts.sh gives it to MariaDB).
    public func databasePasswordFile(_ role: DatabaseRole) -> String {
        let name: String
        switch role {
        case .application: name = "application"
        case .migration: name = "migration"
        case .readOnly: name = "read-only"
        }
        return databasePasswordsDirectory + "/" + name + ".password"
    }

    public var tlsDirectory: String { root + "/tls" }
    public var caCertificateFile: String { tlsDirectory + "/ca.pem" }
    public var caKeyFile: String { tlsDirectory + "/ca.key" }
    public var serverCertificateFile: String { tlsDirectory + "/server.pem" }
    public var serverKeyFile: String { tlsDirectory + "/server.key" }

    public var channelsDirectory: String { root + "/channels" }

    public var runDirectory: String { root + "/run" }
    /// Downloaded channel statements, kept as received (reconciliation's evidence).
    public var reconDirectory: String { root + "/recon" }
    public var poolSocket: String { runDirectory + "/paygate.sock" }
    public var poolPidFile: String { runDirectory + "/paygate.pid" }
    /// The stack's Redis (risk's shared counters), started by scripts/stack-redis.sh.
    public var redisSocket: String { runDirectory + "/redis.sock" }
    /// The sandbox's own folder: as root it runs as its own user (scripts/stack-users.sh).
    public var sandboxDirectory: String { root + "/sandbox" }
    public var sandboxSocket: String { sandboxDirectory + "/sandbox.sock" }
    public var sandboxPidFile: String { sandboxDirectory + "/sandbox.pid" }

    public func databaseSocket(server: String) -> String { root + "/mariadb/" + server + "/mysqld.sock" }
}
