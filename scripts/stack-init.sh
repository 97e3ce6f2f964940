# The files of a stack root (keys, certificates, paygate.json, sandbox.json) come from
# `paygate-admin init`, written with the Swift types and crypto code that read them (Sources/Setup).
# Sourced by scripts/stack.sh. Keys and secrets are made only when missing, so `up` on an existing
# root keeps its data readable; the configuration files are rewritten from the environment below.

# The environment knobs and the init flag each one becomes. An unset knob is left out, and init's
# own default applies (each is declared, with its reason, in Sources/Setup/Options/InitOptions.swift).
INIT_KNOBS=(
    PAYGATE_WORKERS:--workers
    PAYGATE_THREADS:--threads
    PAYGATE_WORKING_THREADS:--working-threads
    PAYGATE_DB_CONNECTIONS:--db-connections
    PAYGATE_DB_WAIT_MS:--db-wait-ms
    PAYGATE_QUERY_SCHEDULE:--query-schedule
    PAYGATE_QUERY_RATE:--query-rate
    PAYGATE_WEBHOOK_SCHEDULE:--webhook-schedule
    PAYGATE_AUDIT_FLUSH_SECONDS:--audit-flush-seconds
    PAYGATE_AUDIT_CHECKPOINT_SECONDS:--audit-checkpoint-seconds
    PAYGATE_CHANNEL_CONNECT_TIMEOUT_MS:--channel-connect-timeout-ms
    PAYGATE_CHANNEL_TOTAL_TIMEOUT_MS:--channel-total-timeout-ms
    PAYGATE_CHANNEL_KEY_GRACE_SECONDS:--channel-key-grace-seconds
    PAYGATE_SANDBOX_THREADS:--sandbox-threads
    PAYGATE_SANDBOX_CALLBACK_SENDERS:--sandbox-callback-senders
    PAYGATE_SANDBOX_FAST_RETRIES:--sandbox-fast-retries
    PAYGATE_RISK:--risk
)

# Risk's files (README "Risk"): the rules admins edit beside the rate limits and the trained
# model, both from the repository unless PAYGATE_RISK_RULES / PAYGATE_RISK_MODEL name others
# (the end-to-end suite edits a copy of its own rules).
risk_init_args() {
    printf '%s\n' --risk-rules "$(realpath -m "${PAYGATE_RISK_RULES:-$REPO/nginx/risk-rules.conf}")" \
        --risk-model "$(realpath -m "${PAYGATE_RISK_MODEL:-$REPO/nginx/risk-model.json}")"
}

# Set by stack_init: 1 when ROOT/sandbox.json changed, so a running sandbox must be restarted.
SANDBOX_CONFIG_CHANGED=0

# stack_init PORT SANDBOX_PORT: runs init for ROOT with the knobs that are set.
stack_init() {
    local port=$1 sandbox_port=$2 entry knob args=() given="" output
    require_binary paygate-admin
    for entry in "${INIT_KNOBS[@]}"; do
        knob=${entry%%:*}
        [[ -n ${!knob:-} ]] || continue
        args+=("${entry#*:}" "${!knob}")
        given+=" $knob=${!knob} (${entry#*:})"
    done
    mapfile -t -O "${#args[@]}" args < <(risk_init_args)
    output=$("$BIN_DIR/paygate-admin" init "$ROOT" --port "$port" --sandbox-port "$sandbox_port" "${args[@]}") ||
        die "paygate-admin init failed; knobs given:${given:- none}"
    SANDBOX_CONFIG_CHANGED=0
    [[ $output == *sandbox-configuration-changed* ]] && SANDBOX_CONFIG_CHANGED=1
    # init writes as whoever runs it: each file to the user that reads it (stack-users.sh).
    users_own_files
    return 0
}

# channels_rotate_command CHANNEL (stack.sh channel-rotate): a new platform key, then init again
# with the ports of the last `up`, so the next reload of the pool and the sandbox sees both keys.
channels_rotate_command() {
    local port
    require_binary paygate-admin
    "$BIN_DIR/paygate-admin" channel-rotate "$ROOT" "$1" || die "paygate-admin channel-rotate failed"
    [[ -s $ROOT/paygate.json ]] || return 0
    port=$(cat "$ROOT/nginx/port" 2>/dev/null) || port=""
    [[ $port =~ ^[0-9]+$ ]] || die "no port of the last up in $ROOT/nginx/port: run up first"
    stack_init "$port" "$(sandbox_port_of_root)"
    note "rotated $1; apply it with: scripts/stack.sh reload $ROOT && scripts/stack.sh sandbox-restart $ROOT"
}
