#!/usr/bin/env bash
# bench.sh: `make bench`. Starts a stack of its own (temp root, release build, full durability:
# innodb_flush_log_at_trx_commit=1), then measures in one run on the same machine:
#   (a) nginx answering a static 200 on the same TLS listener       /healthz/nginx
#   (b) a no-database endpoint through the FastCGI pool              /healthz/live
#   (c) the create transaction straight against the shards           paygate-bench ceiling
#   (d) full signed HTTPS POST /v1/payments over keep-alive          wrk + pre-signed requests
#   (e) the pay path: create, pay at the sandbox, callback           paygate-bench paypath
#   (f0) the webhook receiver itself (the ceiling of (f))            wrk POST, dispatcher's threads
#   (f) webhooks: callback -> merchant latency, and the delivery rate of a backlog
#                                                                     paygate-bench webhooks
# each at the same concurrency, and prints requests/s, p50/p99 and errors with the ratios
# (b)/(a) and (d)/(c). Machines here are shared and noisy: read the ratios, not the absolutes.
#
# Environment: PAYGATE_BENCH_SECONDS (default 10), PAYGATE_BENCH_CONCURRENCY (default 64),
# PAYGATE_BENCH_PORT (default 18743), PAYGATE_BENCH_SANDBOX_PORT (the channel sandbox's, default
# 19743: apart from `make up` and the e2e suite), PAYGATE_BENCH_RECEIVER_PORT (the merchant's
# webhook receiver, default 19843), PAYGATE_BENCH_KEEP=1 keeps the root.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK=$REPO/scripts/stack.sh
BIN_DIR=${PAYGATE_BIN_DIR:-$REPO/.build/release}
SECONDS_PER_RUN=${PAYGATE_BENCH_SECONDS:-10}
CONCURRENCY=${PAYGATE_BENCH_CONCURRENCY:-64}
PORT=${PAYGATE_BENCH_PORT:-18743}
SANDBOX_PORT=${PAYGATE_BENCH_SANDBOX_PORT:-19743}
RECEIVER_PORT=${PAYGATE_BENCH_RECEIVER_PORT:-19843}
RECEIVER_PID=
WRK_THREADS=2
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/paygate-bench.XXXXXX")

cleanup() {
    local status=$?
    [[ -n $RECEIVER_PID ]] && kill "$RECEIVER_PID" 2>/dev/null
    "$STACK" down "$ROOT" >/dev/null 2>&1 || true
    [[ ${PAYGATE_BENCH_KEEP:-0} == 1 ]] && echo "bench: kept $ROOT" >&2 || rm -rf "$ROOT"
    exit "$status"
}
trap cleanup EXIT

PAYGATE_SANDBOX_PORT=$SANDBOX_PORT "$STACK" up "$ROOT" "$PORT" >/dev/null
URL="https://127.0.0.1:$PORT"
# wrk has no option for a CA file; the stack's certificate is checked by curl in `stack.sh up`.

# Converts wrk's "1.23ms" / "812.00us" / "1.02s" to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n = n * 1000
        printf "%.2f", n }'
}

# Runs wrk and prints "rps p50_ms p99_ms errors".
run_wrk() {
    local output
    output=$(wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -d"${SECONDS_PER_RUN}s" --latency "$@")
    local rps p50 p99 non2xx socket
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$output")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$output")")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$output")
    socket=$(awk -F'[ ,]+' '/Socket errors:/ {print $4 + $6 + $8 + $10}' <<<"$output")
    echo "$rps $p50 $p99 $(( ${non2xx:-0} + ${socket:-0} ))"
}

echo "bench: ${SECONDS_PER_RUN}s per run, concurrency $CONCURRENCY, $(nproc) cores; stack in $ROOT" >&2
echo "bench: (a) static 200 from nginx" >&2
A=$(run_wrk "$URL/healthz/nginx")
echo "bench: (b) /healthz/live through the pool" >&2
B=$(run_wrk "$URL/healthz/live")
echo "bench: (c) create transaction against the shards" >&2
C=$("$BIN_DIR/paygate-bench" --config "$ROOT/paygate.json" ceiling --threads "$CONCURRENCY" --seconds "$SECONDS_PER_RUN")
C=$(awk '{print $1, $2, $3, $4}' <<<"$C")

echo "bench: (d) signed HTTPS POST /v1/payments" >&2
MERCHANT=$("$BIN_DIR/paygate-admin" --config "$ROOT/paygate.json" merchant create --name bench)
MERCHANT_ID=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["merchant_id"])' <<<"$MERCHANT")
umask 077
python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])' <<<"$MERCHANT" >"$ROOT/bench-secret"
# Enough distinct requests for 4x the ceiling rate: wrk wraps around (and gets errors) only if
# the pool outruns the database by that much.
C_RPS=${C%% *}
COUNT=$(awk -v r="$C_RPS" -v s="$SECONDS_PER_RUN" 'BEGIN { n = int(r * s * 4); if (n < 20000) n = 20000; print n }')
"$BIN_DIR/paygate-bench" sign --merchant-id "$MERCHANT_ID" --secret-file "$ROOT/bench-secret" --count "$COUNT" --out "$ROOT/bench-requests"
D=$(PAYGATE_BENCH_REQUESTS="$ROOT/bench-requests" PAYGATE_BENCH_THREADS="$WRK_THREADS" run_wrk -s "$REPO/scripts/bench-wrk.lua" "$URL/v1/payments")

