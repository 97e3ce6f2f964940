# Database migrations, the pool process and the demo merchant. Sourced by scripts/stack.sh.
# BIN_DIR holds paygate and paygate-admin (default .build/release). ROOT/paygate.json, which the
# pool reads, comes from `paygate-admin init` (scripts/stack-init.sh).

# The master gives its workers 30 s (PoolLimits.stopGraceSeconds) to finish their requests
# before it kills them itself: wait longer than that before we kill the master.
POOL_STOP_SECONDS_MAX=45

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
    local pid_file=$ROOT/run/paygate.pid socket=$ROOT/run/paygate.sock pid deadline binary prefix=()
    if pid=$(pid_file_running "$pid_file" paygate); then
        note "paygate pool already running (pid $pid)"
        return 0
    fi
    require_binary paygate
    binary=$(users_binary paygate)
    mapfile -t prefix < <(run_as_prefix "$USER_POOL")
    # A socket left by a crashed pool would make the wait below succeed too early.
    rm -f "$pid_file" "$socket"
    note "starting the paygate pool"
    # setsid: the pool is its own session and process group (group id = master pid), so a
    # terminal Ctrl-C reaches only our trap, and `down` can reap stray workers by group.
    setsid nohup "${prefix[@]}" "$binary" --config "$ROOT/paygate.json" \
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
