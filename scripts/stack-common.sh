# Helpers shared by the stack-*.sh parts; sourced by scripts/stack.sh, never run on its own.
# Everything here works on process ids read from pid files: the stack never finds its processes
# by name, so two stacks (var/ and a test root) on one machine never touch each other.

# How long any start or stop waits before it gives up. Generous for a loaded 2-core box.
# shellcheck disable=SC2034 # used by the other stack-*.sh parts
STACK_START_SECONDS_MAX=30
STACK_STOP_SECONDS_MAX=30

note() { printf 'stack: %s\n' "$*" >&2; }
die() {
    printf 'stack: error: %s\n' "$*" >&2
    exit 1
}

# pid_read FILE: prints the pid stored in FILE; fails when the file is absent or not a number.
pid_read() {
    local file=$1 pid=""
    [[ -s $file ]] || return 1
    read -r pid <"$file" || true
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    printf '%s\n' "$pid"
}

# process_alive PID: true while PID exists and is not a zombie (an exited process that its
# parent has not reaped yet still has a /proc entry and answers kill -0).
process_alive() {
    local stat rest state
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    rest=${stat##*) }
    state=${rest%% *}
    [[ $state != Z && $state != X ]]
}

# process_running PID COMM: true when PID is alive and its command name is COMM. The name check
# protects against a stale pid file whose number was reused by another process. Not for a
# process just started with `setsid nohup CMD &`: until the exec its name is still the shell's.
process_running() {
    local actual
    process_alive "$1" || return 1
    actual=$(cat "/proc/$1/comm" 2>/dev/null) || return 1
    [[ $actual == "$2" ]]
}

# group_alive GROUP: true while any non-zombie process belongs to process group GROUP.
group_alive() {
    ps -e -o pgid=,stat= | awk -v group="$1" '$1 == group && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# pid_file_running FILE COMM: prints the pid when FILE names a running COMM process.
pid_file_running() {
    local pid
    pid=$(pid_read "$1") || return 1
    process_running "$pid" "$2" || return 1
    printf '%s\n' "$pid"
}

# wait_gone PID COMM SECONDS: true once PID is no longer a running COMM, false on timeout.
wait_gone() {
    local pid=$1 comm=$2 deadline=$((SECONDS + $3))
    while process_running "$pid" "$comm"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

# stop_pid PID COMM SIGNAL LABEL [SECONDS]: sends SIGNAL, waits, escalates to SIGKILL on timeout.
stop_pid() {
    local pid=$1 comm=$2 signal=$3 label=$4 seconds=${5:-$STACK_STOP_SECONDS_MAX}
    process_running "$pid" "$comm" || return 0
    kill "-$signal" "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" "$comm" "$seconds"; then
        note "$label (pid $pid) ignored SIG$signal for ${seconds}s: sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" "$comm" 5 || note "$label (pid $pid) survived SIGKILL"
    fi
}

# log_tail FILE...: prints the last lines of each log that exists, to explain a failed start.
log_tail() {
    local file
    for file in "$@"; do
        [[ -s $file ]] || continue
        printf '\n----- last lines of %s -----\n' "$file" >&2
        tail -n 30 "$file" >&2
    done
}

# sed_escape TEXT: TEXT made safe as a sed replacement with '|' as the delimiter.
sed_escape() {
    printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'
}

# require_root_dir ROOT: ROOT must be an absolute path (every path in the config is absolute).
require_root_dir() {
    [[ -n ${1:-} ]] || die "missing ROOT (an absolute directory)"
    [[ $1 == /* ]] || die "ROOT must be an absolute path, got '$1'"
    # A unix socket path holds at most 107 bytes; the longest one we make is the MariaDB one.
    local longest="$1/mariadb/s0/mysqld.sock"
    ((${#longest} <= 107)) || die "ROOT is too long for unix socket paths (max 107 bytes): $longest"
}

require_port() {
    if [[ ! ${1:-} =~ ^[0-9]+$ ]] || (($1 < 1 || $1 > 65535)); then
        die "PORT must be a TCP port number, got '${1:-}'"
    fi
}

# Open files every process of the stack may hold: each request in flight is a few descriptors in
# nginx (client, FastCGI, the channel call and its upstream) and in the pool (its FastCGI
# connection, a channel connection); 1,024 concurrent creates need thousands. The soft limit is
# raised to the hard one (capped here) for this shell, so every process started from it inherits
# it; nginx's worker_rlimit_nofile is rendered with the same number (never above the hard limit,
# where setrlimit would fail and leave the workers at the inherited soft limit).
FILES_LIMIT_MAX=65536
files_limit() {
    local hard
    hard=$(ulimit -Hn)
    if [[ $hard == unlimited ]] || ((hard > FILES_LIMIT_MAX)); then hard=$FILES_LIMIT_MAX; fi
    printf '%s\n' "$hard"
}
files_limit_raise() {
    local soft limit
    soft=$(ulimit -Sn)
    limit=$(files_limit)
    [[ $soft != unlimited ]] && ((soft < limit)) && ulimit -Sn "$limit"
    return 0
}
