# The channel sandbox of a stack root (paygate-sandbox, docs/API.md section 9): the process and how it
# is stopped. Sourced by scripts/stack.sh. Its configuration ROOT/sandbox.json (ports, threads,
# retry schedules, the key files of both sides of each account) comes from `paygate-admin init`
# (scripts/stack-init.sh). BIN_DIR holds paygate-sandbox.
#
# nginx serves it on its own TLS port (nginx.conf.template, second server block) and passes
# everything to ROOT/sandbox/sandbox.sock; paygate's channel base URLs (ROOT/paygate.json) point at
# that port. Its orders, refunds, fault knobs and callback queue live in the memory of its one
# worker process: `reload` never signals it (it refuses SIGHUP), and a restart starts an empty world.
#
# Environment: PAYGATE_SANDBOX_PORT (the sandbox's HTTPS port at `up`, default 9443); its threads,
# callback senders and fast retries are init knobs (scripts/stack-init.sh).

# The sandbox's port when PAYGATE_SANDBOX_PORT is unset: what `make up` documents.
SANDBOX_PORT_DEFAULT=9443
# Descriptors beyond one per thread: the listen socket, logs, the senders' connections, libcurl.
SANDBOX_SPARE_FILES=256
# The master gives its worker 30 s to finish (PoolLimits.stopGraceSeconds), like the pool's.
SANDBOX_STOP_SECONDS_MAX=45

# sandbox_port: the sandbox port of this `up` (PAYGATE_SANDBOX_PORT or 9443), checked.
sandbox_port() {
    local port=${PAYGATE_SANDBOX_PORT:-$SANDBOX_PORT_DEFAULT}
    require_port "$port"
    printf '%s\n' "$port"
}

# sandbox_port_of_root: the port the last `up` of this root used (for commands without one:
# reload, channel-rotate, sandbox-restart), read back from what it wrote; the default otherwise.
sandbox_port_of_root() {
    local port
    port=$(cat "$ROOT/nginx/sandbox-port" 2>/dev/null) || port=""
    [[ $port =~ ^[0-9]+$ ]] || port=$SANDBOX_PORT_DEFAULT
    printf '%s\n' "$port"
}

# sandbox_start: starts the sandbox unless it already runs with the same config. A running
# sandbox whose ROOT/sandbox.json changed at this `up` (another port, other retry schedules:
# SANDBOX_CONFIG_CHANGED, set by stack_init) is restarted: its in-memory state would not match.
sandbox_start() {
    local pid_file=$ROOT/sandbox/sandbox.pid socket=$ROOT/sandbox/sandbox.sock pid deadline wanted binary prefix=()
    if pid=$(pid_file_running "$pid_file" paygate-sandbox); then
        if ((SANDBOX_CONFIG_CHANGED == 0)); then
            note "channel sandbox already running (pid $pid)"
            return 0
        fi
        note "ROOT/sandbox.json changed: restarting the channel sandbox"
        sandbox_stop
    fi
    require_binary paygate-sandbox
    binary=$(users_binary paygate-sandbox)
    mapfile -t prefix < <(run_as_prefix "$USER_SANDBOX")
    # A socket left by a crashed sandbox would make the wait below succeed too early.
    rm -f "$pid_file" "$socket"
    note "starting the channel sandbox"
    # Every busy thread holds an accepted connection: the usual soft limit of 1024 descriptors
    # would refuse connections long before the threads run out. Raised for the sandbox alone
    # (a subshell), as far as the hard limit allows; libfcgi's accept path uses poll(2), so
    # descriptors above 1023 are safe. Its own session and process group, like the pool: Ctrl-C
    # reaches only our trap, and `down` can reap a worker that outlived its master by group.
    wanted=$(sandbox_files_wanted)
    (
        sandbox_files_limit_raise "$wanted"
        exec setsid nohup "${prefix[@]}" "$binary" --config "$ROOT/sandbox.json" \
            </dev/null >>"$ROOT/log/sandbox.log" 2>&1
    ) &
    pid=$!
    deadline=$((SECONDS + STACK_START_SECONDS_MAX))
    until [[ -S $socket ]]; do
        if ! process_alive "$pid" || ((SECONDS >= deadline)); then
            log_tail "$ROOT/log/sandbox.log"
            die "the channel sandbox did not open $socket"
        fi
        sleep 0.1
    done
    [[ -s $pid_file ]] || printf '%s\n' "$pid" >"$pid_file"
}

