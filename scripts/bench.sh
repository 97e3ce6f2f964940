#!/usr/bin/env bash
# bench.sh: `make bench`. Starts a stack of its own (temp root, release build, full durability:
# innodb_flush_log_at_trx_commit=1), then measures in one run on the same machine:
#   (a) nginx answering a static 200 on the same TLS listener       /healthz/nginx
#   (b) a no-database endpoint through the FastCGI pool              /healthz/live
#   (c) the create transaction straight against the shards           paygate-bench ceiling
#   (d) full signed HTTPS POST /v1/payments over keep-alive          wrk + pre-signed requests
#       with the CPU time each process group spends per create       scripts/bench-cpu.py
#   (e) the pay path: create, pay at the sandbox, callback           paygate-bench paypath
#       and at paygate: callback reaching nginx -> succeeded row     paygate-bench callbacks
#   (f0) the webhook receiver itself (the ceiling of (f))            wrk POST, dispatcher's threads
#   (f) webhooks: callback -> merchant latency, and the delivery rate of a backlog
#                                                                     paygate-bench webhooks
#   (g) (d) while every channel call takes 200 ms, at 256 and 1,024 clients (sandbox fault knob)
#   (d2) (d) again after a bulk load of 1,000,000 payments into the shards
#                                                                     paygate-bench bulkload
#   (h) reconciling a day of 1,000,000 WeChat Pay statement lines against as many payments on
#       the shards, against reading the file alone; peak RSS at 100,000 and 1,000,000 lines
#                                                   paygate-bench reconload, paygate-admin recon
#   (i) (d) with a payer in every create, three rounds of risk off, on, on, off (the pool
#       reloaded at each switch), and the risk evaluation's own p50/p99 in µs
#                                                                paygate-bench sign --payer, riskeval
# and prints requests/s, p50/p99 and errors for each, with the ratios and targets.
# Machines here are shared and noisy: read the ratios, not the absolutes.
#
# Environment: PAYGATE_BENCH_SECONDS (default 10), PAYGATE_BENCH_CONCURRENCY (default 64),
# PAYGATE_BENCH_PORT (default 18743), PAYGATE_BENCH_SANDBOX_PORT (the channel sandbox's, default
# 19743: apart from `make up` and the e2e suite), PAYGATE_BENCH_RECEIVER_PORT (the merchant's
# webhook receiver, default 19843), PAYGATE_BENCH_BULK_PAYMENTS (the (d2) load, default 1000000),
# PAYGATE_BENCH_CALLBACK_SENDERS (the sandbox's callback threads, default 32),
# PAYGATE_BENCH_RECON_LINES (the (h) day, default 1000000; a tenth of it is measured too),
# PAYGATE_BENCH_KEEP=1 keeps the root.
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
# (g): every channel API call answered this late (the sandbox's latency_ms knob), at these client
# counts. A client can then create at most clients x 1000 / latency per second (1280/s at 256).
G_LATENCY_MS=200
G_CONCURRENCIES=(256 1024)
# (g) waits as long as nginx waits for the pool (fastcgi_read_timeout): an error is then paygate's
# refusal or failure, not the impatience of wrk's 2 s default.
G_TIMEOUT_SECONDS=30
# (d2): payments loaded before the create run is repeated.
BULK_PAYMENTS=${PAYGATE_BENCH_BULK_PAYMENTS:-1000000}
# (h): statement lines of the large day; the small day has a tenth. Past days of their own, so no
# other run's payments are on them.
RECON_LINES=${PAYGATE_BENCH_RECON_LINES:-1000000}
RECON_DAYS=(2020-01-02 2020-01-03)
# The sandbox's callback senders: enough that (e) measures paygate, not a queue in the sandbox.
CALLBACK_SENDERS=${PAYGATE_BENCH_CALLBACK_SENDERS:-32}
# Open files this script and the stack it starts may use: wrk holds 1,024 connections in (g), and
# the stack's processes inherit the limit (nginx sets its own, worker_rlimit_nofile).
FILES_WANTED=8192
FILES_NEEDED=$((1024 + 256))
# The timeout worker runs, but leaves the benchmark's unpaid payments alone for the whole run (one
# query an hour after the create, i.e. none before their expiry): by default it would query each at
# its channel 30 s after its create, and those queries (tens of thousands, at the worker's rate
# limit) would load every later run, which (d) did not have. Its claim queries still run against
# the shards at every poll, over the (d2) load too.
QUERY_SCHEDULE_SECONDS=3600
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/paygate-bench.XXXXXX")

