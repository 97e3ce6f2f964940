#!/usr/bin/env bash
# stack.sh: the local paygate stack (MariaDB servers, the paygate pool, the channel sandbox, nginx
# with TLS) under one root directory. `make run` / `make up` / `make down` use ROOT=var/, `make
# test` a temp dir.
#
#   scripts/stack.sh deps                  install missing Debian packages (root) or name them
#   scripts/stack.sh contract-deps VENV    the e2e suite's pinned Python tools (contract step, SDKs), in venv VENV
#   scripts/stack.sh up ROOT PORT          start everything (idempotent), wait for /healthz
#                                          (the sandbox on PAYGATE_SANDBOX_PORT, default 9443)
#   scripts/stack.sh down ROOT             stop everything (harmless when nothing runs)
#   scripts/stack.sh run ROOT PORT         up + banner, in the foreground until Ctrl-C
#   scripts/stack.sh reload ROOT           nginx -t + reload (rate limits), SIGHUP to the pool,
#                                          restart of the timeout worker (never the sandbox:
#                                          its state is in memory)
#   scripts/stack.sh banner ROOT PORT      how to use a running stack
#   scripts/stack.sh db-stop ROOT SERVER   stop one MariaDB server (s0, s1): a shard outage
#   scripts/stack.sh db-start ROOT SERVER  start it again
#   scripts/stack.sh channel-rotate ROOT CHANNEL  new platform key for one channel (stack-init.sh)
#   scripts/stack.sh sandbox-restart ROOT  a fresh channel sandbox (after a rotation; state is lost)
#   scripts/stack.sh worker-stop ROOT      stop the worker alone (`up` or `reload` starts it again)
#   scripts/stack.sh redis-stop ROOT       stop the risk counters' Redis (an outage; its counters are lost)
#   scripts/stack.sh redis-start ROOT      start it again, empty
#
# Environment: the knobs of ROOT/paygate.json and ROOT/sandbox.json, which `paygate-admin init`
# writes at every `up` (PAYGATE_WORKERS, PAYGATE_THREADS, PAYGATE_WORKING_THREADS, PAYGATE_DB_*,
# PAYGATE_QUERY_SCHEDULE, PAYGATE_WEBHOOK_SCHEDULE, PAYGATE_CHANNEL_*, PAYGATE_SANDBOX_THREADS,
# PAYGATE_SANDBOX_CALLBACK_SENDERS, PAYGATE_SANDBOX_FAST_RETRIES=1: stack-init.sh), PAYGATE_RATE_LIMITS
# (a rate-limits file used for this root instead of nginx/rate-limits.conf; "default" goes back),
# PAYGATE_FASTCGI_KEEP_CONN=on|off (nginx keep-alive to the pool, default off), PAYGATE_BIN_DIR
# (where paygate, paygate-admin and paygate-sandbox are, default .build/release),
# PAYGATE_DB_EXTRA_ARGS (extra mariadbd options for experiments, e.g. --thread-handling=pool-of-threads),
# PAYGATE_SANDBOX_PORT (stack-sandbox.sh),
# PAYGATE_WORKER_* (the timeout worker, stack-worker.sh; `run` supervises it, `up` alone does not).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF=$REPO/scripts/stack.sh
BIN_DIR=${PAYGATE_BIN_DIR:-$REPO/.build/release}
ROOT=""

# shellcheck source=scripts/stack-common.sh
source "$REPO/scripts/stack-common.sh"
# shellcheck source=scripts/stack-deps.sh
source "$REPO/scripts/stack-deps.sh"
# shellcheck source=scripts/stack-users.sh
source "$REPO/scripts/stack-users.sh"
# shellcheck source=scripts/stack-accounts.sh
source "$REPO/scripts/stack-accounts.sh"
# shellcheck source=scripts/stack-mariadb.sh
source "$REPO/scripts/stack-mariadb.sh"
# shellcheck source=scripts/stack-redis.sh
source "$REPO/scripts/stack-redis.sh"
# shellcheck source=scripts/stack-pool.sh
source "$REPO/scripts/stack-pool.sh"
# shellcheck source=scripts/stack-worker.sh
source "$REPO/scripts/stack-worker.sh"
# shellcheck source=scripts/stack-init.sh
source "$REPO/scripts/stack-init.sh"
# shellcheck source=scripts/stack-sandbox.sh
source "$REPO/scripts/stack-sandbox.sh"
# shellcheck source=scripts/stack-nginx.sh
source "$REPO/scripts/stack-nginx.sh"

