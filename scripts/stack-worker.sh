# The worker of a stack root (paygate-worker: the timeout worker and the merchant webhook
# dispatcher): started after the pool (migrations done), stopped before
# it, restarted by `reload`, watched by `run`. Sourced by scripts/stack.sh. BIN_DIR holds
# paygate-worker. Log ROOT/log/worker.log, pid ROOT/run/worker.pid. The dispatcher's settings
# are the `webhooks` section of ROOT/paygate.json (PAYGATE_WEBHOOK_SCHEDULE, scripts/stack-init.sh).
#
# Environment (each a whole number; unset means the worker's own default, see
# Sources/paygate-worker/main.swift): PAYGATE_WORKER_QUERY_DELAY_SECONDS (ask again about a refund
# the channel has not settled after this long; default 60; payments follow the configuration's
# query schedule, PAYGATE_QUERY_SCHEDULE in stack-init.sh), PAYGATE_WORKER_POLL_MS (pause after an
# idle round; default 1000), PAYGATE_WORKER_BATCH (payments per claim; default 32),
# PAYGATE_WORKER_LEASE_SECONDS (default 120). The end-to-end suite shortens the first two.
#
# Supervision: `stack.sh run` notices a dead worker and stops the stack, as for the pool. A stack
# started with `up` (make up) has no supervisor: a worker that dies stays dead until the next
# `up` or `reload` starts it again (ROOT/log/worker.log says why it died).

# The worker finishes the payment in hand (at most two channel calls and three lock waits) and
# the webhooks in hand (one 10 s timeout and two lock waits), then exits; give it more than that
# before SIGKILL.
WORKER_STOP_SECONDS_MAX=45

# worker_args: the command-line flags from the environment, checked (one per line).
worker_args() {
    local knob flag
    for knob in PAYGATE_WORKER_QUERY_DELAY_SECONDS:--query-delay-seconds PAYGATE_WORKER_POLL_MS:--poll-interval-ms \
        PAYGATE_WORKER_BATCH:--batch-size PAYGATE_WORKER_LEASE_SECONDS:--lease-seconds; do
        flag=${knob#*:}
        knob=${knob%%:*}
        [[ -n ${!knob:-} ]] || continue
        [[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a whole number, got '${!knob}'"
        printf '%s\n%s\n' "$flag" "${!knob}"
    done
}

worker_start() {
    local pid_file=$ROOT/run/worker.pid pid args=() binary prefix=()
    if pid=$(pid_file_running "$pid_file" paygate-worker); then
        note "timeout worker already running (pid $pid)"
        return 0
    fi
    require_binary paygate-worker
    binary=$(users_binary paygate-worker)
    mapfile -t prefix < <(run_as_prefix "$USER_POOL")
    mapfile -t args < <(worker_args)
    # worker_args ran in a subshell: check again here so a bad knob stops `up`.
    worker_args >/dev/null
    note "starting the timeout worker"
    # Its own session, like the pool: a terminal Ctrl-C reaches only `run`'s trap.
    setsid nohup "${prefix[@]}" "$binary" --config "$ROOT/paygate.json" "${args[@]}" \
        </dev/null >>"$ROOT/log/worker.log" 2>&1 &
    pid=$!
    printf '%s\n' "$pid" >"$pid_file"
    # A bad configuration makes it exit at once: say so now, not at the first payment.
    sleep 0.3
    if ! process_alive "$pid"; then
        log_tail "$ROOT/log/worker.log"
        rm -f "$pid_file"
        die "the timeout worker exited at start"
    fi
}

worker_stop() {
    local pid
    pid=$(pid_file_running "$ROOT/run/worker.pid" paygate-worker) || { rm -f "$ROOT/run/worker.pid"; return 0; }
    note "stopping the timeout worker (pid $pid)"
    stop_pid "$pid" paygate-worker TERM "paygate-worker" "$WORKER_STOP_SECONDS_MAX"
    rm -f "$ROOT/run/worker.pid"
}

# worker_restart (reload): a new worker reads the configuration again (keys, timeouts).
worker_restart() {
    if [[ ! -s $ROOT/paygate.json ]]; then
        note "no $ROOT/paygate.json: no timeout worker to restart"
        return 0
    fi
    worker_stop
    worker_start
}

worker_running() {
    pid_file_running "$ROOT/run/worker.pid" paygate-worker >/dev/null
}
