# The channel sandbox of a stack root (paygate-sandbox, docs/API.md section 9): its config file
# ROOT/sandbox.json, the process, and how it is stopped. Sourced by scripts/stack.sh after
# stack-channels.sh (the account ids and key layout come from there). BIN_DIR holds paygate-sandbox.
#
# nginx serves it on its own TLS port (nginx.conf.template, second server block) and passes
# everything to ROOT/run/sandbox.sock; paygate's channel base URLs (channels_config_json) point at
# that port. Its orders, refunds, fault knobs and callback queue live in the memory of its one
# worker process: `reload` never signals it (it refuses SIGHUP), and a restart starts an empty world.
#
# Environment: PAYGATE_SANDBOX_PORT (the sandbox's HTTPS port at `up`, default 9443),
# PAYGATE_SANDBOX_FAST_RETRIES=1 (callback retries after seconds instead of the channels' real
# minutes and hours: the end-to-end suite), PAYGATE_SANDBOX_THREADS and
# PAYGATE_SANDBOX_CALLBACK_SENDERS (defaults below).

# One sandbox thread serves one channel call at a time, and a call slowed by the latency_ms fault
# knob holds its thread asleep for the whole delay. A sleeping thread costs only its stack (virtual
# memory, a few pages touched) and one descriptor, no CPU: 1100 lets 1,024 concurrent slow channel
# calls (make bench (g) at 1,024 clients) be held at once, with room for the payers, the control
# endpoints and the worker's queries, so the sandbox is never what a benchmark measures.
# SandboxConfigurationFile.threadsMax (4096) is the ceiling.
SANDBOX_THREADS_DEFAULT=1100
# Threads posting callbacks to paygate: CallbackDispatcher.senderCountDefault (8). make bench
# asks for more, so that its callback latency is paygate's and not a queue in the sandbox.
SANDBOX_CALLBACK_SENDERS_DEFAULT=8
# Descriptors beyond one per thread: the listen socket, logs, the senders' connections, libcurl.
SANDBOX_SPARE_FILES=256
# The master gives its worker 30 s to finish (PoolLimits.stopGraceSeconds), like the pool's.
SANDBOX_STOP_SECONDS_MAX=45
# Each channel's callback retry delays with PAYGATE_SANDBOX_FAST_RETRIES=1: the same number of
# attempts as a short real schedule, over ~11 s, so a test can watch a retry without waiting hours.
SANDBOX_FAST_RETRY_SCHEDULE='["1s", "1s", "2s", "2s", "5s"]'

# sandbox_port: the sandbox port of this `up` (PAYGATE_SANDBOX_PORT or 9443), checked.
sandbox_port() {
    local port=${PAYGATE_SANDBOX_PORT:-$CHANNEL_SANDBOX_PORT_DEFAULT}
    require_port "$port"
    printf '%s\n' "$port"
}

# sandbox_port_of_root: the port the last `up` of this root used (for commands without one:
# reload, channel-rotate, sandbox-restart), read back from what it wrote; the default otherwise.
sandbox_port_of_root() {
    local port
    port=$(cat "$ROOT/nginx/sandbox-port" 2>/dev/null) || port=""
    [[ $port =~ ^[0-9]+$ ]] || port=$CHANNEL_SANDBOX_PORT_DEFAULT
    printf '%s\n' "$port"
}

# sandbox_retry_schedules_json: the "retry_schedules" member, or nothing (the real schedules).
sandbox_retry_schedules_json() {
    [[ ${PAYGATE_SANDBOX_FAST_RETRIES:-0} == 1 ]] || return 0
    printf '\n  "retry_schedules": {"alipay": %s, "wechatpay": %s, "unionpay": %s},' \
        "$SANDBOX_FAST_RETRY_SCHEDULE" "$SANDBOX_FAST_RETRY_SCHEDULE" "$SANDBOX_FAST_RETRY_SCHEDULE"
}

