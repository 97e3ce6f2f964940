# The local MariaDB server processes (one per entry of `database.servers` in the config).
# Sourced by scripts/stack.sh. Each server lives in ROOT/mariadb/<name>/: data/, mysqld.sock,
# mysqld.pid, error.log. `--no-defaults` keeps /etc/mysql out of it, so the stack behaves the
# same on every machine.

DB_SERVERS=(s0 s1)

# Sized for a small shared box: two servers must fit next to the pool, nginx and the compiler.
DB_BUFFER_POOL_SIZE=256M
# A bigger redo log than the 96M default means fewer checkpoints under a write benchmark.
DB_LOG_FILE_SIZE=256M
DB_CONNECTIONS_MAX=1000
# Production durability: every commit is in the binary log (ROW format, GTIDs, which MariaDB keeps
# by itself) and both the redo log and the binary log are synced at commit. A replica needs this
# log, and every figure of `make bench` is measured with it. Kept a day: the stack is not where
# backups live.
DB_BINLOG_EXPIRE_SECONDS=86400

db_require_name() {
    local name
    for name in "${DB_SERVERS[@]}"; do
        [[ $1 == "$name" ]] && return 0
    done
    die "unknown MariaDB server '$1' (known: ${DB_SERVERS[*]})"
}

db_dir() { printf '%s/mariadb/%s\n' "$ROOT" "$1"; }

# As root, mariadbd refuses to start without being told which user to run as.
# db_server_id NAME: a replication server id per server, stable across restarts (s0 -> 1, ...).
db_server_id() {
    local index
    for index in "${!DB_SERVERS[@]}"; do
        [[ ${DB_SERVERS[$index]} == "$1" ]] && { printf '%s\n' $((index + 1)); return 0; }
    done
    die "unknown MariaDB server '$1'"
}

db_user_args() {
    if users_apply; then printf '%s\n' "--user=$USER_DATABASE"; fi
}

# db_install_args: as root, MariaDB's root account admits the OS root user alone (unix_socket):
# the pool's user reaches the socket too, and must not get in as root. Unprivileged, the socket's
# folder (0700) already admits the stack's owner alone.
db_install_args() {
    if users_apply; then
        printf '%s\n' --auth-root-authentication-method=socket
    else
        printf '%s\n' --auth-root-authentication-method=normal
    fi
}

db_answers() {
    mariadb --no-defaults --socket="$(db_dir "$1")/mysqld.sock" -uroot \
        --connect-timeout=2 -e 'select 1' >/dev/null 2>&1
}

db_start() {
    local name=$1 dir pid deadline
    dir=$(db_dir "$name")
    mkdir -p "$dir"
    # As root, mysql makes and owns everything in it (mariadb-install-db --user=mysql included).
    users_database_dir "$dir"
    if pid=$(pid_file_running "$dir/mysqld.pid" mariadbd); then
        db_answers "$name" && return 0
        note "MariaDB $name (pid $pid) is running but does not answer yet"
    else
        if [[ ! -d $dir/data/mysql ]]; then
            note "initialising MariaDB $name in $dir/data"
            # shellcheck disable=SC2046 # db_user_args prints zero or one word
            mariadb-install-db --no-defaults --datadir="$dir/data" $(db_user_args) \
                $(db_install_args) --skip-test-db \
                >"$dir/install.log" 2>&1 || {
                log_tail "$dir/install.log"
                die "mariadb-install-db failed for $name"
            }
        fi
        note "starting MariaDB $name"
        # setsid: the server gets its own session, so a Ctrl-C in the terminal of `make run`
        # reaches only our trap, which then stops everything in order.
        # shellcheck disable=SC2046
        # Its own tmpdir: temporary tables of large sorts and audits (paygate-admin check) must
        # not live in the shared /tmp, where cleaners remove them mid-query.
        mkdir -p "$dir/tmp" "$dir/binlog"
        chmod 0700 "$dir/tmp" "$dir/binlog"
        users_database_dir "$dir"
        setsid nohup mariadbd --no-defaults $(db_user_args) \
            --datadir="$dir/data" --socket="$dir/mysqld.sock" --skip-networking --tmpdir="$dir/tmp" \
            --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
            --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
            --max-connections="$DB_CONNECTIONS_MAX" \
            --innodb-buffer-pool-size="$DB_BUFFER_POOL_SIZE" \
            --innodb-log-file-size="$DB_LOG_FILE_SIZE" \
            --innodb-flush-log-at-trx-commit=1 \
            --log-bin="$dir/binlog/mariadb-bin" --server-id="$(db_server_id "$name")" \
            --binlog-format=ROW --sync-binlog=1 --binlog-expire-logs-seconds="$DB_BINLOG_EXPIRE_SECONDS" \
            ${PAYGATE_DB_EXTRA_ARGS:-} \
            </dev/null >>"$dir/console.log" 2>&1 &
        pid=$!
    fi
    deadline=$((SECONDS + STACK_START_SECONDS_MAX))
    until db_answers "$name"; do
        if ! process_alive "$pid" || ((SECONDS >= deadline)); then
            log_tail "$dir/error.log" "$dir/console.log"
            die "MariaDB $name did not come up (socket $dir/mysqld.sock)"
        fi
        sleep 0.2
    done
}

# db_stop NAME: a clean InnoDB shutdown; SIGKILL only after a long wait (crash recovery copes).
db_stop() {
    local name=$1 dir pid
    dir=$(db_dir "$name")
    pid=$(pid_file_running "$dir/mysqld.pid" mariadbd) || return 0
    note "stopping MariaDB $name (pid $pid)"
    stop_pid "$pid" mariadbd TERM "MariaDB $name"
}

db_start_all() {
    local name
    for name in "${DB_SERVERS[@]}"; do db_start "$name"; done
}

db_stop_all() {
    local name
    for name in "${DB_SERVERS[@]}"; do db_stop "$name"; done
}