cleanup() {
    local status=$?
    [[ -n $RECEIVER_PID ]] && kill "$RECEIVER_PID" 2>/dev/null
    "$STACK" down "$ROOT" >/dev/null 2>&1 || true
    [[ ${PAYGATE_BENCH_KEEP:-0} == 1 ]] && echo "bench: kept $ROOT" >&2 || rm -rf "$ROOT"
    exit "$status"
}
trap cleanup EXIT

# The soft open-files limit, raised for wrk and inherited by the stack (never above the hard one).
files_limit_raise() {
    local soft hard
    soft=$(ulimit -Sn)
    hard=$(ulimit -Hn)
    [[ $hard == unlimited ]] || ((hard >= FILES_NEEDED)) ||
        { echo "bench: open-files hard limit $hard < $FILES_NEEDED, which (g) at 1,024 clients needs" >&2; exit 1; }
    [[ $soft == unlimited ]] || ((soft >= FILES_WANTED)) && return 0
    if [[ $hard == unlimited ]] || ((hard >= FILES_WANTED)); then ulimit -Sn "$FILES_WANTED"; else ulimit -Sn "$hard"; fi
}
files_limit_raise

# The load-test rate limits: the benchmark sends thousands of requests/s for one merchant from
# one address, far above nginx/rate-limits.conf's realistic defaults, and must measure paygate.
PAYGATE_SANDBOX_PORT=$SANDBOX_PORT PAYGATE_SANDBOX_CALLBACK_SENDERS=$CALLBACK_SENDERS \
    PAYGATE_RATE_LIMITS=$REPO/nginx/rate-limits.load-test.conf \
    PAYGATE_QUERY_SCHEDULE=$QUERY_SCHEDULE_SECONDS "$STACK" up "$ROOT" "$PORT" >/dev/null
URL="https://127.0.0.1:$PORT"
SANDBOX_URL="https://127.0.0.1:$SANDBOX_PORT"
# wrk has no option for a CA file; the stack's certificate is checked by curl in `stack.sh up`.

# Converts wrk's "1.23ms" / "812.00us" / "1.02s" to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n = n * 1000
        printf "%.2f", n }'
}

# Runs wrk and prints "rps p50_ms p99_ms errors ok": rps counts the 2xx answers only (wrk's own
# figure counts every answer; they agree when errors are 0), ok is how many there were.
run_wrk() {
    local output
    output=$(wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -d"${SECONDS_PER_RUN}s" --latency "$@")
    local total seconds p50 p99 non2xx socket
    read -r total seconds < <(awk '/ requests in / { sub(/s,$/, "", $4); print $1, $4 }' <<<"$output")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$output")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$output")")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$output")
    socket=$(awk -F'[ ,]+' '/Socket errors:/ {print $4 + $6 + $8 + $10}' <<<"$output")
    awk -v total="${total:-0}" -v seconds="${seconds:-0}" -v p50="$p50" -v p99="$p99" -v non2xx="${non2xx:-0}" -v socket="${socket:-0}" \
        'BEGIN { ok = total - non2xx; printf "%.2f %s %s %d %d\n", (seconds > 0 ? ok / seconds : 0), p50, p99, non2xx + socket, ok }'
}

# sign_requests FILE COUNT: COUNT pre-signed creates of the bench merchant, each a new order and
# nonce, signed now (the auth window is 300 s: sign just before the run that sends them).
sign_requests() {
    "$BIN_DIR/paygate-bench" sign --merchant-id "$MERCHANT_ID" --secret-file "$ROOT/bench-secret" --count "$2" --out "$1" "${@:3}"
}