# sandbox_files_wanted: descriptors the sandbox's threads and callback senders need, as its
# configuration sets them, with the spare ones.
sandbox_files_wanted() {
    local threads
    threads=$(python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); print(c["threads"] + c["callback_senders"])' \
        "$ROOT/sandbox.json") || die "cannot read threads and callback_senders from $ROOT/sandbox.json"
    printf '%s\n' $((threads + SANDBOX_SPARE_FILES))
}

# sandbox_files_limit_raise WANTED: the open-files soft limit of this shell, up to WANTED (never
# above the hard limit; a lower one is said, not fatal: fewer calls at once).
sandbox_files_limit_raise() {
    local wanted=$1 soft hard
    soft=$(ulimit -Sn)
    hard=$(ulimit -Hn)
    [[ $soft == unlimited ]] || ((soft >= wanted)) && return 0
    [[ $hard == unlimited ]] || ((hard >= wanted)) || {
        note "open-files hard limit $hard is below the $wanted the sandbox's threads need"
        wanted=$hard
    }
    ulimit -Sn "$wanted"
}

sandbox_stop() {
    local pid group
    # ROOT/run/sandbox.pid: where a sandbox started before it had a folder of its own wrote it.
    pid=$(pid_file_running "$ROOT/sandbox/sandbox.pid" paygate-sandbox) ||
        pid=$(pid_file_running "$ROOT/run/sandbox.pid" paygate-sandbox) || return 0
    note "stopping the channel sandbox (pid $pid)"
    group=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') || group=""
    stop_pid "$pid" paygate-sandbox TERM "paygate-sandbox master" "$SANDBOX_STOP_SECONDS_MAX"
    # Never signal a group we did not make: only the one sandbox_start made the master lead.
    if [[ $group == "$pid" ]] && group_alive "$group"; then
        sleep 1
        if group_alive "$group"; then
            kill -KILL -- "-$group" 2>/dev/null || true
            note "killed a sandbox worker left in process group $group"
        fi
    fi
    rm -f "$ROOT/sandbox/sandbox.sock" "$ROOT/sandbox/sandbox.pid" "$ROOT/run/sandbox.sock" "$ROOT/run/sandbox.pid"
}

sandbox_health_code() {
    curl --silent --output /dev/null --write-out '%{http_code}' --max-time 5 \
        --cacert "$ROOT/tls/ca.pem" "https://127.0.0.1:$1/sandbox/health" 2>/dev/null || true
}

# sandbox_health_wait PORT: the sandbox answers through nginx (TLS, socket, worker all work).
sandbox_health_wait() {
    local port=$1 code="" deadline=$((SECONDS + STACK_START_SECONDS_MAX))
    while :; do
        code=$(sandbox_health_code "$port")
        [[ $code == 200 ]] && return 0
        ((SECONDS < deadline)) || break
        sleep 0.3
    done
    log_tail "$ROOT/log/sandbox.log" "$ROOT/log/nginx-error.log"
    die "https://127.0.0.1:$port/sandbox/health answered '${code:-nothing}' instead of 200 after ${STACK_START_SECONDS_MAX}s"
}

# sandbox_restart (stack.sh sandbox-restart): a fresh sandbox with the configuration of the last
# `up` (or channel-rotate), e.g. after a channel key rotation. Its orders and queued callbacks are lost.
sandbox_restart() {
    local port
    port=$(sandbox_port_of_root)
    [[ -s $ROOT/channels/alipay/platform.key ]] || die "no channel keys in $ROOT/channels: run up first"
    sandbox_stop
    sandbox_start
    if pid_file_running "$ROOT/run/nginx.pid" nginx >/dev/null; then
        sandbox_health_wait "$port"
    fi
    note "channel sandbox restarted on https://127.0.0.1:$port"
}
