# The Redis server of a stack root: the shared risk counters (Sources/Storage/Risk,
# RedisRiskSignals). Sourced by scripts/stack.sh. One redis-server per root, on a unix socket
# only (`--port 0`: no TCP listener), ROOT/run/redis.sock, pid ROOT/run/redis.pid, log
# ROOT/log/redis.log. The counters are disposable by design (every key has a TTL; losing them all
# costs a few minutes of velocity history), so nothing is saved to disk: no RDB (`--save ""`),
# no AOF, and a restart starts empty.
#
# Started as root, it runs as the pool's user (USER_POOL, through setpriv like the pool): the pool
# and the worker are its only clients. Its socket is mode 0700, not 0770: ROOT/run is setgid to
# nginx's group (scripts/stack-users.sh), so 0770 would let nginx's workers reach the counters.
# Root (paygate-admin, the tests) reaches it anyway.

REDIS_SERVER_BINARY=redis-server
# Memory the counters may take: a sub-bucket key is tens of bytes (a HyperLogLog up to 12 KiB,
# usually far less). Past it, the least recently used keys go first (volatile-lru: every key has a
# TTL): the counters of payers not seen lately, not the short buckets of the velocity rules that
# the payers being evaluated are filling (volatile-ttl would drop those first). A counter may then
# read lower, which is better than every create taking the degraded path on out-of-memory errors.
REDIS_MEMORY_MAX=256mb

redis_socket() { printf '%s\n' "$ROOT/run/redis.sock"; }

redis_start() {
    local pid_file=$ROOT/run/redis.pid socket pid deadline prefix=()
    socket=$(redis_socket)
    if pid=$(pid_file_running "$pid_file" redis-server); then
        note "redis already running (pid $pid)"
        return 0
    fi
    command -v "$REDIS_SERVER_BINARY" >/dev/null 2>&1 ||
        die "redis-server is missing: scripts/stack.sh deps installs it (Debian redis-server)"
    mapfile -t prefix < <(run_as_prefix "$USER_POOL")
    mkdir -p "$ROOT/redis"
    users_apply && chown "$USER_POOL:$USER_POOL" "$ROOT/redis"
    chmod 0700 "$ROOT/redis"
    # A socket left by a killed server would make the wait below succeed too early.
    rm -f "$pid_file" "$socket"
    note "starting redis"
    # Its own session (like the pool): a terminal Ctrl-C reaches only our trap. The log is opened
    # here, by us, so the server needs no access to ROOT/log.
    setsid nohup "${prefix[@]}" "$REDIS_SERVER_BINARY" --port 0 --unixsocket "$socket" --unixsocketperm 700 \
        --save "" --appendonly no --dir "$ROOT/redis" --logfile "" --daemonize no \
        --maxmemory "$REDIS_MEMORY_MAX" --maxmemory-policy volatile-lru \
        </dev/null >>"$ROOT/log/redis.log" 2>&1 &
    pid=$!
    printf '%s\n' "$pid" >"$pid_file"
    deadline=$((SECONDS + STACK_START_SECONDS_MAX))
    until [[ -S $socket ]]; do
        if ! process_alive "$pid" || ((SECONDS >= deadline)); then
            log_tail "$ROOT/log/redis.log"
            die "redis did not open $socket"
        fi
        sleep 0.1
    done
}

# SIGTERM: redis-server shuts down at once (nothing to save) and removes its socket.
redis_stop() {
    local pid
    if pid=$(pid_file_running "$ROOT/run/redis.pid" redis-server); then
        note "stopping redis (pid $pid)"
        stop_pid "$pid" redis-server TERM redis
    fi
    rm -f "$ROOT/run/redis.pid" "$(redis_socket)"
}