# run_creates FILE [wrk options]: wrk replaying FILE's pre-signed creates (d), (d2), (g).
run_creates() {
    local file=$1
    shift
    PAYGATE_BENCH_REQUESTS=$file PAYGATE_BENCH_THREADS=$WRK_THREADS run_wrk "$@" -s "$REPO/scripts/bench-wrk.lua" "$URL/v1/payments"
}

# dirty_pages: InnoDB pages not yet written back, of the buffer pool's, per MariaDB server
# ("s0 1234/16224 s1 567/16224 ").
dirty_pages() {
    local server
    for server in $(python3 -c 'import json, sys
for server in json.load(open(sys.argv[1]))["database"]["servers"]: print(server["name"] + "=" + server["socket"])' "$ROOT/paygate.json"); do
        printf '%s %s ' "${server%%=*}" "$(mariadb --no-defaults --socket="${server#*=}" -uroot --batch --skip-column-names \
            -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_buffer_pool_pages_dirty', 'Innodb_buffer_pool_pages_total')" |
            awk '{ pages[$1] = $2 } END { print pages["Innodb_buffer_pool_pages_dirty"] "/" pages["Innodb_buffer_pool_pages_total"] }')"
    done
}

# sandbox_faults JSON: replaces the sandbox's whole knob set ('{}' turns every fault off).
sandbox_faults() {
    curl --silent --show-error --fail --output /dev/null --max-time 10 --cacert "$ROOT/tls/ca.pem" \
        -X POST "$SANDBOX_URL/sandbox/faults" -d "$1"
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
sign_requests "$ROOT/bench-requests" "$COUNT"
# CPU per create: every process of this stack, read just before and just after the run.
"$REPO/scripts/bench-cpu.py" snapshot "$ROOT" >"$ROOT/cpu-before.json"
D=$(run_creates "$ROOT/bench-requests")
"$REPO/scripts/bench-cpu.py" snapshot "$ROOT" >"$ROOT/cpu-after.json"
D_CPU=$("$REPO/scripts/bench-cpu.py" report "$ROOT/cpu-before.json" "$ROOT/cpu-after.json" "$(awk '{print $5}' <<<"$D")")
rm -f "$ROOT/bench-requests"

# (i): risk off against risk on, the same creates (each with a payer, as risk sees real traffic),
# in I_ROUNDS rounds of off, on, on, off; the pool re-reads paygate.json on the reload at each
# switch. The machine drifts over the runs (the earlier steps' writes still being flushed, a
# neighbour on the host): in this order the drift weighs on both sides alike, not on whichever
# runs second, and one round here still spreads by about +-0.08, hence several.
I_ROUNDS=3
risk_enabled() {
    python3 - "$ROOT/paygate.json" "$1" <<'PY'
import json, sys
path, enabled = sys.argv[1], sys.argv[2] == "on"
with open(path, encoding="utf-8") as handle:
    configuration = json.load(handle)
configuration["risk"]["enabled"] = enabled
with open(path, "w", encoding="utf-8") as handle:  # keeps the file's owner and mode
    json.dump(configuration, handle, indent=2)
PY
    "$STACK" reload "$ROOT" >/dev/null 2>&1
    sleep 3
}
# risk_run NAME: the creates, with every process's CPU before and after (ROOT/cpu-NAME-*.json);
# prints wrk's "rps p50 p99 errors ok" and keeps it in ROOT/run-NAME.
risk_run() {
    sign_requests "$ROOT/bench-requests-risk" "$COUNT" --payer
    "$REPO/scripts/bench-cpu.py" snapshot "$ROOT" >"$ROOT/cpu-$1-before.json"
    run_creates "$ROOT/bench-requests-risk" | tee "$ROOT/run-$1"
    "$REPO/scripts/bench-cpu.py" snapshot "$ROOT" >"$ROOT/cpu-$1-after.json"
    rm -f "$ROOT/bench-requests-risk"
}
# risk_side off|on: that side's runs as one "rps p50 p99 errors ok": mean rate and p50, the
# largest p99, sums.
risk_side() {
    cat "$ROOT"/run-"$1"-* | awk '{ n++; rps += $1; p50 += $2; if ($3 > p99) p99 = $3; errors += $4; ok += $5 }
        END { printf "%.2f %.2f %.2f %d %d\n", rps / n, p50 / n, p99, errors, ok }'
}
# risk_cpu off|on: CPU per create over every run of that side.
risk_cpu() {
    local windows=() run
    for run in "$ROOT"/run-"$1"-*; do
        run=${run##*/run-}
        windows+=("$ROOT/cpu-$run-before.json" "$ROOT/cpu-$run-after.json" "$(awk '{print $5}' "$ROOT/run-$run")")
    done
    "$REPO/scripts/bench-cpu.py" report "${windows[@]}"
}
echo "bench: (i) (d) with payers: $I_ROUNDS rounds of risk off, on, on, off" >&2
# The bench merchant on nginx/risk-rules.conf's @trusted_merchants: every create is allowed and
# goes on to the channel as with risk off, so the two sides do the same work but risk's. Each
# create still pays for all of risk: the counters' round trip (writes and reads, and a new
# device's remembering), the model's score, the lists. Without it the trained model, which
# reads the hour, holds some of the night's creates for review, and a held create never calls
# the channel: cheaper than an allowed one, and the ratio would depend on the time of day.
"$BIN_DIR/paygate-admin" --config "$ROOT/paygate.json" risk list add trusted_merchants "$MERCHANT_ID" >/dev/null
I_RUNS=""
for round in $(seq "$I_ROUNDS"); do
    risk_enabled off
    I_RUNS+="$(risk_run "off-${round}a" | awk '{print $1}') "
    risk_enabled on
    I_RUNS+="$(risk_run "on-${round}a" | awk '{print $1}') "
    I_RUNS+="$(risk_run "on-${round}b" | awk '{print $1}') "
    risk_enabled off
    I_RUNS+="$(risk_run "off-${round}b" | awk '{print $1}') "
done
I_OFF=$(risk_side off)
I_ON=$(risk_side on)
I_OFF_CPU=$(risk_cpu off)
I_ON_CPU=$(risk_cpu on)
echo "bench: (i) the risk evaluation alone" >&2
I_EVAL=$("$BIN_DIR/paygate-bench" --config "$ROOT/paygate.json" riskeval --count 20000)

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

# The same callbacks from where paygate is: nginx's access log against the succeeded rows.
EN=$("$BIN_DIR/paygate-bench" --config "$ROOT/paygate.json" callbacks --merchant-id "$MERCHANT_ID" \
    --access-log "$ROOT/log/nginx-access.log" --pool-log "$ROOT/log/paygate.log")

echo "bench: (f) webhooks: callback to merchant, then a backlog drained" >&2
FL=$("$BIN_DIR/paygate-bench" --config "$ROOT/paygate.json" webhooks latency --merchant-id "$MERCHANT_ID" --receiver-log "$ROOT/receiver.log")
FD=$("$BIN_DIR/paygate-bench" --config "$ROOT/paygate.json" webhooks drain --merchant-id "$MERCHANT_ID" --receiver-log "$ROOT/receiver.log")

# (g): no run can send more than clients x seconds x 1000 / latency creates, so that many
# requests (signed just before each run) never wrap around.
sandbox_faults "{\"latency_ms\":$G_LATENCY_MS}"
declare -A G
for clients in "${G_CONCURRENCIES[@]}"; do
    echo "bench: (g) signed creates at $clients clients, every channel call ${G_LATENCY_MS} ms late" >&2
    sign_requests "$ROOT/bench-requests" $((clients * SECONDS_PER_RUN * 1000 / G_LATENCY_MS + clients))
    G[$clients]=$(CONCURRENCY=$clients; run_creates "$ROOT/bench-requests" --timeout "${G_TIMEOUT_SECONDS}s")
    rm -f "$ROOT/bench-requests"
    # Creates still queued when wrk stopped finish now, not inside the next run.
    sleep 2
done
sandbox_faults '{}'

echo "bench: (d2) bulk load of $BULK_PAYMENTS payments, then (d) again" >&2
LOAD=$("$BIN_DIR/paygate-bench" --config "$ROOT/paygate.json" bulkload --count "$BULK_PAYMENTS")
sign_requests "$ROOT/bench-requests" "$COUNT"
# The load leaves much of each buffer pool dirty; InnoDB writes it back in the background, during
# (d2), as it would after any burst of writes. Said, not waited for (minutes on this disk).
D2_DIRTY=$(dirty_pages)
D2=$(run_creates "$ROOT/bench-requests")
rm -f "$ROOT/bench-requests"

# (h): each day loaded, then read alone (`recon fetch --file`: the connector's streaming reader,
# the ceiling) and reconciled (`recon run --file`: read twice, matched on the shards, items
# written); "seconds peak_rss_kib" of each. Every line must match.
recon_day() { # lines day -> "read_s read_kib run_s run_kib matched differences"
    local lines=$1 day=$2 file=$ROOT/recon-$1.csv admin=("$BIN_DIR/paygate-admin" --config "$ROOT/paygate.json" recon)
    "$BIN_DIR/paygate-bench" --config "$ROOT/paygate.json" reconload --count "$lines" --day "$day" --out "$file" >/dev/null
    local reading running
    reading=$("$REPO/scripts/bench-measure.py" "$ROOT/recon-read.json" "${admin[@]}" fetch --channel wechatpay --date "$day" --file "$file")
    running=$("$REPO/scripts/bench-measure.py" "$ROOT/recon-run.json" "${admin[@]}" run --channel wechatpay --date "$day" --file "$file")
    echo "$reading $running $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["matched"], r["differences"])' "$ROOT/recon-run.json")"
}
echo "bench: (h) reconciliation of $((RECON_LINES / 10)) and $RECON_LINES statement lines" >&2
H_SMALL=$(recon_day $((RECON_LINES / 10)) "${RECON_DAYS[0]}")
H_LARGE=$(recon_day "$RECON_LINES" "${RECON_DAYS[1]}")

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
printf "%-52s %10s %9s %9s %7s\n" "(g) signed creates, channel calls ${G_LATENCY_MS} ms late" "creates/s" "p50 ms" "p99 ms" "errors"
for clients in "${G_CONCURRENCIES[@]}"; do row "    $clients clients (wrk -c$clients)" "${G[$clients]}"; done
printf "%-52s %10s %9s %9s %7s\n" "(i) signed creates with a payer" "req/s" "p50 ms" "p99 ms" "errors"
row "    risk off" "$I_OFF"
row "    risk on (rules, model, Redis counters)" "$I_ON"
printf "%-52s %10s %9s %9s %7s\n" "(d2) after loading $(awk '{print $1}' <<<"$LOAD") payments" "req/s" "p50 ms" "p99 ms" "errors"
row "    signed HTTPS POST /v1/payments" "$D2"
echo
echo "CPU per create in (d), $(awk '{print $5}' <<<"$D") creates (utime+stime of every process of this stack / creates):"
echo "$D_CPU"
echo
G256=${G[${G_CONCURRENCIES[0]}]}
G1024=${G[${G_CONCURRENCIES[1]}]}
echo "(b)/(a) = $(ratio "$B" "$A")   target >= 0.2 (plain C libfcgi here: ~0.31 keep-alive, ~0.18 without)"
echo "(d)/(c) = $(ratio "$D" "$C")   target >= 0.50"
echo "p99 (d) = $(awk '{print $3}' <<<"$D") ms   target <= 50 ms; errors (d) = $(awk '{print $4}' <<<"$D")   target 0"
echo "(e): completed payments per second; latency from the payer's payment at the sandbox to the"
echo "     succeeded row (sandbox callback dispatch, nginx, pool, transaction), $(awk '{print $5}' <<<"$E") payments"
# The headline ends at the COMMIT (the pool's log line for the callback, written once the
# transaction returned); the history row's created_at (the recipe by request id alone) is taken
# before the ledger posting, the merchant event and the COMMIT, so it reads low, and is the
# headline only if the pool's log has no callback lines.
awk -v senders="$CALLBACK_SENDERS" '{
    committed = ($7 > 0); p50 = committed ? $8 : $2; p99 = committed ? $9 : $3
    printf "(e) callback at nginx -> succeeded committed: p50 %.0f ms, p99 %.0f ms   target p99 <= 25 ms\n", p50, p99
    if (committed) printf "    (to the pool'"'"'s log line after the COMMIT, %d callbacks)\n", $7
    else printf "    (to the succeeded history row: the pool logged no callback lines)\n"
    printf "    to the succeeded history row (created_at, taken before the ledger, outbox and COMMIT): p50 %.0f ms, p99 %.0f ms\n", $2, $3
    printf "    to nginx'"'"'s answer: p50 %.0f ms, p99 %.0f ms; %d callbacks joined with their rows, %d succeeded rows\n", $5, $6, $1, $4
    printf "    without a logged callback; %d sandbox callback senders\n", senders }' <<<"$EN"
awk -v g="${G256%% *}" -v d="${D%% *}" -v clients="${G_CONCURRENCIES[0]}" -v latency="$G_LATENCY_MS" -v p99="$(awk '{print $3}' <<<"$G256")" \
    -v errors="$(awk '{print $4}' <<<"$G1024")" -v big="${G_CONCURRENCIES[1]}" 'BEGIN {
    ceiling = clients * 1000 / latency; floor = 0.8 * (d < ceiling ? d : ceiling)
    printf "(g)@%d/(d) = %.2f   (g) at c=%d = %.0f/s   target >= 0.8 x min((d), %d/s) = %.0f/s\n", clients, (d > 0 ? g / d : 0), clients, g, ceiling, floor
    printf "p99 (g)@%d = %.0f ms   target <= 450 ms; errors (g)@%d = %d   target 0\n", clients, p99, big, errors }'