echo "bench: (f0) the webhook receiver alone" >&2
# The merchant's endpoint: the dispatcher's ceiling is how fast this receiver can take webhooks at
# the dispatcher's concurrency (its delivery threads).
"$REPO/scripts/bench-receiver.py" "$RECEIVER_PORT" "$ROOT/receiver.log" &
RECEIVER_PID=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$RECEIVER_PORT/" -d '{}' && break; sleep 0.1; done
HOOK_THREADS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("webhooks", {}).get("threads", 8))' "$ROOT/paygate.json")
F0=$(CONCURRENCY=$HOOK_THREADS; WRK_THREADS=1; run_wrk -s "$REPO/scripts/bench-webhook.lua" "http://127.0.0.1:$RECEIVER_PORT/ceiling")
: >"$ROOT/receiver.log"

echo "bench: (e) pay path: create, pay at the sandbox, callback to succeeded" >&2
# Fewer clients than (d): each payment is two HTTPS requests plus the channel's callback, and the
# sandbox (one process, playing all three channels) shares the two cores.
PAY_THREADS=${PAYGATE_BENCH_PAY_THREADS:-16}
E=$("$BIN_DIR/paygate-bench" --config "$ROOT/paygate.json" paypath --url "$URL" --ca "$ROOT/tls/ca.pem" \
    --merchant-id "$MERCHANT_ID" --secret-file "$ROOT/bench-secret" --threads "$PAY_THREADS" --seconds "$SECONDS_PER_RUN" \
    --notify-url "http://127.0.0.1:$RECEIVER_PORT/webhooks")

echo "bench: (f) webhooks: callback to merchant, then a backlog drained" >&2
FL=$("$BIN_DIR/paygate-bench" --config "$ROOT/paygate.json" webhooks latency --merchant-id "$MERCHANT_ID" --receiver-log "$ROOT/receiver.log")
FD=$("$BIN_DIR/paygate-bench" --config "$ROOT/paygate.json" webhooks drain --merchant-id "$MERCHANT_ID" --receiver-log "$ROOT/receiver.log")

row() { awk -v name="$1" '{ printf "%-52s %10.0f %9.2f %9.2f %7d\n", name, $1, $2, $3, $4 }' <<<"$2"; }
ratio() { awk -v x="${1%% *}" -v y="${2%% *}" 'BEGIN { if (y > 0) printf "%.2f", x / y; else print "n/a" }'; }

echo
printf "%-52s %10s %9s %9s %7s\n" "run (concurrency $CONCURRENCY, ${SECONDS_PER_RUN}s)" "req/s" "p50 ms" "p99 ms" "errors"
row "(a) nginx static 200, same TLS listener" "$A"
row "(b) /healthz/live through the FastCGI pool" "$B"
row "(c) create transaction on the shards (ceiling)" "$C"
row "(d) signed HTTPS POST /v1/payments" "$D"
printf "%-52s %10s %9s %9s %7s\n" "(e) pay path, $PAY_THREADS payers" "paid/s" "p50 ms" "p99 ms" "errors"
row "    create + pay + callback -> succeeded" "$E"
printf "%-52s %10s %9s %9s %7s\n" "(f) webhooks, $HOOK_THREADS delivery threads" "hooks/s" "p50 ms" "p99 ms" "missing"
row "(f0) receiver alone, wrk POST (ceiling)" "$F0"
row "    backlog of $(awk '{print $5}' <<<"$FD") events drained by the dispatcher" "$FD"
awk '{ printf "%-52s %10s %9.2f %9.2f %7d\n", "    callback applied -> merchant got payment.succeeded", "-", $2, $3, $4 }' <<<"$FL"
echo
echo "(b)/(a) = $(ratio "$B" "$A")   target >= 0.28 (plain C libfcgi here: ~0.31 keep-alive, ~0.18 without)"
echo "(d)/(c) = $(ratio "$D" "$C")   target >= 0.50"
echo "p99 (d) = $(awk '{print $3}' <<<"$D") ms   target <= 50 ms; errors (d) = $(awk '{print $4}' <<<"$D")   target 0"
echo "(e): completed payments per second; latency from the payer's payment at the sandbox to the"
echo "     succeeded row (sandbox callback dispatch, nginx, pool, transaction), $(awk '{print $5}' <<<"$E") payments"
echo "(f)/(f0) = $(ratio "$FD" "$F0")   webhook delivery rate against the receiver's own ceiling (same run)"
echo "(f) latency: from the callback's succeeded row to the receiver's log line, $(awk '{print $1}' <<<"$FL") webhooks"