# sandbox_config_write PORT: ROOT/sandbox.json (format: Sources/paygate-sandbox/main.swift).
# The sandbox holds both sides of each account: it signs with the platform keys and checks
# paygate's requests with the merchant public halves. File paths only, never key text.
# Sets SANDBOX_CONFIG_CHANGED=1 when the file differs from the one it replaces (not printed: in a
# command substitution `set -e` would be off and a failure here would go unnoticed).
SANDBOX_CONFIG_CHANGED=0
sandbox_config_write() {
    local port=$1 threads=${PAYGATE_SANDBOX_THREADS:-$SANDBOX_THREADS_DEFAULT} dir=$ROOT/channels file=$ROOT/sandbox.json retries
    local senders=${PAYGATE_SANDBOX_CALLBACK_SENDERS:-$SANDBOX_CALLBACK_SENDERS_DEFAULT}
    [[ $threads =~ ^[1-9][0-9]*$ ]] || die "PAYGATE_SANDBOX_THREADS must be a positive integer, got '$threads'"
    [[ $senders =~ ^[1-9][0-9]*$ ]] || die "PAYGATE_SANDBOX_CALLBACK_SENDERS must be a positive integer, got '$senders'"
    [[ ${PAYGATE_SANDBOX_FAST_RETRIES:-0} == [01] ]] ||
        die "PAYGATE_SANDBOX_FAST_RETRIES must be 0 or 1, got '$PAYGATE_SANDBOX_FAST_RETRIES'"
    retries=$(sandbox_retry_schedules_json)
    SANDBOX_CONFIG_CHANGED=0
    cat >"$file.tmp" <<EOF
{
  "listen_socket": "$ROOT/run/sandbox.sock",
  "pid_file": "$ROOT/run/sandbox.pid",
  "threads": $threads,
  "callback_senders": $senders,
  "public_base_url": "https://127.0.0.1:$port",
  "callback_ca_file": "$ROOT/tls/ca.pem",$retries
  "channels": {
    "alipay": {"merchant_account_id": "$CHANNEL_ALIPAY_APP_ID",
               "platform_key_file": "$dir/alipay/platform.key",
               "merchant_key_files": ["$dir/alipay/merchant.pub"]},
    "wechatpay": {"merchant_account_id": "$CHANNEL_WECHATPAY_MERCHANT_ID",
                  "platform_key_file": "$dir/wechatpay/platform.key",
                  "platform_certificate_file": "$dir/wechatpay/platform.pem",
                  "merchant_key_files": ["$dir/wechatpay/merchant.pem"],
                  "apiv3_key_file": "$dir/wechatpay/apiv3.key"},
    "unionpay": {"merchant_account_id": "$CHANNEL_UNIONPAY_MERCHANT_ID",
                 "platform_key_file": "$dir/unionpay/platform.key",
                 "platform_certificate_file": "$dir/unionpay/platform.pem",
                 "merchant_key_files": ["$dir/unionpay/merchant.pem"]}
  }
}
EOF
    # Only the stack's owner needs it (it names key files, and the stack root is theirs).
    chmod 0600 "$file.tmp"
    if cmp -s "$file.tmp" "$file"; then
        rm -f "$file.tmp"
    else
        mv "$file.tmp" "$file"
        SANDBOX_CONFIG_CHANGED=1
    fi
}

# sandbox_start PORT: writes the config and starts the sandbox unless it already runs with the
# same config. A running sandbox whose config changed (another port, other retry schedules) is
# restarted: its in-memory state would not match the new settings anyway.
sandbox_start() {
    local port=$1 pid_file=$ROOT/run/sandbox.pid socket=$ROOT/run/sandbox.sock pid deadline
    sandbox_config_write "$port"
    if pid=$(pid_file_running "$pid_file" paygate-sandbox); then
        if ((SANDBOX_CONFIG_CHANGED == 0)); then
            note "channel sandbox already running (pid $pid)"
            return 0
        fi
        note "ROOT/sandbox.json changed: restarting the channel sandbox"
        sandbox_stop
    fi
    require_binary paygate-sandbox
    # A socket left by a crashed sandbox would make the wait below succeed too early.
    rm -f "$pid_file" "$socket"
    note "starting the channel sandbox"
    # Every busy thread holds an accepted connection: the usual soft limit of 1024 descriptors
    # would refuse connections long before the threads run out. Raised for the sandbox alone
    # (a subshell), as far as the hard limit allows; libfcgi's accept path uses poll(2), so
    # descriptors above 1023 are safe. Its own session and process group, like the pool: Ctrl-C
    # reaches only our trap, and `down` can reap a worker that outlived its master by group.
    (
        sandbox_files_limit_raise
        exec setsid nohup "$BIN_DIR/paygate-sandbox" --config "$ROOT/sandbox.json" \
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

# sandbox_files_limit_raise: the open-files soft limit of this shell, up to what the sandbox's
# threads need (never above the hard limit; a lower one is said, not fatal: fewer calls at once).
sandbox_files_limit_raise() {
    local threads=${PAYGATE_SANDBOX_THREADS:-$SANDBOX_THREADS_DEFAULT} soft hard wanted
    wanted=$((threads + ${PAYGATE_SANDBOX_CALLBACK_SENDERS:-$SANDBOX_CALLBACK_SENDERS_DEFAULT} + SANDBOX_SPARE_FILES))
    soft=$(ulimit -Sn)
    hard=$(ulimit -Hn)
    [[ $soft == unlimited ]] || ((soft >= wanted)) && return 0
    [[ $hard == unlimited ]] || ((hard >= wanted)) || {
        note "open-files hard limit $hard is below the $wanted the sandbox's $threads threads need"
        wanted=$hard
    }
    ulimit -Sn "$wanted"
}

sandbox_stop() {
    local pid group
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
    rm -f "$ROOT/run/sandbox.sock" "$ROOT/run/sandbox.pid"
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

# sandbox_restart (stack.sh sandbox-restart): a fresh sandbox on the port of the last `up`, e.g.
# after a channel key rotation. Its orders and queued callbacks are lost.
sandbox_restart() {
    local port
    port=$(sandbox_port_of_root)
    [[ -s $ROOT/channels/alipay/platform.key ]] || die "no channel keys in $ROOT/channels: run up first"
    sandbox_stop
    sandbox_start "$port"
    if pid_file_running "$ROOT/run/nginx.pid" nginx >/dev/null; then
        sandbox_health_wait "$port"
    fi
    note "channel sandbox restarted on https://127.0.0.1:$port"
}