awk -v loaded="$LOAD" -v d2="${D2%% *}" -v d="${D%% *}" 'BEGIN {
    split(loaded, l, " ")
    printf "(d2)/(d) = %.2f   target >= 0.9   (after loading %d payments + %d history rows in %.1f s, %.0f rows/s)\n",
        (d > 0 ? d2 / d : 0), l[1], l[2], l[3], (l[3] > 0 ? l[1] / l[3] : 0) }'
echo "     InnoDB pages still dirty from the load when (d2) started: $D2_DIRTY"
echo "(f)/(f0) = $(ratio "$FD" "$F0")   webhook delivery rate against the receiver's own ceiling (same run)"
awk -v small="$H_SMALL" -v large="$H_LARGE" -v lines="$RECON_LINES" 'BEGIN {
    split(small, s, " "); split(large, l, " ")
    printf "(h) reconcile %d lines: %.0f lines/s, reading alone %.0f lines/s (ceiling), (h)/ceiling = %.2f; %d matched, %d differences\n",
        lines, lines / l[3], lines / l[1], l[1] / l[3], l[5], l[6]
    printf "    peak RSS %.0f MiB at %d lines, %.0f MiB at %d lines: ratio %.2f   target ~1 (streaming: flat in the file size)\n",
        l[4] / 1024, lines, s[4] / 1024, lines / 10, (s[4] > 0 ? l[4] / s[4] : 0)
    printf "    at %d lines: %.0f lines/s, reading alone %.0f lines/s\n", lines / 10, lines / 10 / s[3], lines / 10 / s[1] }'
awk -v on="${I_ON%% *}" -v off="${I_OFF%% *}" -v evaluation="$I_EVAL" \
    -v runs="$I_RUNS" 'BEGIN {
    split(evaluation, e, " ")
    printf "(i) risk on/off = %.2f   target >= 0.9   (runs off, on, on, off in each round, req/s: %s)\n", (off > 0 ? on / off : 0), runs
    printf "    evaluation p50 %.0f us, p99 %.0f us with the Redis round trip; rules and model alone p50 %.1f us, p99 %.1f us\n", e[1], e[2], e[3], e[4]
    printf "    (%s allow/review/block of the evaluation'"'"'s creates)\n", e[5] }'
echo "    CPU per create in (i), risk off (every run):"
echo "$I_OFF_CPU"
echo "    CPU per create in (i), risk on (every run):"
echo "$I_ON_CPU"
echo "(f) latency: from the callback's succeeded row to the receiver's log line, $(awk '{print $1}' <<<"$FL") webhooks"
