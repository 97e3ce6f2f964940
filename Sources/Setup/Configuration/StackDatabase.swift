import PaygateCore

/// The local stack's databases: two MariaDB servers (scripts/stack-mariadb.sh starts one per
/// name in DB_SERVERS, the same two), a directory, and four shards splitting the slots evenly.
public enum StackDatabase {
    public static let serverNames = ["s0", "s1"]
    /// The stack's MariaDB accounts (scripts/stack-accounts.sh creates them; `Grants` in Storage
    /// says what each may do). No paygate process uses root.
    public static let applicationUser = "paygate_app"
    public static let migrationUser = "paygate_migrate"
    public static let readOnlyUser = "paygate_read"
    static let directory = DatabaseConfiguration.Location(server: "s0", database: "paygate_directory")
    static let shards = [
        DatabaseConfiguration.Shard(name: "shard0", server: "s0", database: "paygate_shard_0"),
        DatabaseConfiguration.Shard(name: "shard1", server: "s0", database: "paygate_shard_1"),
        DatabaseConfiguration.Shard(name: "shard2", server: "s1", database: "paygate_shard_2"),
        DatabaseConfiguration.Shard(name: "shard3", server: "s1", database: "paygate_shard_3"),
    ]
    /// Fixed forever once data exists: slots are baked into payment ids.
    static let slotCount = 1_024

    static func configuration(_ layout: StackLayout, pool: ConnectionPoolConfiguration) -> DatabaseConfiguration {
        let servers = serverNames.map {
            DatabaseConfiguration.Server(
                name: $0, socket: layout.databaseSocket(server: $0), user: applicationUser,
                passwordFile: layout.databasePasswordFile(.application))
        }
        let slotsPerShard = slotCount / shards.count
        let slotMap = shards.enumerated().map { index, shard in
            DatabaseConfiguration.SlotRange(first: index * slotsPerShard, last: (index + 1) * slotsPerShard - 1, shard: shard.name)
        }
        var database = DatabaseConfiguration(servers: servers, directory: directory, shards: shards, slotCount: slotCount, slotMap: slotMap)
        database.pool = pool
        database.accounts = DatabaseAccounts(
            migration: .init(user: migrationUser, passwordFile: layout.databasePasswordFile(.migration)),
            readOnly: .init(user: readOnlyUser, passwordFile: layout.databasePasswordFile(.readOnly)))
        return database
    }
}
