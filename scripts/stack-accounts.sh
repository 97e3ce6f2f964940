# The MariaDB accounts of a stack root (README "Database accounts"). Sourced by scripts/stack.sh;
# run at every `up` after the servers start and before `paygate-admin migrate`, as MariaDB's root
# over each server's socket: the one step that needs root, as a DBA's would on a real server.
#
#   paygate_app      the pool, the worker and the admin commands that write: no rights here;
#                    the migration grants them per table (Sources/Storage/Migrations/Grants.swift:
#                    DML, and SELECT + INSERT alone on the append-only tables)
#   paygate_migrate  `paygate-admin migrate`: every right on the stack's databases, WITH GRANT
#                    OPTION so it can grant the other two on the tables it makes
#   paygate_read     `paygate-admin check`, reports: SELECT, granted by the migration
#
# Passwords come from ROOT/secrets/database/*.password (0600, made by `paygate-admin init`);
# ALTER USER sets them again each time, so a regenerated file takes effect. All three accounts
# are `@localhost` (the unix socket), as database.accounts.host says in paygate.json.

# accounts_sql SERVER: the statements for one server, on stdout.
accounts_sql() {
    local server=$1 dir=$ROOT/secrets/database user file password database
    local -A users=([application]=paygate_app [migration]=paygate_migrate [read-only]=paygate_read)
    for file in application migration read-only; do
        user=${users[$file]}
        password=$(cat "$dir/$file.password") || die "cannot read $dir/$file.password"
        [[ $password =~ ^[0-9a-f]+$ ]] || die "$dir/$file.password is not the hex password init writes"
        printf "CREATE USER IF NOT EXISTS '%s'@'localhost' IDENTIFIED BY '%s';\n" "$user" "$password"
        printf "ALTER USER '%s'@'localhost' IDENTIFIED BY '%s';\n" "$user" "$password"
    done
    # The databases this server holds, from the configuration init wrote.
    while read -r database; do
        [[ $database =~ ^[A-Za-z0-9_]+$ ]] || die "database name '$database' in paygate.json is not a plain name"
        printf 'GRANT ALL PRIVILEGES ON `%s`.* TO '"'paygate_migrate'@'localhost'"' WITH GRANT OPTION;\n' "$database"
    done < <(python3 -c '
import json, sys
database = json.load(open(sys.argv[1]))["database"]
names = [database["directory"]["database"]] if database["directory"]["server"] == sys.argv[2] else []
names += [shard["database"] for shard in database["shards"] if shard["server"] == sys.argv[2]]
print("\n".join(names))' "$ROOT/paygate.json" "$server")
    # As root, root itself admits the OS root user alone (a root made before this rule included).
    if users_apply; then
        printf "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket;\n"
    fi
}

accounts_ensure() {
    local name
    for name in "${DB_SERVERS[@]}"; do
        accounts_sql "$name" | mariadb --no-defaults --socket="$(db_dir "$name")/mysqld.sock" -uroot ||
            die "could not create the database accounts on MariaDB $name"
    done
}
