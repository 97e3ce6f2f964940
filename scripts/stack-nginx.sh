# nginx for a stack root: render nginx/nginx.conf.template into ROOT/nginx/nginx.conf, start,
# reload and stop it. Sourced by scripts/stack.sh. Always `nginx -p ROOT/nginx -c ROOT/nginx/nginx.conf`
# so it never reads /etc/nginx and never writes outside ROOT.

NGINX_TEMP_DIRS=(client_body_temp fastcgi_temp proxy_temp scgi_temp uwsgi_temp)

nginx_cmd() {
    nginx -p "$ROOT/nginx" -c "$ROOT/nginx/nginx.conf" "$@"
}

# nginx_rate_limits_file: the rate limits in force. The repo file is the one admins edit; a
# file at ROOT/nginx/rate-limits.conf overrides it for that root only (tests with tight limits).
# PAYGATE_RATE_LIMITS=FILE installs such an override; PAYGATE_RATE_LIMITS=default removes it.
nginx_rate_limits_file() {
    local override=$ROOT/nginx/rate-limits.conf
    if [[ ${PAYGATE_RATE_LIMITS:-} == default ]]; then
        rm -f "$override"
    elif [[ -n ${PAYGATE_RATE_LIMITS:-} ]]; then
        [[ -f $PAYGATE_RATE_LIMITS ]] || die "PAYGATE_RATE_LIMITS names no file: $PAYGATE_RATE_LIMITS"
        # 0600 like every configuration file of a root (only nginx's master, as this user, reads it).
        install -m 0600 "$PAYGATE_RATE_LIMITS" "$override.tmp"
        mv "$override.tmp" "$override"
    fi
    if [[ -f $override ]]; then
        printf '%s\n' "$override"
    else
        printf '%s\n' "$REPO/nginx/rate-limits.conf"
    fi
}

# nginx_render PORT SANDBOX_PORT: writes ROOT/nginx/nginx.conf (the API on PORT, the channel
# sandbox on SANDBOX_PORT) and remembers both ports for later reloads.
nginx_render() {
    local port=$1 sandbox_port=$2 dir=$ROOT/nginx rate_limits user_line keep_conn temp
    require_port "$sandbox_port"
    # The keep-alive switch sticks to the root until set again, so a plain reload keeps it.
    keep_conn=${PAYGATE_FASTCGI_KEEP_CONN:-$(cat "$dir/fastcgi-keep-conn" 2>/dev/null || echo off)}
    [[ $keep_conn == on || $keep_conn == off ]] ||
        die "PAYGATE_FASTCGI_KEEP_CONN must be on or off, got '$keep_conn'"
    mkdir -p "$dir"
    for temp in "${NGINX_TEMP_DIRS[@]}"; do mkdir -p "$dir/$temp"; done
    rate_limits=$(nginx_rate_limits_file)
    # As root, the workers run as their own user, the one member of the pool's and the sandbox's
    # socket group (scripts/stack-users.sh). Unprivileged, nginx keeps its own user anyway.
    if users_apply; then
        user_line="user $USER_NGINX $USER_NGINX;"
    else
        user_line="# user: nginx runs unprivileged as $(id -un), like the pool"
    fi
    # The rendered configuration and the ports beside it are 0600: only nginx's master (started
    # as this user) reads them, and they map the stack's files and sockets for anyone who could.
    (
        umask 077
        nginx_render_files "$port" "$sandbox_port" "$rate_limits" "$user_line" "$keep_conn"
    ) || die "could not render $dir/nginx.conf"
    chmod 0600 "$dir/nginx.conf" "$dir/port" "$dir/sandbox-port" "$dir/fastcgi-keep-conn"
}

