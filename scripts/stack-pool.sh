# The paygate configuration, database migrations, the pool process and the demo merchant.
# Sourced by scripts/stack.sh. BIN_DIR holds paygate and paygate-admin (default .build/release).

POOL_WORKERS_DEFAULT=2
# README "Sizing": a thread waiting on a channel costs only memory, so there are enough of them
# for every request in flight (rate x channel latency); database connections are a separate,
# small pool per process and shard, borrowed for one transaction at a time.
POOL_THREADS_PER_WORKER_DEFAULT=256
# Of those, how many do CPU work at once (the rest wait in arrival order; channel waits do not count).
POOL_WORKING_THREADS_DEFAULT=6
POOL_DB_CONNECTIONS_PER_SHARD_DEFAULT=8
POOL_DB_WAIT_MS_DEFAULT=2000
# The master gives its workers 30 s (PoolLimits.stopGraceSeconds) to finish their requests
# before it kills them itself: wait longer than that before we kill the master.
POOL_STOP_SECONDS_MAX=45

config_write() {
    local workers=${PAYGATE_WORKERS:-$POOL_WORKERS_DEFAULT}
    local threads=${PAYGATE_THREADS:-$POOL_THREADS_PER_WORKER_DEFAULT}
    [[ $workers =~ ^[1-9][0-9]*$ ]] || die "PAYGATE_WORKERS must be a positive integer, got '$workers'"
    [[ $threads =~ ^[1-9][0-9]*$ ]] || die "PAYGATE_THREADS must be a positive integer, got '$threads'"
    local working=${PAYGATE_WORKING_THREADS:-$POOL_WORKING_THREADS_DEFAULT}
    [[ $working =~ ^[1-9][0-9]*$ ]] || die "PAYGATE_WORKING_THREADS must be a positive integer, got '$working'"
    local db_connections=${PAYGATE_DB_CONNECTIONS:-$POOL_DB_CONNECTIONS_PER_SHARD_DEFAULT}
    local db_wait=${PAYGATE_DB_WAIT_MS:-$POOL_DB_WAIT_MS_DEFAULT}
    [[ $db_connections =~ ^[1-9][0-9]*$ ]] || die "PAYGATE_DB_CONNECTIONS must be a positive integer, got '$db_connections'"
    [[ $db_wait =~ ^[1-9][0-9]*$ ]] || die "PAYGATE_DB_WAIT_MS must be a positive integer, got '$db_wait'"
    # Checked here, in this shell: a `die` inside the $(...) below would only end a subshell.
    webhooks_config_json >/dev/null
    queries_config_json >/dev/null
    # Rewritten on every `up` (the file is generated: edit this function, not the file), so
    # PAYGATE_WORKERS / PAYGATE_THREADS / PAYGATE_DB_* take effect on the next start of the pool.
    cat >"$ROOT/paygate.json.tmp" <<EOF
{
  "mode": "local",
  "master_key_file": "$ROOT/secrets/master.key",
  "auth_window_seconds": 300,
  "pool": {"socket_path": "$ROOT/run/paygate.sock", "workers": $workers, "threads_per_worker": $threads,
           "working_threads_max": $working,
           "request_body_bytes_max": 65536, "pid_file": "$ROOT/run/paygate.pid"},
  "database": {
    "servers": [{"name": "s0", "socket": "$ROOT/mariadb/s0/mysqld.sock", "user": "root"},
                {"name": "s1", "socket": "$ROOT/mariadb/s1/mysqld.sock", "user": "root"}],
    "directory": {"server": "s0", "database": "paygate_directory"},
    "shards": [{"name": "shard0", "server": "s0", "database": "paygate_shard_0"},
               {"name": "shard1", "server": "s0", "database": "paygate_shard_1"},
               {"name": "shard2", "server": "s1", "database": "paygate_shard_2"},
               {"name": "shard3", "server": "s1", "database": "paygate_shard_3"}],
    "pool": {"connections_per_shard": $db_connections, "connection_wait_ms": $db_wait},
    "slot_count": 1024,
    "slot_map": [{"first": 0, "last": 255, "shard": "shard0"}, {"first": 256, "last": 511, "shard": "shard1"},
                 {"first": 512, "last": 767, "shard": "shard2"}, {"first": 768, "last": 1023, "shard": "shard3"}]
  },
  "channels": $(channels_config_json),
  "webhooks": $(webhooks_config_json),
  "queries": $(queries_config_json)
}
EOF
    mv "$ROOT/paygate.json.tmp" "$ROOT/paygate.json"
}

# webhooks_config_json: the dispatcher's section (Configuration/WebhooksConfiguration.swift).
# PAYGATE_WEBHOOK_SCHEDULE (comma-separated seconds, e.g. 1,1,2: three retries, then dead) replaces
# the contract's schedule of docs/API.md section 8; the end-to-end suite shortens it. Unset: every
# value is the contract's default.
webhooks_config_json() {
    seconds_list_json PAYGATE_WEBHOOK_SCHEDULE schedule_seconds
}