usage() {
    sed -n '2,33p' "$SELF" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

layout_ensure() {
    mkdir -p "$ROOT" "$ROOT/run" "$ROOT/log" "$ROOT/nginx" "$ROOT/mariadb"
    # Logs carry payment ids: owner only. MariaDB lets root in over its sockets: owner only too,
    # but as root its servers run as mysql and traverse it, even mid-run (users_database_dir).
    chmod 0700 "$ROOT/log"
    if users_apply; then chmod 0711 "$ROOT/mariadb"; else chmod 0700 "$ROOT/mariadb"; fi
    users_require
    users_run_dirs
}

healthz_code() {
    curl --silent --output /dev/null --write-out '%{http_code}' --max-time 5 \
        --cacert "$ROOT/tls/ca.pem" "https://127.0.0.1:$1/healthz" 2>/dev/null || true
}

healthz_wait() {
    local port=$1 code="" deadline=$((SECONDS + STACK_START_SECONDS_MAX))
    while :; do
        code=$(healthz_code "$port")
        [[ $code == 200 ]] && return 0
        ((SECONDS < deadline)) || break
        sleep 0.3
    done
    log_tail "$ROOT/log/paygate.log" "$ROOT/log/nginx-error.log" \
        "$ROOT/mariadb/s0/error.log" "$ROOT/mariadb/s1/error.log"
    die "https://127.0.0.1:$port/healthz answered '${code:-nothing}' instead of 200 after ${STACK_START_SECONDS_MAX}s"
}

cmd_up() {
    local port=$1 sandbox_port
    sandbox_port=$(sandbox_port)
    ((sandbox_port != port)) || die "PAYGATE_SANDBOX_PORT ($sandbox_port) must differ from PORT"
    layout_ensure
    # Keys, certificates and both configuration files; paygate.json's channel base URLs and
    # sandbox.json's public URL both name the sandbox port.
    stack_init "$port" "$sandbox_port"
    db_start_all
    accounts_ensure
    migrate
    # Before the pool: its creates read the risk counters.
    redis_start
    pool_start
    worker_start
    sandbox_start
    nginx_start "$port" "$sandbox_port"
    healthz_wait "$port"
    sandbox_health_wait "$sandbox_port"
    demo_merchant_ensure
    note "up: https://127.0.0.1:$port, sandbox https://127.0.0.1:$sandbox_port (root $ROOT)"
}

cmd_down() {
    if [[ ! -d $ROOT ]]; then
        note "no stack root at $ROOT: nothing to stop"
        return 0
    fi
    # Outside in: stop taking requests, let the pool finish its transactions, then the databases.
    # The timeout worker goes first, while the channels still answer the payment in its hands.
    # The sandbox goes after nginx: callbacks it still owes fail like any unreachable merchant.
    worker_stop
    nginx_stop
    sandbox_stop
    pool_stop
    redis_stop
    db_stop_all
    note "down: $ROOT"
}

cmd_banner() {
    local port=$1 request merchant admin sandbox_port
    merchant=$(demo_merchant_id)
    sandbox_port=$(sandbox_port_of_root)
    request="scripts/paygate-request --root $ROOT"
    [[ $PWD == "$REPO" ]] || request="$REPO/$request"
    # paygate-request defaults to https://127.0.0.1:8443, the port of `make up`.
    [[ $port == 8443 ]] || request="$request --url https://127.0.0.1:$port"
    admin="$BIN_DIR/paygate-admin --config $ROOT/paygate.json"
    # From the repo root the admin tool finds var/paygate.json by itself (docs/API.md section 1).
    [[ $ROOT == "$REPO/var" && $PWD == "$REPO" ]] && admin="${BIN_DIR#"$REPO"/}/paygate-admin"
    cat <<EOF

paygate is running.
  API          https://127.0.0.1:$port   (merchant API /v1/..., callbacks /callbacks/..., /healthz)
  sandbox      https://127.0.0.1:$sandbox_port   (simulated Alipay, WeChat Pay, UnionPay; /sandbox/health)
  CA           $ROOT/tls/ca.pem
               curl --cacert $ROOT/tls/ca.pem https://127.0.0.1:$port/healthz
  merchant     $merchant   (id and secrets in $ROOT/demo-merchant.json)
  admin tool   $admin merchant create --name NAME
  logs         $ROOT/log/   (paygate.log, sandbox.log, nginx-access.log, nginx-error.log)

Create a payment, then fetch it by the payment_id it printed:
  $request POST /v1/payments \\
    '{"merchant_order_no":"order-0001","amount":"12.30","currency":"CNY","channel":"alipay","subject":"Demo order","notify_url":"https://merchant.example/notify"}'
  $request GET /v1/payments/PAYMENT_ID
Pay it as the payer would, at the pay_url in its channel_payload (docs/API.md section 9):
  curl --cacert $ROOT/tls/ca.pem -d result=success PAY_URL

Rate limits: edit $REPO/nginx/rate-limits.conf, then scripts/stack.sh reload $ROOT
EOF
}

cmd_run() {
    local port=$1 stop_requested=0
    # `up` runs as its own process: `set -e` stays in force inside it, and the servers it
    # starts are not children of this shell.
    if ! "$SELF" up "$ROOT" "$port"; then
        "$SELF" down "$ROOT" || true
        exit 1
    fi
    cmd_banner "$port"
    echo "Press Ctrl-C to stop."
    trap 'stop_requested=1' INT TERM
    while ((stop_requested == 0)); do
        sleep 1 &
        wait $! || true
        if ((stop_requested == 0)) && ! pid_file_running "$ROOT/run/paygate.pid" paygate >/dev/null; then
            log_tail "$ROOT/log/paygate.log"
            note "the paygate pool exited: stopping the stack"
            "$SELF" down "$ROOT" || true
            exit 1
        fi
        if ((stop_requested == 0)) && ! pid_file_running "$ROOT/sandbox/sandbox.pid" paygate-sandbox >/dev/null; then
            log_tail "$ROOT/log/sandbox.log"
            note "the channel sandbox exited: stopping the stack"
            "$SELF" down "$ROOT" || true
            exit 1
        fi
        if ((stop_requested == 0)) && ! worker_running; then
            log_tail "$ROOT/log/worker.log"
            note "the timeout worker exited: stopping the stack"
            "$SELF" down "$ROOT" || true
            exit 1
        fi
    done
    # Ignore further signals while stopping: `make` passes its own SIGINT on to us, and the
    # down below (bounded) must not be cut short. Ignored signals pass on to the child too.
    trap '' INT TERM
    echo
    "$SELF" down "$ROOT"
    exit 0
}

# For tests that claim payments and refunds themselves (scripts/e2e.sh, the store contract): the
# worker would claim them too.
cmd_worker_stop() {
    worker_stop
}

# The sandbox is left alone: it refuses SIGHUP (a new worker would start an empty world).
cmd_sandbox_restart() {
    sandbox_restart
}

# For the tests of a Redis outage (test_risk_operations.py, RedisRiskSignalsContractTests).
cmd_redis_stop() { redis_stop; }
cmd_redis_start() { layout_ensure && redis_start; }

# Every reload is an admin action of the audit log (README "Audit log"), a refused edit too: the
# EXIT trap records how it ended, with the SHA-256 of the rate limits it tried to apply.
cmd_reload() {
    RELOAD_OUTCOME=failure
    trap 'reload_audit_record "$RELOAD_OUTCOME"' EXIT
    risk_rules_check
    nginx_reload
    pool_hangup
    worker_restart
    RELOAD_OUTCOME=success
}

# A broken rules file stops the reload before anything is reloaded, naming FILE:LINE:COLUMN; the
# pool would refuse it too (its new workers would not start) and keep the running rules.
risk_rules_check() {
    [[ -s $ROOT/paygate.json ]] || return 0
    "$BIN_DIR/paygate-admin" --config "$ROOT/paygate.json" risk check-rules ||
        die "reload refused: the risk rules do not parse; the running rules stay"
}

reload_audit_record() {
    local outcome=$1 limits=$ROOT/nginx/rate-limits.conf digest
    [[ -f $limits ]] || limits=$REPO/nginx/rate-limits.conf
    digest=$(sha256sum "$limits" | cut -d' ' -f1)
    "$BIN_DIR/paygate-admin" --config "$ROOT/paygate.json" audit record --action ratelimits.reload \
        --target "file:$limits" --outcome "$outcome" --details "{\"sha256\":\"$digest\"}" >/dev/null ||
        note "reload: could not record it in the audit log"
}

main() {
    local command=${1:-}
    [[ -n $command ]] || usage
    shift
    case $command in
        deps) cmd_deps ;;
        contract-deps)
            [[ $# -eq 1 ]] || usage
            cmd_contract_deps "$1"
            ;;
        up | run | banner)
            [[ $# -eq 2 ]] || usage
            require_root_dir "$1"
            require_port "$2"
            ROOT=$(realpath -m "$1")
            "cmd_$command" "$2"
            ;;
        down | reload | sandbox-restart | worker-stop | redis-stop | redis-start)
            [[ $# -eq 1 ]] || usage
            require_root_dir "$1"
            ROOT=$(realpath -m "$1")
            "cmd_${command//-/_}"
            ;;
        db-stop | db-start)
            [[ $# -eq 2 ]] || usage
            require_root_dir "$1"
            db_require_name "$2"
            ROOT=$(realpath -m "$1")
            if [[ $command == db-stop ]]; then db_stop "$2"; else db_start "$2"; fi
            ;;
        channel-rotate)
            [[ $# -eq 2 ]] || usage
            require_root_dir "$1"
            ROOT=$(realpath -m "$1")
            channels_rotate_command "$2"
            ;;
        -h | --help | help) usage ;;
        *) usage ;;
    esac
}

# Every process a command starts inherits the raised open-files limit (stack-common.sh).
files_limit_raise
main "$@"