# nginx_render_files PORT SANDBOX_PORT RATE_LIMITS USER_LINE KEEP_CONN: the files nginx_render writes.
nginx_render_files() {
    local port=$1 sandbox_port=$2 rate_limits=$3 user_line=$4 keep_conn=$5 dir=$ROOT/nginx
    sed -e "s|@ROOT@|$(sed_escape "$ROOT")|g" \
        -e "s|@REPO@|$(sed_escape "$REPO")|g" \
        -e "s|@PORT@|$port|g" \
        -e "s|@SANDBOX_PORT@|$sandbox_port|g" \
        -e "s|@RATE_LIMITS@|$(sed_escape "$rate_limits")|g" \
        -e "s|@USER_LINE@|$(sed_escape "$user_line")|g" \
        -e "s|@FASTCGI_KEEP_CONN@|$keep_conn|g" \
        -e "s|@FILES_LIMIT@|$(files_limit)|g" \
        "$REPO/nginx/nginx.conf.template" >"$dir/nginx.conf.tmp"
    if grep -q '@[A-Z_]*@' "$dir/nginx.conf.tmp"; then
        die "unreplaced placeholder in $dir/nginx.conf.tmp: $(grep -o '@[A-Z_]*@' "$dir/nginx.conf.tmp" | head -n 1)"
    fi
    mv "$dir/nginx.conf.tmp" "$dir/nginx.conf"
    printf '%s\n' "$port" >"$dir/port"
    printf '%s\n' "$sandbox_port" >"$dir/sandbox-port"
    printf '%s\n' "$keep_conn" >"$dir/fastcgi-keep-conn"
}

nginx_test() {
    local output
    output=$(nginx_cmd -t 2>&1) || {
        printf '%s\n' "$output" >&2
        die "nginx -t rejected $ROOT/nginx/nginx.conf"
    }
}

# nginx_worker_pids MASTER: the master's children, sorted (the kernel lists them per thread).
nginx_worker_pids() {
    cat "/proc/$1/task/"*/children 2>/dev/null | tr ' ' '\n' | sed '/^$/d' | sort
}

# nginx_reload_running MASTER: HUP, then wait until new workers exist, so that a caller that
# reloads a rate limit and then sends requests sees the new configuration.
nginx_reload_running() {
    local master=$1 before after deadline output
    before=$(nginx_worker_pids "$master")
    # Quiet unless it fails: it always prints a "signal process started" notice.
    output=$(nginx_cmd -s reload 2>&1) || {
        printf '%s\n' "$output" >&2
        die "nginx -s reload failed"
    }
    deadline=$((SECONDS + STACK_START_SECONDS_MAX))
    while :; do
        after=$(nginx_worker_pids "$master")
        [[ -n $after ]] && [[ -n $(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after")) ]] && return 0
        ((SECONDS < deadline)) || die "nginx did not start new workers after reload (see $ROOT/log/nginx-error.log)"
        sleep 0.1
    done
}

nginx_start() {
    local port=$1 sandbox_port=$2 pid deadline
    nginx_render "$port" "$sandbox_port"
    nginx_test
    if pid=$(pid_file_running "$ROOT/run/nginx.pid" nginx); then
        note "nginx already running (pid $pid): reloading its configuration"
        nginx_reload_running "$pid"
        return 0
    fi
    note "starting nginx on https://127.0.0.1:$port and https://127.0.0.1:$sandbox_port (sandbox)"
    # nginx daemonises itself (and leaves the terminal's session), then writes run/nginx.pid.
    nginx_cmd || {
        log_tail "$ROOT/log/nginx-error.log"
        die "nginx did not start"
    }
    deadline=$((SECONDS + STACK_START_SECONDS_MAX))
    until pid_file_running "$ROOT/run/nginx.pid" nginx >/dev/null; do
        ((SECONDS < deadline)) || {
            log_tail "$ROOT/log/nginx-error.log"
            die "nginx wrote no pid file"
        }
        sleep 0.1
    done
}

# nginx_reload: re-render (a new override or template takes effect too), test, reload.
nginx_reload() {
    local pid port
    pid=$(pid_file_running "$ROOT/run/nginx.pid" nginx) || die "nginx is not running for $ROOT"
    if port=$(cat "$ROOT/nginx/port" 2>/dev/null) && [[ $port =~ ^[0-9]+$ ]]; then
        nginx_render "$port" "$(sandbox_port_of_root)"
    fi
    nginx_test
    note "reloading nginx (pid $pid)"
    nginx_reload_running "$pid"
}

# nginx_stop: graceful (SIGQUIT lets in-flight requests finish), SIGKILL only after the wait.
nginx_stop() {
    local pid
    pid=$(pid_file_running "$ROOT/run/nginx.pid" nginx) || return 0
    note "stopping nginx (pid $pid)"
    stop_pid "$pid" nginx QUIT nginx
}