# seconds_list_json VARIABLE KEY: {"KEY": [the variable's comma-separated seconds]}, or {} when
# the variable is unset (every value is then the configuration's default).
seconds_list_json() {
    local variable=$1 key=$2 list=${!1:-}
    if [[ -z $list ]]; then
        printf '{}'
        return 0
    fi
    [[ $list =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] ||
        die "$variable must be comma-separated whole seconds >= 1, got '$list'"
    printf '{"%s": [%s]}' "$key" "${list//,/, }"
}

require_binary() {
    [[ -x $BIN_DIR/$1 ]] || die "missing $BIN_DIR/$1: build it first with 'make build'"
}

migrate() {
    require_binary paygate-admin
    note "migrating the directory and shard databases"
    "$BIN_DIR/paygate-admin" --config "$ROOT/paygate.json" migrate --sql-dir "$REPO/sql" >&2 ||
        die "paygate-admin migrate failed"
}

pool_start() {
    local pid_file=$ROOT/run/paygate.pid socket=$ROOT/run/paygate.sock pid deadline
    if pid=$(pid_file_running "$pid_file" paygate); then
        note "paygate pool already running (pid $pid)"
        return 0
    fi
    require_binary paygate
    # A socket left by a crashed pool would make the wait below succeed too early.
    rm -f "$pid_file" "$socket"
    note "starting the paygate pool"
    # setsid: the pool is its own session and process group (group id = master pid), so a
    # terminal Ctrl-C reaches only our trap, and `down` can reap stray workers by group.
    setsid nohup "$BIN_DIR/paygate" --config "$ROOT/paygate.json" \
        </dev/null >>"$ROOT/log/paygate.log" 2>&1 &
    pid=$!
    deadline=$((SECONDS + STACK_START_SECONDS_MAX))
    until [[ -S $socket ]]; do
        if ! process_alive "$pid" || ((SECONDS >= deadline)); then
            log_tail "$ROOT/log/paygate.log"
            die "the paygate pool did not open $socket"
        fi
        sleep 0.1
    done
    # The master writes its own pid file; keep working if a build does not.
    [[ -s $pid_file ]] || printf '%s\n' "$pid" >"$pid_file"
}

pool_stop() {
    local pid group
    pid=$(pid_file_running "$ROOT/run/paygate.pid" paygate) || return 0
    note "stopping the paygate pool (pid $pid)"
    group=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') || group=""
    stop_pid "$pid" paygate TERM "paygate master" "$POOL_STOP_SECONDS_MAX"
    # Workers that outlived their master (it crashed, or was killed above) share its group,
    # because pool_start made the master a group leader. Never signal a group we did not make.
    if [[ $group == "$pid" ]] && group_alive "$group"; then
        sleep 1
        if group_alive "$group"; then
            kill -KILL -- "-$group" 2>/dev/null || true
            note "killed paygate workers left in process group $group"
        fi
    fi
    rm -f "$ROOT/run/paygate.sock" "$ROOT/run/paygate.pid"
}

pool_hangup() {
    local pid
    if pid=$(pid_file_running "$ROOT/run/paygate.pid" paygate); then
        note "asking the paygate pool (pid $pid) to replace its workers"
        kill -HUP "$pid"
    else
        note "the paygate pool is not running: nothing to reload"
    fi
}

# demo_merchant_ensure: the merchant the banner and scripts/paygate-request use. Created once:
# its secret only exists in ROOT/demo-merchant.json (0600) and, sealed, in the database.
demo_merchant_ensure() {
    local file=$ROOT/demo-merchant.json
    [[ -s $file ]] && return 0
    require_binary paygate-admin
    note "creating the demo merchant"
    (
        umask 077
        "$BIN_DIR/paygate-admin" --config "$ROOT/paygate.json" merchant create --name demo >"$file.tmp"
    ) || die "paygate-admin merchant create failed"
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["merchant_id"] and d["secret"]' \
        "$file.tmp" 2>/dev/null || die "paygate-admin merchant create printed no merchant JSON (see $file.tmp)"
    mv "$file.tmp" "$file"
    chmod 0600 "$file"
}

demo_merchant_id() {
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["merchant_id"])' \
        "$ROOT/demo-merchant.json" 2>/dev/null || printf '(none yet)\n'
}

# queries_config_json: when open payments are queried at their channel (QueriesConfiguration in
# Sources/PaygateCore/Configuration/Configuration.swift). PAYGATE_QUERY_SCHEDULE (comma-separated
# seconds between queries, counted from the create) replaces the default 30,60,120,300,600.
queries_config_json() {
    seconds_list_json PAYGATE_QUERY_SCHEDULE schedule_seconds
}
